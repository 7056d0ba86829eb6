// Builds every runnable part into dist/: the CLI (which also hosts the daemon and the
// tracker), the Electron main process and preload, the benchmark runner, the renderer,
// and where the system can, the native UDP socket (build-native.mjs; optional).
// esbuild for the Node side (sub-second, no type-check: `npm run typecheck` does that),
// Vite for the renderer (HTML entry, CSS, assets).
//
// Atomic: everything is built into a fresh staging folder, .dist-staging-<pid> (beside
// dist/, so source-map paths come out the same), and each output is then renamed into place. A CLI or daemon started from dist/ while a build runs
// (a test, a second terminal) sees the old build or the new one, never a half-written or
// emptied folder.
import { build } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { buildNativeUdp } from './build-native.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const staging = path.join(root, `.dist-staging-${process.pid}`);
const at = (p) => (p.startsWith('dist/') ? path.join(staging, p.slice('dist/'.length)) : path.join(root, p));

const nodeCommon = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  packages: 'external',
  logLevel: 'warning',
};

rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
const jobs = [];
const entry = (src, out, extra = {}) => {
  if (existsSync(at(src)))
    jobs.push(build({ ...nodeCommon, entryPoints: [at(src)], outfile: at(out), ...extra }));
};

// ESM bundles need `require` for the few CommonJS-only dependencies.
const esmBanner = {
  js: "import { createRequire as __swarmdropCreateRequire } from 'node:module'; const require = __swarmdropCreateRequire(import.meta.url);",
};
// Split into chunks: each sub-command's code loads only when it runs (see cli/main.ts).
// Chunk names carry a content hash; the folder is replaced whole, so old ones never pile up.
// Dependencies are bundled too (as for Electron's main process): loaded from node_modules,
// Node resolved and compiled each of their CommonJS files one by one, and a `get` that found
// no peer used 0.50–0.68 s of CPU against 0.34–0.37 s bundled (docs/PERFORMANCE.md).
entry('src-main/cli/main.ts', 'dist/cli/main.js', {
  format: 'esm',
  packages: undefined,
  banner: esmBanner,
  splitting: true,
  outfile: undefined,
  outdir: at('dist/cli'),
  chunkNames: '[name]-[hash]',
});
entry('bench/main.ts', 'dist/bench/main.js', { format: 'esm', banner: esmBanner });
// Electron: the main process bundles its dependencies except electron itself; the sandboxed
// preload must be a single CommonJS file.
// ESM dependencies bundled into it keep working where they use import.meta.url (the
// SSDP library behind port mapping calls createRequire(import.meta.url), which esbuild
// would leave as createRequire(undefined) in CommonJS): it becomes this file's URL.
entry('src-main/app/main.ts', 'dist/app/main.cjs', {
  format: 'cjs',
  packages: undefined,
  external: ['electron'],
  define: { 'import.meta.url': '__swarmdropImportMetaUrl' },
  banner: { js: "const __swarmdropImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
});
entry('src-main/app/preload.ts', 'dist/app/preload.cjs', {
  format: 'cjs',
  packages: undefined,
  external: ['electron'],
});

try {
  await Promise.all(jobs);
  if (existsSync(path.join(root, 'src-renderer/index.html')) && !process.argv.includes('--no-renderer')) {
    const { build: viteBuild } = await import('vite');
    await viteBuild({
      configFile: at('vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: at('dist/renderer'), emptyOutDir: true },
    });
  }
  buildNativeUdp(root, at('dist/native'));
  publish('cli');
  publish('renderer');
  publish('native');
  for (const folder of ['bench', 'app']) {
    for (const file of existsSync(path.join(staging, folder))
      ? readdirSync(path.join(staging, folder))
      : []) {
      publish(path.join(folder, file));
    }
  }
} finally {
  rmSync(staging, { recursive: true, force: true });
}

/**
 * Moves `dist/<name>` from staging into place. A file is renamed over the old one (atomic).
 * A folder cannot be renamed over a non-empty one: the old one is first renamed aside, then
 * the new one in, then the old one deleted, so the gap is two renames, not a whole build.
 */
function publish(name) {
  const from = path.join(staging, name);
  if (!existsSync(from)) return;
  const to = path.join(root, 'dist', name);
  mkdirSync(path.dirname(to), { recursive: true });
  if (!existsSync(to) || !statSync(from).isDirectory()) {
    renameSync(from, to);
    return;
  }
  const aside = path.join(root, 'dist', `.old-${path.basename(name)}-${process.pid}`);
  renameSync(to, aside);
  renameSync(from, to);
  rmSync(aside, { recursive: true, force: true });
}

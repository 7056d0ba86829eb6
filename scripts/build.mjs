// Builds every runnable part into dist/: the CLI (which also hosts the daemon and the
// tracker), the Electron main process and preload, the benchmark runner, and the renderer.
// esbuild for the Node side (sub-second, no type-check: `npm run typecheck` does that),
// Vite for the renderer (HTML entry, CSS, assets).
import { build } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const at = (p) => path.join(root, p);

const nodeCommon = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  packages: 'external',
  logLevel: 'warning',
};

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
// Chunk names carry a content hash, so clear the old ones or they pile up build after build.
rmSync(at('dist/cli'), { recursive: true, force: true });
entry('src-main/cli/main.ts', 'dist/cli/main.js', {
  format: 'esm',
  banner: esmBanner,
  splitting: true,
  outfile: undefined,
  outdir: at('dist/cli'),
  chunkNames: '[name]-[hash]',
});
entry('bench/main.ts', 'dist/bench/main.js', { format: 'esm', banner: esmBanner });
// Electron: the main process bundles its dependencies except electron itself; the sandboxed
// preload must be a single CommonJS file.
entry('src-main/app/main.ts', 'dist/app/main.cjs', {
  format: 'cjs',
  packages: undefined,
  external: ['electron'],
});
entry('src-main/app/preload.ts', 'dist/app/preload.cjs', {
  format: 'cjs',
  packages: undefined,
  external: ['electron'],
});

await Promise.all(jobs);

if (existsSync(at('src-renderer/index.html')) && !process.argv.includes('--no-renderer')) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: at('vite.config.ts'), logLevel: 'warn' });
}

// `npm run fuzz`: bundles the fuzz runner (test/fuzz/run-fuzz.ts) with esbuild into
// dist/fuzz/ and runs it with the given arguments (see run-fuzz.ts for them).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const outfile = path.join(root, 'dist', 'fuzz', 'run-fuzz.js');
await build({
  entryPoints: [path.join(root, 'test', 'fuzz', 'run-fuzz.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: true,
  packages: 'external',
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __swarmdropCreateRequire } from 'node:module'; const require = __swarmdropCreateRequire(import.meta.url);",
  },
});
const run = spawnSync(process.execPath, ['--enable-source-maps', outfile, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);

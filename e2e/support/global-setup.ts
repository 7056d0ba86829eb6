import { existsSync } from 'node:fs';
import { electronBinary, ELECTRON_SKIP_LINE } from './electron-binary.ts';

export default function globalSetup(): void {
  if (!existsSync('dist/cli/main.js') || !existsSync('dist/renderer/index.html')) {
    throw new Error('e2e needs a build: run `node scripts/build.mjs` first');
  }
  console.log(
    electronBinary()
      ? 'electron: binary found, the electron project runs too'
      : `${ELECTRON_SKIP_LINE} (the electron project's tests are skipped)`,
  );
}

import { existsSync } from 'node:fs';
import { electronBinary, ELECTRON_SKIP_LINE } from './electron-binary.ts';

export default function globalSetup(): void {
  // The daemons the specs start (children inherit the environment) join no public DHT
  // router: the settings' default bootstrap nodes are never contacted from a test.
  process.env.SWARMDROP_DHT_BOOTSTRAP = '';
  if (!existsSync('dist/cli/main.js') || !existsSync('dist/renderer/index.html')) {
    throw new Error('e2e needs a build: run `node scripts/build.mjs` first');
  }
  console.log(
    electronBinary()
      ? 'electron: binary found, the electron project runs too'
      : `${ELECTRON_SKIP_LINE} (the electron project's tests are skipped)`,
  );
}

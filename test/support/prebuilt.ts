// Tests that run the built CLI or benchmark use the build `npm test` makes once before any
// test starts (scripts/build.mjs). They never build themselves: a build in one test file
// would replace dist/ under another file's running processes.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));

/** Throws, saying how to build, when one of `files` (relative to the repo) is missing. */
export function requireBuild(...files: string[]): void {
  const missing = files.filter((file) => !existsSync(path.join(repoRoot, file)));
  if (missing.length > 0) {
    throw new Error(`${missing.join(', ')} not built: run \`node scripts/build.mjs\` first (npm test does)`);
  }
}

// The Electron main process is one CommonJS bundle with its dependencies inside
// (scripts/build.mjs). An ESM dependency that reads import.meta.url at load (the SSDP
// library behind port mapping calls createRequire(import.meta.url)) gets an empty object
// from esbuild in CommonJS unless the build defines it, and then throws when loaded.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/interop-harness.ts';

const bundle = path.join(repoRoot, 'dist/app/main.cjs');
const built = existsSync(bundle);
if (!built) console.warn('SKIPPED: dist/app/main.cjs not built (node scripts/build.mjs; npm test builds it)');

describe.skipIf(!built)('Electron main bundle', () => {
  it('leaves no import.meta empty (bundled ESM dependencies can find their own files)', () => {
    const text = readFileSync(bundle, 'utf8');
    expect(text).not.toMatch(/\bimport_meta\d* = \{\};/);
    // The port-mapping libraries are in it, so the check covers them.
    expect(text).toContain('AddAnyPortMapping');
  });
});

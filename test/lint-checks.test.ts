// The dead-export and formatting checks `npm run lint` runs (knip with knip.json, prettier
// with .prettierrc.json), run on a small fixture project laid out like the repository: each
// must fail on what it exists to catch, and pass once the fixture is fixed.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from './support/temp-dir.ts';

const run = promisify(execFile);
const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const knipBin = path.join(repoRoot, 'node_modules/knip/bin/knip.js');
const prettierBin = path.join(repoRoot, 'node_modules/prettier/bin/prettier.cjs');

let fixture: { dir: string; remove(): Promise<void> };

async function write(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(fixture.dir, file)), { recursive: true });
  await writeFile(path.join(fixture.dir, file), text);
}

/** Exit code and output of a check run in the fixture (0 = passed). */
async function check(bin: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      cwd: fixture.dir,
      timeout: 60_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

beforeEach(async () => {
  fixture = await makeTempDir('swarmdrop-lint-checks-');
  await write('package.json', '{\n  "name": "lint-fixture",\n  "type": "module",\n  "private": true\n}\n');
  await copyFile(path.join(repoRoot, 'knip.json'), path.join(fixture.dir, 'knip.json'));
  await copyFile(path.join(repoRoot, '.prettierrc.json'), path.join(fixture.dir, '.prettierrc.json'));
  await write(
    'src-main/cli/main.ts',
    "import { usedByCli } from '../service/helpers.ts';\nconsole.log(usedByCli);\n",
  );
});

afterEach(() => fixture?.remove());

describe('npm run lint', () => {
  it('lint:dead (knip) fails on an export nothing imports, and passes without it', async () => {
    await write(
      'src-main/service/helpers.ts',
      'export const usedByCli = 1;\nexport const nobodyImportsThis = 2;\n',
    );
    const dead = await check(knipBin, ['--no-progress', '--include', 'exports']);
    expect(dead.code).not.toBe(0);
    expect(dead.output).toContain('nobodyImportsThis');

    await write('src-main/service/helpers.ts', 'export const usedByCli = 1;\n');
    const clean = await check(knipBin, ['--no-progress', '--include', 'exports']);
    expect(clean.code, clean.output).toBe(0);
  });

  it('lint:format (prettier --check) fails on an unformatted file, and passes once formatted', async () => {
    await write('src-main/service/helpers.ts', 'export const usedByCli   =   {a:1,\n b:"two"}\n');
    const unformatted = await check(prettierBin, ['--check', '.']);
    expect(unformatted.code).not.toBe(0);
    expect(unformatted.output).toContain('src-main/service/helpers.ts');

    await write('src-main/service/helpers.ts', "export const usedByCli = { a: 1, b: 'two' };\n");
    const formatted = await check(prettierBin, ['--check', '.']);
    expect(formatted.code, formatted.output).toBe(0);
  });
});

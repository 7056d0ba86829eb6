// The import rules `npm run lint` enforces (.dependency-cruiser.mjs), run on a small tree of
// fixture files laid out like the repository: each forbidden import is reported under its
// rule, and the allowed ones are not.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cruise, type IConfiguration, type ICruiseResult } from 'dependency-cruiser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from './support/temp-dir.ts';

const fixture: Record<string, string> = {
  'src-shared/util/clamp.ts': 'export const clamp = (n: number) => Math.max(0, n);\n',
  'src-main/service/app-thing.ts': 'export const serviceValue = 1;\n',
  // A codec that reaches up into the service.
  'src-main/protocol/bad-codec.ts':
    "import { serviceValue } from '../service/app-thing.ts';\nexport const bad = serviceValue;\n",
  // A codec that uses src-shared: allowed.
  'src-main/protocol/good-codec.ts':
    "import { clamp } from '../../src-shared/util/clamp.ts';\nexport const good = clamp(1);\n",
  // Two engine modules that import each other (one of them for a type only).
  'src-main/engine/loop-a.ts':
    "import type { B } from './loop-b.ts';\nexport interface A { b?: B }\nexport const a = 1;\n",
  'src-main/engine/loop-b.ts':
    "import { a } from './loop-a.ts';\nexport interface B { n: number }\nexport const b = a;\n",
  // The CLI opening the engine without the service.
  'src-main/cli/opens-engine.ts': "import { a } from '../engine/loop-a.ts';\nexport const cli = a;\n",
  // The CLI through the service: allowed.
  'src-main/cli/through-service.ts':
    "import { serviceValue } from '../service/app-thing.ts';\nexport const ok = serviceValue;\n",
  'bench/lib/bench-helper.ts': 'export const benchHelper = 1;\n',
  'test/uses-bench.test.ts':
    "import { benchHelper } from '../bench/lib/bench-helper.ts';\nexport const t = benchHelper;\n",
};

let root: { dir: string; remove(): Promise<void> };
let result: ICruiseResult;

const violations = (rule: string) =>
  result.summary.violations.filter((v) => v.rule.name === rule).map((v) => `${v.from} -> ${v.to}`);

beforeAll(async () => {
  root = await makeTempDir('swarmdrop-import-rules-');
  for (const [file, text] of Object.entries(fixture)) {
    await mkdir(path.dirname(path.join(root.dir, file)), { recursive: true });
    await writeFile(path.join(root.dir, file), text);
  }
  // The repository's rules and options, minus its tsconfig (the fixture has none).
  const configUrl = pathToFileURL(path.resolve(import.meta.dirname, '../.dependency-cruiser.mjs')).href;
  const { default: config } = (await import(configUrl)) as { default: IConfiguration };
  const { tsConfig: _tsConfig, ...options } = config.options ?? {};
  const output = await cruise(['src-main', 'src-shared', 'test', 'bench'], {
    ...options,
    baseDir: root.dir,
    validate: true,
    ruleSet: { forbidden: config.forbidden ?? [] },
  });
  result = output.output as ICruiseResult;
});

afterAll(() => root?.remove());

describe('import rules', () => {
  it('reports a protocol module importing the service', () => {
    expect(violations('protocol-is-the-bottom')).toEqual([
      'src-main/protocol/bad-codec.ts -> src-main/service/app-thing.ts',
    ]);
  });

  it('reports two modules that import each other, type-only imports included', () => {
    const cycles = result.summary.violations.filter((v) => v.rule.name === 'no-circular');
    expect(cycles).toHaveLength(1);
    const members = [cycles[0]!.from, ...(cycles[0]!.cycle ?? []).map((step) => step.name)];
    expect(new Set(members)).toEqual(new Set(['src-main/engine/loop-a.ts', 'src-main/engine/loop-b.ts']));
  });

  it('reports a host importing the engine instead of the service', () => {
    expect(violations('hosts-open-the-engine-through-the-service')).toEqual([
      'src-main/cli/opens-engine.ts -> src-main/engine/loop-a.ts',
    ]);
  });

  it('reports a test importing bench/', () => {
    expect(violations('tests-do-not-import-bench')).toEqual([
      'test/uses-bench.test.ts -> bench/lib/bench-helper.ts',
    ]);
  });

  it('lets imports that point down pass', () => {
    const from = result.summary.violations.map((v) => v.from);
    expect(from).not.toContain('src-main/protocol/good-codec.ts');
    expect(from).not.toContain('src-main/cli/through-service.ts');
    expect(result.summary.error).toBe(result.summary.violations.length);
  });
});

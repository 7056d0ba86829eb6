// `npm test`: the whole suite. Builds once (scripts/build.mjs, atomically; no test builds),
// type-checks (`npm run typecheck`: esbuild strips types without checking them, so nothing
// else would catch a type error), runs the unit + integration tests (Vitest), then the UI
// end-to-end tests (Playwright, Debian's Chromium against the daemon; Electron too when
// its binary exists) whatever the earlier outcomes. Prints one line per step and then the
// total:
//
//   typecheck: passed
//   vitest: N passed, N failed, N skipped
//   playwright: N passed, N failed, N skipped
//   duration: M min
//   tests: N passed, N failed, N skipped
//
// and exits non-zero when the type check or either runner failed (a failed test, or a
// runner that ended without its report). `npm test -- <vitest args>` runs only Vitest with those arguments.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const run = (cmd, args, env = {}) =>
  spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined);

const startedMs = Date.now();
if (run('node', ['scripts/build.mjs']) !== 0) {
  console.error('build failed');
  process.exit(1);
}

const out = mkdtempSync(path.join(tmpdir(), 'swarmdrop-test-report-'));
const extra = process.argv.slice(2);
// Not a test count: a pass or a failure of its own, on full runs only.
const typecheckExit = extra.length === 0 ? run('npm', ['run', '--silent', 'typecheck']) : null;
/** @type {{ name: string, exitCode: number, counts?: { passed: number, failed: number, skipped: number } }[]} */
const runners = [];

const vitestJson = path.join(out, 'vitest.json');
const vitestExit = run('npx', [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${vitestJson}`,
  ...extra,
]);
const v = readJson(vitestJson);
runners.push({
  name: 'vitest',
  exitCode: vitestExit,
  ...(v
    ? {
        counts: {
          passed: v.numPassedTests,
          failed: v.numFailedTests,
          skipped: v.numPendingTests + v.numTodoTests,
        },
      }
    : {}),
});

if (existsSync('playwright.config.ts') && extra.length === 0) {
  const pwJson = path.join(out, 'playwright.json');
  const pwExit = run('npx', ['playwright', 'test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson,
  });
  const p = readJson(pwJson);
  runners.push({
    name: 'playwright',
    exitCode: pwExit,
    ...(p?.stats
      ? {
          counts: {
            passed: p.stats.expected + (p.stats.flaky ?? 0),
            failed: p.stats.unexpected,
            skipped: p.stats.skipped,
          },
        }
      : {}),
  });
}
rmSync(out, { recursive: true, force: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
let failed = false;
console.log('');
if (typecheckExit !== null) {
  console.log(`typecheck: ${typecheckExit === 0 ? 'passed' : `failed (exit code ${typecheckExit})`}`);
  if (typecheckExit !== 0) failed = true;
}
for (const r of runners) {
  if (!r.counts) {
    // No report: the runner itself failed (crashed, bad config); say so rather than invent a count.
    console.log(`${r.name}: no report (exit code ${r.exitCode})`);
    failed = true;
    continue;
  }
  const { passed, failed: f, skipped } = r.counts;
  console.log(
    `${r.name}: ${passed} passed, ${f} failed, ${skipped} skipped${r.exitCode !== 0 && f === 0 ? ` (exit code ${r.exitCode})` : ''}`,
  );
  totals.passed += passed;
  totals.failed += f;
  totals.skipped += skipped;
  if (f > 0 || r.exitCode !== 0) failed = true;
}
console.log(`duration: ${((Date.now() - startedMs) / 60_000).toFixed(1)} min`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failed ? 1 : 0);

// `npm test`: the whole suite — build, unit + integration tests (Vitest), then the UI
// end-to-end tests (Playwright, Debian's Chromium against the daemon; Electron too when
// its binary exists). Ends with one line `tests: N passed, N failed, N skipped`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const run = (cmd, args, env = {}) =>
  spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined);

const out = mkdtempSync(path.join(tmpdir(), 'swarmdrop-test-report-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;

if (run('node', ['scripts/build.mjs']) !== 0) {
  console.error('build failed');
  process.exit(1);
}

const vitestJson = path.join(out, 'vitest.json');
const extra = process.argv.slice(2);
exitCode ||= run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`, ...extra]);
const v = readJson(vitestJson);
if (v) {
  totals.passed += v.numPassedTests;
  totals.failed += v.numFailedTests;
  totals.skipped += v.numPendingTests + v.numTodoTests;
} else {
  totals.failed += 1;
}

if (existsSync('playwright.config.ts') && extra.length === 0) {
  const pwJson = path.join(out, 'playwright.json');
  exitCode ||= run('npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson });
  const p = readJson(pwJson);
  if (p?.stats) {
    totals.passed += p.stats.expected + (p.stats.flaky ?? 0);
    totals.failed += p.stats.unexpected;
    totals.skipped += p.stats.skipped;
  } else {
    totals.failed += 1;
  }
}

rmSync(out, { recursive: true, force: true });
if (totals.failed > 0) exitCode ||= 1;
console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(exitCode);

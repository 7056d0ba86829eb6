import { defineConfig } from '@playwright/test';

// Not part of `npm test`: renders docs/screenshots/*.png from real running daemons.
//   node scripts/build.mjs && npx playwright test --config e2e/screenshots.config.ts
export default defineConfig({
  testDir: '.',
  testMatch: '*.shots.ts',
  outputDir: '../dist/e2e-results',
  workers: 1,
  timeout: 600_000,
  expect: { timeout: 120_000 },
  reporter: [['list']],
  projects: [{ name: 'daemon-chromium', metadata: { host: 'daemon' } }],
});

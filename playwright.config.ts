import { defineConfig } from '@playwright/test';

// UI flows. Two projects run the same specs: the daemon's web UI in Debian's
// Chromium (this machine's browsers cannot be downloaded), and the Electron app through
// Playwright's _electron when its binary is installed (skipped, and said so, otherwise).
// Needs `node scripts/build.mjs` first (npm test does it).
// No daemon a UI test starts asks this machine's router to map a port (they inherit this).
process.env.SWARMDROP_PORT_MAPPING = 'off';
// LAN discovery (LSD, the LAN catalog) multicasts on loopback only, and only for a
// daemon that listens beyond loopback (the specs' daemons bind 127.0.0.1: off).
process.env.SWARMDROP_LAN_INTERFACE = '127.0.0.1';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  outputDir: 'dist/e2e-results',
  workers: 1,
  fullyParallel: false,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  globalSetup: './e2e/support/global-setup.ts',
  use: { trace: 'off', screenshot: 'only-on-failure' },
  projects: [
    { name: 'daemon-chromium', metadata: { host: 'daemon' } },
    { name: 'electron', metadata: { host: 'electron' } },
  ],
});

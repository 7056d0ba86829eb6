/**
 * `launch(options)` starts an app instance for the current project (daemon in Chromium,
 * or Electron); the electron project's tests skip with a clear line when its binary is
 * missing.
 */
import { test as base, type Browser } from '@playwright/test';
import { electronBinary, ELECTRON_SKIP_LINE } from './electron-binary.ts';
import {
  launchChromium,
  launchDaemon,
  launchElectron,
  type AppInstance,
  type InstanceOptions,
} from './app-instance.ts';

export interface Launcher {
  host: 'daemon' | 'electron';
  available: boolean;
  launch(options: InstanceOptions): Promise<AppInstance>;
}

export const test = base.extend<object, { launcher: Launcher }>({
  launcher: [
    // Playwright reads fixture dependencies from the first parameter: it must be a pattern.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use, workerInfo) => {
      const host = workerInfo.project.metadata.host === 'electron' ? 'electron' : 'daemon';
      let browser = null as Browser | null;
      const available = host === 'daemon' || electronBinary() !== null;
      if (!available) console.log(ELECTRON_SKIP_LINE);
      await use({
        host,
        available,
        async launch(options) {
          if (host === 'electron') return launchElectron(options);
          browser ??= await launchChromium();
          return launchDaemon(browser, options);
        },
      });
      await browser?.close();
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';
export { ELECTRON_SKIP_LINE };

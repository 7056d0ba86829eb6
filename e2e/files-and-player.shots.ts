/**
 * Screenshots of the Files tab (folder tree, a selection, priorities) and the in-app
 * player, light and dark, at 1280×800 and 800×600, from a real daemon downloading from a
 * real CLI seeder. Runs on its own:
 *   node scripts/build.mjs && npx playwright test --config e2e/screenshots.config.ts files-and-player
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './support/fixtures.ts';
import { addMagnet, PACK_NAME, shareWithCli, writePack } from './support/files-scenario.ts';

const OUT = path.resolve('docs/screenshots');

async function shoot(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(OUT, `${name}-${scheme}.png`) });
    await page.setViewportSize({ width: 800, height: 600 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(OUT, `${name}-${scheme}-800x600.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

test('screenshots of the Files tab and the player', async ({ launcher }) => {
  const root = await mkdtemp(path.join(tmpdir(), 'swarmdrop-shots-files-'));
  let seeder: ChildProcess | null = null;
  const app = await launcher.launch({
    name: 'downloader',
    dataDir: path.join(root, 'b'),
    embeddedTracker: 0,
  });
  try {
    const tracker = `udp://127.0.0.1:${(await app.appInfo()).embeddedTracker.port!}`;
    const shared = await shareWithCli(
      await writePack(path.join(root, 'src')),
      tracker,
      path.join(root, 'seeder'),
    );
    seeder = shared.child;
    const page = app.page;
    await addMagnet(page, shared.magnet);
    await page.locator('.transfer-row', { hasText: PACK_NAME }).click();
    const detail = page.getByRole('complementary', { name: 'Transfer details' });
    await detail.getByRole('tab', { name: /^Files/ }).click();
    const files = detail.getByRole('list', { name: 'Files' });
    await expect(files.getByLabel('Download notes/day 2/map.txt')).toBeVisible({ timeout: 60_000 });
    // A selection worth looking at: one note skipped (its folder indeterminate), the archive high.
    await files.getByLabel('Download notes/day 2/map.txt').uncheck();
    await files.getByLabel('Priority of photos.zip').selectOption('high');
    await expect(detail.getByText(/^3 of 4 files/)).toBeVisible();
    // The "Download complete" toast would cover the tree at 800×600: wait for it and put it away.
    const dismiss = page.getByRole('button', { name: 'Dismiss' });
    await expect(dismiss.first()).toBeVisible({ timeout: 60_000 });
    for (const button of await dismiss.all()) await button.click();
    await expect(dismiss).toHaveCount(0);
    await shoot(page, 'detail-files');
    await detail.getByRole('button', { name: 'Play river-tone.wav' }).click();
    const audio = page.getByRole('dialog', { name: 'river-tone.wav' }).locator('audio');
    await expect
      .poll(() => audio.evaluate((el) => (el as unknown as { duration: number }).duration))
      .toBeGreaterThan(0);
    await shoot(page, 'player');
  } finally {
    seeder?.kill('SIGTERM');
    await app.close();
    await rm(root, { recursive: true, force: true });
  }
});

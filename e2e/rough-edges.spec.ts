/**
 * Small things a new user trips over, each checked in the real UI of a real daemon: an
 * instance started with `--embedded-tracker off` and one tracker of someone else's.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, ELECTRON_SKIP_LINE } from './support/fixtures.ts';
import type { AppInstance } from './support/app-instance.ts';

const nav = (page: Page, view: 'Transfers' | 'Network' | 'Settings') =>
  page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: new RegExp(`^${view}`) })
    .click();

// A loopback port nothing listens on: the tracker "in use" that never answers.
const TRACKER = 'udp://127.0.0.1:9';

test.describe.serial('rough edges', () => {
  let root = '';
  let app: AppInstance;

  test.beforeAll(async ({ launcher }) => {
    test.skip(!launcher.available, ELECTRON_SKIP_LINE); // why: no Electron binary here (download blocked)
    root = await mkdtemp(path.join(tmpdir(), 'swarmdrop-edges-'));
    app = await launcher.launch({
      name: 'edges',
      dataDir: path.join(root, 'd'),
      embeddedTracker: 'off',
      trackers: [TRACKER],
    });
  });

  test.afterAll(async () => {
    await app?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('with the built-in tracker off, the first screen says which tracker is in use', async () => {
    const card = app.page.getByTestId('tracker-address');
    await expect(card).toContainText('Built-in tracker is off');
    await expect(card).toContainText(TRACKER);
  });

  test('Settings says the flag turned the tracker off for this run', async () => {
    const page = app.page;
    await nav(page, 'Settings');
    await expect(page.getByTestId('tracker-flag-hint')).toContainText('This run: off');
    await nav(page, 'Transfers');
  });

  test('the shortcuts dialog closes with its own button', async () => {
    const page = app.page;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Shortcuts' }).click();
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(dialog).toBeVisible();
    // The web UI lists keys a browser leaves to pages, not Ctrl+O.
    await expect(dialog).not.toContainText('Ctrl+O');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toBeHidden();
  });

  test('a magnet nobody has says what it is trying, and can be cancelled', async () => {
    const page = app.page;
    await page.getByRole('button', { name: 'Magnet link' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a magnet link' });
    await dialog.getByRole('textbox').fill(`magnet:?xt=urn:btih:${'ab'.repeat(20)}&dn=nobody-has-this`);
    await dialog.getByRole('button', { name: 'Download' }).click();
    const row = page.locator('.transfer-row', { hasText: 'nobody-has-this' });
    await expect(row).toHaveAttribute('data-state', 'fetching-metadata');
    await expect(row).toContainText("Getting the torrent's info");
    await expect(row).toContainText(/for \d+s/);
    // After a minute with nobody found, the row offers a way out.
    await expect(row.getByRole('button', { name: 'Cancel' })).toBeVisible({ timeout: 90_000 });
    await row.getByRole('button', { name: 'Cancel' }).click();
    const remove = page.getByRole('dialog', { name: /Remove/ });
    await expect(remove).toContainText('nothing else in that folder');
    await remove.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect(row).toBeHidden();
  });
});

/**
 * Several items shared as one, in the real UI of a real daemon: picked in place from the
 * host's folders (Ctrl-click) or dropped into the browser, the share dialog asks for the
 * name (pre-filled: the folder they are in, or "first and N more"; never a date) and takes
 * the create Options, which end up in the .torrent.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator } from '@playwright/test';
import { parseTorrent } from '../src-main/protocol/metainfo/parse-torrent.ts';
import { test, expect, ELECTRON_SKIP_LINE } from './support/fixtures.ts';
import type { AppInstance } from './support/app-instance.ts';
import { browseTo } from './support/path-picker.ts';

// A loopback port nothing listens on: a tracker that never answers (no catalog to wait for).
const TRACKER = 'udp://127.0.0.1:9';

/** Drops `names` (small random files) on `target` in one drag, as a user dropping several files. */
async function dropFiles(target: Locator, names: string[]): Promise<void> {
  const dataTransfer = await target.page().evaluateHandle((names) => {
    const g = globalThis as unknown as {
      DataTransfer: new () => { items: { add(file: unknown): void } };
      File: new (parts: Uint8Array[], name: string, options: { type: string }) => unknown;
    };
    const dt = new g.DataTransfer();
    for (const name of names) {
      const bytes = new Uint8Array(20_000);
      crypto.getRandomValues(bytes);
      dt.items.add(new g.File([bytes], name, { type: 'application/octet-stream' }));
    }
    return dt;
  }, names);
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
}

test.describe.serial('several items shared as one', () => {
  let root = '';
  let app: AppInstance;

  test.beforeAll(async ({ launcher }) => {
    // Skipped only in the `electron` project, and only where the Electron binary is not
    // installed (its download is blocked here); the daemon-chromium project always runs.
    test.skip(!launcher.available, ELECTRON_SKIP_LINE);
    root = await mkdtemp(path.join(tmpdir(), 'swarmdrop-multi-'));
    app = await launcher.launch({
      name: 'multi',
      dataDir: path.join(root, 'd'),
      embeddedTracker: 'off',
      trackers: [TRACKER],
    });
  });

  test.afterAll(async () => {
    await app?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('items picked in place ask for one name, pre-filled with their folder, and the Options reach the .torrent', async () => {
    const page = app.page;
    const folder = path.join(root, 'Holiday photos');
    await mkdir(path.join(folder, 'album'), { recursive: true });
    await writeFile(path.join(folder, 'a.bin'), randomBytes(70_000));
    await writeFile(path.join(folder, 'album', 'c.dat'), randomBytes(5_000));
    await writeFile(path.join(folder, 'b.txt'), 'notes');
    await writeFile(path.join(folder, 'not-this.txt'), 'left out');
    const picker = await browseTo(page, folder);
    await picker.getByRole('option', { name: 'a.bin' }).click();
    await picker.getByRole('option', { name: 'album' }).click({ modifiers: ['Control'] });
    await picker.getByRole('option', { name: 'b.txt' }).click({ modifiers: ['Control'] });
    await picker.getByRole('button', { name: 'Share 3 items…' }).click();

    const dialog = page.getByRole('dialog', { name: 'Share 3 items as one' });
    await expect(dialog).toContainText('a.bin, album, b.txt');
    const name = dialog.locator('input[name="shareName"]');
    await expect(name).toHaveValue('Holiday photos');
    // An unusable name is refused in the dialog, which stays open.
    await name.fill('beach/2026');
    await dialog.getByRole('button', { name: 'Share', exact: true }).click();
    await expect(dialog.getByRole('alert')).toContainText('cannot contain /');
    await name.fill('Beach 2026');
    await dialog.getByText('Options', { exact: true }).click();
    await dialog.locator('select[name="pieceSize"]').selectOption({ label: '32 KiB' });
    await dialog.getByLabel('Private (peers only through trackers)').check();
    await dialog.locator('input[name="comment"]').fill('for the family');
    await dialog.locator('textarea[name="webSeeds"]').fill('http://127.0.0.1:8080/beach/');
    // At the window's minimum size, with the Options open, the dialog still fits: its body
    // scrolls, the Share button stays on screen.
    const full = page.viewportSize();
    await page.setViewportSize({ width: 760, height: 480 });
    await expect(dialog.getByRole('button', { name: 'Share', exact: true })).toBeInViewport({ ratio: 1 });
    await expect(dialog.getByRole('heading', { name: 'Share 3 items as one' })).toBeInViewport({ ratio: 1 });
    if (full) await page.setViewportSize(full);
    await dialog.getByRole('button', { name: 'Share', exact: true }).click();
    await expect(dialog).toBeHidden();

    const row = page.locator('.transfer-row', { hasText: 'Beach 2026' });
    await expect(row).toHaveAttribute('data-state', 'seeding', { timeout: 60_000 });
    // The .torrent the app keeps for it says what the dialog said.
    const torrents = path.join(root, 'd', 'engine', 'torrents');
    const files = (await readdir(torrents)).filter((f) => f.endsWith('.torrent'));
    const metainfos = await Promise.all(
      files.map(async (f) => parseTorrent(await readFile(path.join(torrents, f)))),
    );
    const m = metainfos.find((x) => x.name === 'Beach 2026');
    expect(m).toMatchObject({
      multiFile: true,
      private: true,
      comment: 'for the family',
      pieceLengthBytes: 32 * 1024,
      webSeeds: ['http://127.0.0.1:8080/beach/'],
    });
    expect(m!.files.map((f) => f.path.join('/'))).toEqual(['a.bin', 'album/c.dat', 'b.txt']);
    // Seeded where they are: nothing copied into the app's share folder.
    const info = await app.appInfo();
    expect((await readdir(info.shareDir).catch(() => [] as string[])).join(',')).not.toContain('Beach');
  });

  test('several files dropped into the browser ask for a name ("first and N more", never a date)', async () => {
    const page = app.page;
    await dropFiles(page.locator('body'), ['song.flac', 'cover.jpg', 'lyrics.txt']);
    const dialog = page.getByRole('dialog', { name: 'Share 3 items as one' });
    const name = dialog.locator('input[name="shareName"]');
    await expect(name).toHaveValue('song.flac and 2 more');
    await name.fill('Single release');
    await name.press('Enter');
    const row = page.locator('.transfer-row', { hasText: 'Single release' });
    await expect(row).toHaveAttribute('data-state', 'seeding', { timeout: 60_000 });
    await expect(page.locator('.transfer-row', { hasText: /Shared \d{4}-\d{2}-\d{2}/ })).toHaveCount(0);
  });

  test('one item picked with "Options…" is shared under its own name, private and with a comment', async () => {
    const page = app.page;
    const folder = path.join(root, 'one-with-options');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'solo.bin'), randomBytes(50_000));
    const picker = await browseTo(page, folder);
    await picker.getByRole('option', { name: 'solo.bin' }).click();
    if (process.env.SWARMDROP_E2E_PICKER_SHOT)
      await page.screenshot({ path: process.env.SWARMDROP_E2E_PICKER_SHOT });
    await picker.getByRole('button', { name: 'Options…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Share “solo.bin”' });
    // One item needs no name: it is the item's own.
    await expect(dialog.locator('input[name="shareName"]')).toHaveCount(0);
    await dialog.getByLabel('Private (peers only through trackers)').check();
    await dialog.locator('input[name="comment"]').fill('just one');
    await dialog.getByRole('button', { name: 'Share', exact: true }).click();
    const row = page.locator('.transfer-row', { hasText: 'solo.bin' });
    await expect(row).toHaveAttribute('data-state', 'seeding', { timeout: 60_000 });
    const torrents = path.join(root, 'd', 'engine', 'torrents');
    const files = (await readdir(torrents)).filter((f) => f.endsWith('.torrent'));
    const metainfos = await Promise.all(
      files.map(async (f) => parseTorrent(await readFile(path.join(torrents, f)))),
    );
    expect(metainfos.find((x) => x.name === 'solo.bin')).toMatchObject({
      multiFile: false,
      private: true,
      comment: 'just one',
    });
  });
});

/**
 * The Files tab and Play: a CLI seeder shares a folder; the app adds its magnet, shows the
 * folder tree, selects none / a folder / one file, sets a priority, and plays a WAV in
 * the in-app player while it downloads (served by the host over HTTP Range requests).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect, ELECTRON_SKIP_LINE } from './support/fixtures.ts';
import type { AppInstance } from './support/app-instance.ts';
import { addMagnet, PACK_NAME, shareWithCli, writePack } from './support/files-scenario.ts';

test.describe.serial('Files tab and player', () => {
  let root = '';
  let app: AppInstance;
  let seeder: ChildProcess | null = null;
  let opened = '';

  test.beforeAll(async ({ launcher }) => {
    // Skipped only in the `electron` project, and only where the Electron binary is not
    // installed (its download is blocked here); the daemon-chromium project always runs.
    test.skip(!launcher.available, ELECTRON_SKIP_LINE);
    root = await mkdtemp(path.join(tmpdir(), 'swarmdrop-e2e-files-'));
    // The daemon's per-file "Open" and "Show in folder" start this stand-in for xdg-open,
    // which writes down what it was asked to open.
    opened = path.join(root, 'opened.txt');
    const bin = path.join(root, 'bin');
    await mkdir(bin, { recursive: true });
    await writeFile(path.join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" >> '${opened}'\n`, {
      mode: 0o755,
    });
    app = await launcher.launch({
      name: 'downloader',
      dataDir: path.join(root, 'b'),
      embeddedTracker: 0,
      env: { PATH: `${bin}:${process.env.PATH ?? ''}` },
    });
    const tracker = `udp://127.0.0.1:${(await app.appInfo()).embeddedTracker.port!}`;
    const pack = await writePack(path.join(root, 'src'));
    const shared = await shareWithCli(pack, tracker, path.join(root, 'seeder'));
    seeder = shared.child;
    await addMagnet(app.page, shared.magnet);
  });

  test.afterAll(async () => {
    seeder?.kill('SIGTERM');
    await app?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('the Files tab is a folder tree with checkboxes, select all / none and priorities', async () => {
    const page = app.page;
    const row = page.locator('.transfer-row', { hasText: PACK_NAME });
    await row.click();
    const detail = page.getByRole('complementary', { name: 'Transfer details' });
    await detail.getByRole('tab', { name: /^Files/ }).click();
    const files = detail.getByRole('list', { name: 'Files' });
    // Folders first, nested ones indented under theirs.
    await expect(files.getByRole('button', { name: 'Collapse notes' })).toBeVisible({ timeout: 60_000 });
    await expect(files.getByRole('button', { name: 'Collapse day 2' })).toBeVisible();
    await expect(files.getByLabel('Download river-tone.wav')).toBeVisible();

    await detail.getByRole('button', { name: 'Select none' }).click();
    await expect(detail.getByText(/^0 of 4 files/)).toBeVisible();
    for (const label of ['Download folder notes', 'Download photos.zip', 'Download river-tone.wav'])
      await expect(files.getByLabel(label, { exact: true })).not.toBeChecked();

    // A folder's checkbox selects its subtree; part of it makes the folder indeterminate.
    await files.getByLabel('Download folder notes', { exact: true }).check();
    await expect(files.getByLabel('Download notes/day 1.txt')).toBeChecked();
    await expect(files.getByLabel('Download notes/day 2/map.txt')).toBeChecked();
    await files.getByLabel('Download notes/day 2/map.txt').uncheck();
    const notes = files.getByLabel('Download folder notes', { exact: true });
    await expect
      .poll(() => notes.evaluate((el) => (el as unknown as { indeterminate: boolean }).indeterminate))
      .toBe(true);
    await expect(detail.getByText(/^1 of 4 files/)).toBeVisible();

    // A priority per file: high selects it too.
    await files.getByLabel('Priority of photos.zip').selectOption('high');
    await expect(files.getByLabel('Priority of photos.zip')).toHaveValue('high');
    await expect(files.getByLabel('Download photos.zip')).toBeChecked();

    // Collapsing a folder hides its subtree.
    await files.getByRole('button', { name: 'Collapse notes' }).click();
    await expect(files.getByLabel('Download notes/day 1.txt')).toHaveCount(0);
    await files.getByRole('button', { name: 'Expand notes' }).click();

    await detail.getByRole('button', { name: 'Select all' }).click();
    await expect(detail.getByText(/^4 of 4 files/)).toBeVisible();
    await expect(row).toHaveAttribute('data-state', 'seeding', { timeout: 120_000 });
  });

  test('on its own machine the web UI opens one file, and shows it in its folder', async ({ launcher }) => {
    // Skipped in the `electron` project: the app opens files with Electron's shell, which
    // src-main/app/shell.test.ts covers against its fake; here the daemon runs a program.
    test.skip(
      launcher.host === 'electron',
      "the app opens files with Electron's shell (src-main/app/shell.test.ts), not a program on PATH",
    );
    const detail = app.page.getByRole('complementary', { name: 'Transfer details' });
    const map = path.join(root, 'b', 'downloads', PACK_NAME, 'notes', 'day 2', 'map.txt');
    await detail.getByRole('button', { name: 'Open notes/day 2/map.txt with its application' }).click();
    await expect.poll(() => readFile(opened, 'utf8').catch(() => '')).toBe(`${map}\n`);
    await detail.getByRole('button', { name: 'Show notes/day 2/map.txt in its folder' }).click();
    await expect.poll(() => readFile(opened, 'utf8').catch(() => '')).toBe(`${map}\n${path.dirname(map)}\n`);
  });

  test('Play opens an in-app player whose source plays', async () => {
    const page = app.page;
    const detail = page.getByRole('complementary', { name: 'Transfer details' });
    await detail.getByRole('button', { name: 'Play river-tone.wav' }).click();
    const dialog = page.getByRole('dialog', { name: 'river-tone.wav' });
    const audio = dialog.locator('audio');
    await expect(audio).toHaveAttribute('src', /\/api\/stream\/[0-9a-f]{40}\/\d+\?token=/);
    // The browser fetched it over Range requests, decoded the header and knows its length.
    await expect
      .poll(() => audio.evaluate((el) => (el as unknown as { duration: number }).duration), {
        timeout: 30_000,
      })
      .toBeCloseTo(3, 1);
    expect(await audio.evaluate((el) => (el as unknown as { error: unknown }).error)).toBeNull();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  });
});

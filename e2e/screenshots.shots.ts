/**
 * Screenshots of every view, dark and light, from real daemons with real torrents: the
 * sharer shares a few files (embedded tracker), a second seeder downloads them and seeds
 * too, then the downloader fetches from both with the seeders' upload limited so the shots
 * catch transfers mid-way, the piece map coloured by the two sources.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './support/fixtures.ts';
import type { AppInstance } from './support/app-instance.ts';
import { dropRandomFile } from './support/drop-file.ts';
import { browseTo } from './support/path-picker.ts';

const OUT = path.resolve('docs/screenshots');
const FILES: [string, number][] = [
  ['Product launch film (4K master).mov', 96 * 1024 * 1024],
  ['Design system v3.fig', 12 * 1024 * 1024],
  ['Quarterly report Q3.pdf', 3 * 1024 * 1024],
  ['Field recordings.zip', 24 * 1024 * 1024],
];

const nav = (page: Page, view: 'Transfers' | 'Network' | 'Settings') =>
  page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: new RegExp(`^${view}`) })
    .click();

/** Each view in both themes, at the launch size and at 800×600 (`<name>-<scheme>-800x600.png`). */
async function shoot(page: Page, name: string): Promise<void> {
  const full = page.viewportSize();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(OUT, `${name}-${scheme}.png`) });
    await page.setViewportSize({ width: 800, height: 600 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(OUT, `${name}-${scheme}-800x600.png`) });
    if (full) await page.setViewportSize(full);
  }
}

async function setUploadLimit(page: Page, kib: string): Promise<void> {
  await nav(page, 'Settings');
  await page.locator('input[name="uploadKiBps"]').fill(kib);
  await page.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await nav(page, 'Transfers');
}

async function downloadAll(page: Page, names: string[]): Promise<void> {
  await nav(page, 'Network');
  for (const name of names) {
    const entry = page.locator('tr', { hasText: name });
    await expect(async () => {
      await page.getByRole('button', { name: /^Search/ }).click();
      await expect(entry).toBeVisible({ timeout: 2000 });
    }).toPass({ timeout: 60_000 });
    await entry.getByRole('button', { name: `Download ${name}` }).click();
  }
}

test('screenshots of every view', async ({ launcher }) => {
  await mkdir(OUT, { recursive: true });
  const root = await mkdtemp(path.join(tmpdir(), 'swarmdrop-shots-'));
  const open: AppInstance[] = [];
  try {
    const first = await launcher.launch({
      name: 'first-run',
      dataDir: path.join(root, 'd'),
      embeddedTracker: 0,
    });
    open.push(first);
    await expect(first.page.getByText('Drop files or folders to share')).toBeVisible();
    await expect(first.page.getByTestId('tracker-address')).toBeVisible();
    await shoot(first.page, 'first-run');

    const a = await launcher.launch({ name: 'sharer', dataDir: path.join(root, 'a'), embeddedTracker: 0 });
    open.push(a);
    const tracker = `udp://127.0.0.1:${(await a.appInfo()).embeddedTracker.port}`;
    for (const [name, size] of FILES) {
      await dropRandomFile(a.page.locator('body'), name, size);
      await expect(a.page.locator('.transfer-row', { hasText: name })).toHaveAttribute(
        'data-state',
        'seeding',
        { timeout: 120_000 },
      );
    }

    const c = await launcher.launch({
      name: 'second-seeder',
      dataDir: path.join(root, 'c'),
      embeddedTracker: 'off',
      trackers: [tracker],
    });
    open.push(c);
    await downloadAll(c.page, [FILES[0]![0], FILES[3]![0]]);
    await nav(c.page, 'Transfers');
    for (const n of [FILES[0]![0], FILES[3]![0]]) {
      await expect(c.page.locator('.transfer-row', { hasText: n })).toHaveAttribute('data-state', 'seeding', {
        timeout: 300_000,
      });
    }
    // Slow the seeders so the downloader's transfers are caught mid-way.
    await setUploadLimit(a.page, '1500');
    await setUploadLimit(c.page, '1500');

    const b = await launcher.launch({
      name: 'downloader',
      dataDir: path.join(root, 'b'),
      embeddedTracker: 'off',
      trackers: [tracker],
    });
    open.push(b);
    await b.page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('button', { name: /^Network/ })
      .click();
    await expect(b.page.locator('tr', { hasText: FILES[1]![0] })).toBeVisible();
    await shoot(b.page, 'network');
    await downloadAll(
      b.page,
      FILES.map(([n]) => n),
    );
    await nav(b.page, 'Transfers');
    const big = b.page.locator('.transfer-row', { hasText: FILES[0]![0] });
    await expect(big).toHaveAttribute('data-state', 'downloading');
    await expect
      .poll(async () => Number(await big.getByRole('progressbar').getAttribute('aria-valuenow')), {
        timeout: 120_000,
      })
      .toBeGreaterThan(25);
    await shoot(b.page, 'transfers');
    await big.click();
    await b.page.waitForTimeout(1500);
    await shoot(b.page, 'detail-piece-map');
    await b.page.getByRole('tab', { name: /Peers/ }).click();
    await shoot(b.page, 'detail-peers');
    await b.page.getByRole('button', { name: 'Close details' }).click();
    await nav(b.page, 'Settings');
    for (const close of await b.page.getByRole('button', { name: 'Dismiss' }).all()) await close.click();
    await shoot(b.page, 'settings');
  } finally {
    for (const i of open.reverse()) await i.close();
    await rm(root, { recursive: true, force: true });
  }
});

// On its own: `npx playwright test --config e2e/screenshots.config.ts -g "share dialog"`
// renders only share-dialog-*.png.
test('screenshots of the share dialog (several items as one, with Options)', async ({ launcher }) => {
  await mkdir(OUT, { recursive: true });
  const root = await mkdtemp(path.join(tmpdir(), 'swarmdrop-shots-share-'));
  let app: AppInstance | undefined;
  try {
    const folder = path.join(root, 'Holiday photos 2026');
    await mkdir(path.join(folder, 'Beach'), { recursive: true });
    for (const [rel, size] of [
      ['Beach/IMG_0412.jpg', 400_000],
      ['Beach/IMG_0413.jpg', 380_000],
      ['Sunset timelapse.mp4', 2_000_000],
      ['Route notes.txt', 2_000],
      ['Budget.ods', 20_000],
    ] as const)
      await writeFile(path.join(folder, rel), randomBytes(size));
    app = await launcher.launch({ name: 'share', dataDir: path.join(root, 'd'), embeddedTracker: 0 });
    const page = app.page;
    await dropRandomFile(page.locator('body'), FILES[2]![0], FILES[2]![1]);
    await expect(page.locator('.transfer-row', { hasText: FILES[2]![0] })).toHaveAttribute(
      'data-state',
      'seeding',
      { timeout: 120_000 },
    );
    // Its "Sharing …" toast, dimmed under the dialog's backdrop, would only clutter the picture.
    await expect(page.getByRole('button', { name: 'Dismiss' }).first()).toBeVisible();
    for (const close of await page.getByRole('button', { name: 'Dismiss' }).all()) await close.click();
    const picker = await browseTo(page, folder);
    await picker.getByRole('option', { name: 'Beach' }).click();
    await picker.getByRole('option', { name: 'Route notes.txt' }).click({ modifiers: ['Control'] });
    await picker.getByRole('option', { name: 'Sunset timelapse.mp4' }).click({ modifiers: ['Control'] });
    await picker.getByRole('button', { name: 'Share 3 items…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Share 3 items as one' });
    await expect(dialog.locator('input[name="shareName"]')).toHaveValue('Holiday photos 2026');
    await dialog.getByText('Options', { exact: true }).click();
    await dialog.locator('input[name="comment"]').fill('Photos and the timelapse from the coast trip');
    await shoot(page, 'share-dialog');
  } finally {
    await app?.close();
    await rm(root, { recursive: true, force: true });
  }
});

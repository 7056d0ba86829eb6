/**
 * Nearby (the LAN catalog) on instances with no tracker at all: the sharer shares a dropped
 * file; the neighbour's Network tab lists it under Nearby by itself, and Download fetches it
 * from the sharer;
 * un-listed it leaves, listed again it comes back; a machine started later shows up by
 * itself; when the sharer stops, its share leaves the neighbour's list. Both keep LAN discovery on this machine
 * (loopback multicast, `--lan-interface 127.0.0.1`).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, ELECTRON_SKIP_LINE } from './support/fixtures.ts';
import type { AppInstance, InstanceOptions } from './support/app-instance.ts';
import { dropFile } from './support/drop-file.ts';

const nav = (page: Page, view: 'Transfers' | 'Network' | 'Settings') =>
  page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: new RegExp(`^${view}`) })
    .click();

const FILE_NAME = `nearby-notes-${Date.now().toString(36)}.bin`;
const FILE_BYTES = randomBytes(2 * 1024 * 1024);

test.describe
  .serial('Nearby: a share on one machine, listed and downloaded on its neighbour without a tracker', () => {
  let root = '';
  let a: AppInstance;
  let b: AppInstance;
  let bOptions: InstanceOptions;

  test.beforeAll(async ({ launcher }) => {
    test.skip(!launcher.available, ELECTRON_SKIP_LINE);
    root = await mkdtemp(path.join(tmpdir(), 'swarmdrop-e2e-nearby-'));
    a = await launcher.launch({
      name: 'sharer',
      dataDir: path.join(root, 'a'),
      embeddedTracker: 'off',
      lanInterface: '127.0.0.1',
    });
    bOptions = {
      name: 'neighbour',
      dataDir: path.join(root, 'b'),
      embeddedTracker: 'off',
      lanInterface: '127.0.0.1',
    };
    b = await launcher.launch(bOptions);
  });

  test.afterAll(async () => {
    await a?.close();
    await b?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  test("the neighbour's Nearby list shows the sharer's share and Download fetches it", async () => {
    await dropFile(a.page.getByTestId('drop-zone'), FILE_NAME, FILE_BYTES);
    await expect(a.page.locator('.transfer-row', { hasText: FILE_NAME })).toHaveAttribute(
      'data-state',
      'seeding',
      {
        timeout: 60_000,
      },
    );

    const page = b.page;
    await nav(page, 'Network');
    const nearby = page.getByRole('region', { name: 'Nearby' });
    const entry = nearby.locator('tr', { hasText: FILE_NAME });
    // Live: no search, no click; the list updates when the sharer announces.
    await expect(entry).toBeVisible({ timeout: 30_000 });
    await expect(entry).toContainText('2.00 MiB');
    for (const [width, height] of [
      [1280, 800],
      [800, 600],
    ] as const) {
      await page.setViewportSize({ width, height });
      await page.screenshot({ path: test.info().outputPath(`nearby-${width}x${height}.png`) });
    }
    await page.setViewportSize({ width: 1280, height: 800 });

    await entry.getByRole('button', { name: `Download ${FILE_NAME}` }).click();
    await expect(entry.getByRole('button', { name: 'In Transfers' })).toBeVisible();
    await nav(page, 'Transfers');
    const row = page.locator('.transfer-row', { hasText: FILE_NAME });
    await expect(row.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100', { timeout: 120_000 });
    const downloaded = await readFile(path.join(bOptions.dataDir, 'downloads', FILE_NAME));
    expect(downloaded.equals(FILE_BYTES)).toBe(true);
  });

  test("the sharer marks its share unlisted: it leaves the neighbour's Nearby list", async () => {
    const nearby = b.page.getByRole('region', { name: 'Nearby' });
    await nav(b.page, 'Network');
    const entry = nearby.locator('tr', { hasText: FILE_NAME });
    await expect(entry).toBeVisible();
    await a.page.locator('.transfer-row', { hasText: FILE_NAME }).click();
    const detail = a.page.getByRole('complementary', { name: 'Transfer details' });
    await detail.getByRole('tab', { name: 'Info' }).click();
    const listed = detail.locator('input[name="listed"]');
    // The box shows what the host holds: it changes once the host has applied the click.
    await listed.click();
    await expect(listed).not.toBeChecked();
    await expect(entry).toHaveCount(0, { timeout: 30_000 });
  });

  test("the sharer lists it again: it comes back in the neighbour's Nearby list", async () => {
    const nearby = b.page.getByRole('region', { name: 'Nearby' });
    const entry = nearby.locator('tr', { hasText: FILE_NAME });
    const detail = a.page.getByRole('complementary', { name: 'Transfer details' });
    const listed = detail.locator('input[name="listed"]');
    await listed.click();
    await expect(listed).toBeChecked();
    await expect(entry).toBeVisible({ timeout: 30_000 });
  });

  test("a machine started later appears in the neighbour's Nearby list by itself, and leaves it when it stops", async ({
    launcher,
  }) => {
    const nearby = b.page.getByRole('region', { name: 'Nearby' });
    await nav(b.page, 'Network');
    const lateName = `nearby-late-${Date.now().toString(36)}.bin`;
    const late = nearby.locator('tr', { hasText: lateName });
    const c = await launcher.launch({
      name: 'C',
      dataDir: path.join(root, 'c'),
      embeddedTracker: 'off',
      lanInterface: '127.0.0.1',
    });
    try {
      await dropFile(c.page.getByTestId('drop-zone'), lateName, randomBytes(256 * 1024));
      await expect(c.page.locator('.transfer-row', { hasText: lateName })).toHaveAttribute(
        'data-state',
        'seeding',
        { timeout: 60_000 },
      );
      // The neighbour's page is left as it is: no reload, no Refresh.
      await expect(late).toBeVisible({ timeout: 30_000 });
      await expect(nearby.locator('tr', { hasText: FILE_NAME })).toBeVisible();
    } finally {
      await c.close();
    }
    await expect(late).toHaveCount(0, { timeout: 30_000 });
  });

  test("the sharer's share leaves the neighbour's Nearby list when the sharer stops", async () => {
    const page = b.page;
    await nav(page, 'Network');
    // The neighbour seeds the file now too, but its own shares are never in its Nearby list.
    const nearby = page.getByRole('region', { name: 'Nearby' });
    await expect(nearby.locator('tr', { hasText: FILE_NAME })).toBeVisible();
    await a.close();
    await expect(nearby.locator('tr', { hasText: FILE_NAME })).toHaveCount(0, { timeout: 30_000 });
  });
});

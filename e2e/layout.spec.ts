/**
 * Layout at the window's minimum (760×480), at 800×600 and at 1280×800, light and dark:
 * no view scrolls the page itself (only its own scrolling parts move), and no toolbar or
 * status-bar control is cut off or covered. A real daemon with one shared file, so the
 * transfer list, the details pane and the Network catalog all have content.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, ELECTRON_SKIP_LINE } from './support/fixtures.ts';
import type { AppInstance } from './support/app-instance.ts';
import { dropRandomFile } from './support/drop-file.ts';

const SIZES = [
  { width: 760, height: 480 },
  { width: 800, height: 600 },
  { width: 1280, height: 800 },
];
const SCHEMES = ['light', 'dark'] as const;
const FILE_NAME = 'Layout check with a rather long file name (final cut).mov';

const nav = (page: Page, view: 'Transfers' | 'Network' | 'Settings') =>
  page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('button', { name: new RegExp(`^${view}`) })
    .click();

/** The DOM this check reads in the page (the e2e code compiles without DOM types). */
interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
  width: number;
  height: number;
}
interface PageElement {
  tagName: string;
  className: string;
  textContent: string | null;
  scrollTop: number;
  scrollWidth: number;
  clientWidth: number;
  parentElement: PageElement | null;
  getBoundingClientRect(): Rect;
  getAttribute(name: string): string | null;
  contains(other: PageElement): boolean;
  closest(selector: string): PageElement | null;
}
interface PageGlobals {
  document: {
    scrollingElement: { scrollHeight: number; scrollWidth: number };
    querySelector(selector: string): PageElement;
    querySelectorAll(selector: string): Iterable<PageElement>;
    elementFromPoint(x: number, y: number): PageElement | null;
  };
  innerWidth: number;
  innerHeight: number;
  scrollY: number;
  getComputedStyle(el: PageElement): { overflowX: string; overflowY: string; textOverflow: string };
}

/** What is wrong with the current screen, as sentences (empty when the layout holds). */
async function layoutProblems(page: Page): Promise<string[]> {
  // Scroll everything that can scroll as a user would, then check the page itself did not.
  const box = await page.locator('main').boundingBox();
  if (box) {
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 4000);
    await page.waitForTimeout(150);
  }
  return page.evaluate(() => {
    const { document, innerWidth, innerHeight, scrollY, getComputedStyle } =
      globalThis as unknown as PageGlobals;
    const problems: string[] = [];
    const doc = document.scrollingElement!;
    if (doc.scrollHeight > innerHeight + 1 || doc.scrollWidth > innerWidth + 1) {
      problems.push(
        `the page scrolls: ${doc.scrollWidth}×${doc.scrollHeight} in ${innerWidth}×${innerHeight}`,
      );
    }
    const app = document.querySelector('.app')!;
    if (app.scrollTop !== 0 || scrollY !== 0)
      problems.push(`the app shell moved by ${app.scrollTop + scrollY}px`);
    const controls = document.querySelectorAll(
      '.toolbar button, .toolbar input, .toolbar select, .status-bar .status-item, .sidebar button, .form-footer button',
    );
    for (const el of controls) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue; // not shown at this size on purpose
      const name = (el.getAttribute('aria-label') ?? el.textContent ?? el.tagName).trim().slice(0, 40);
      if (r.left < -0.5 || r.top < -0.5 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5) {
        problems.push(
          `"${name}" reaches outside the window (${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)})`,
        );
        continue;
      }
      // Clipped by an ancestor (overflow hidden), or covered by something else.
      for (let p = el.parentElement; p; p = p.parentElement) {
        const style = getComputedStyle(p);
        if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
        const pr = p.getBoundingClientRect();
        if (
          r.left < pr.left - 0.5 ||
          r.right > pr.right + 0.5 ||
          r.top < pr.top - 0.5 ||
          r.bottom > pr.bottom + 0.5
        ) {
          problems.push(`"${name}" is cut off by its container`);
          break;
        }
      }
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      // Toasts float above everything for a few seconds on purpose; anything else on top is a bug.
      if (hit && hit !== el && !el.contains(hit) && !hit.contains(el) && !hit.closest('.toasts')) {
        problems.push(`"${name}" is covered by ${hit.tagName.toLowerCase()}.${hit.className}`);
      }
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).textOverflow !== 'ellipsis') {
        problems.push(`"${name}" overflows its own box`);
      }
    }
    return problems;
  });
}

test.describe.serial('layout at every supported size', () => {
  let root = '';
  let app: AppInstance;

  test.beforeAll(async ({ launcher }) => {
    // Skipped only in the `electron` project, and only where the Electron binary is not
    // installed (its download is blocked here); the daemon-chromium project always runs.
    test.skip(!launcher.available, ELECTRON_SKIP_LINE);
    root = await mkdtemp(path.join(tmpdir(), 'swarmdrop-layout-'));
    app = await launcher.launch({ name: 'layout', dataDir: path.join(root, 'd'), embeddedTracker: 0 });
  });

  test.afterAll(async () => {
    await app?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('first run: the drop zone and tracker card fit', async () => {
    const page = app.page;
    for (const size of SIZES) {
      for (const scheme of SCHEMES) {
        await page.setViewportSize(size);
        await page.emulateMedia({ colorScheme: scheme });
        await nav(page, 'Transfers');
        expect(await layoutProblems(page), `${size.width}×${size.height} ${scheme}`).toEqual([]);
        // The drop zone's own buttons are reachable by scrolling its view.
        await page.getByRole('button', { name: 'Choose files' }).scrollIntoViewIfNeeded();
        await expect(page.getByRole('button', { name: 'Choose files' })).toBeInViewport();
      }
    }
  });

  test('every view, with a shared transfer selected', async () => {
    const page = app.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await dropRandomFile(page.getByTestId('drop-zone'), FILE_NAME, 2 * 1024 * 1024);
    const row = page.locator('.transfer-row', { hasText: FILE_NAME });
    await expect(row).toHaveAttribute('data-state', 'seeding', { timeout: 60_000 });
    await row.click();
    for (const size of SIZES) {
      for (const scheme of SCHEMES) {
        await page.setViewportSize(size);
        await page.emulateMedia({ colorScheme: scheme });
        const at = `${size.width}×${size.height} ${scheme}`;
        await nav(page, 'Transfers');
        expect(await layoutProblems(page), `Transfers ${at}`).toEqual([]);
        // Kept for a person to look at (dist/ is not committed).
        await page.screenshot({
          path: `dist/e2e-results/layout-transfers-${size.width}x${size.height}-${scheme}.png`,
        });
        const detail = page.getByRole('complementary', { name: 'Transfer details' });
        await expect(detail, `details visible at ${at}`).toBeInViewport();

        await nav(page, 'Network');
        const entry = page.locator('tr', { hasText: FILE_NAME });
        await expect(async () => {
          await page.getByRole('button', { name: /^Search/ }).click();
          await expect(entry).toBeVisible({ timeout: 2000 });
        }).toPass({ timeout: 60_000 });
        expect(await layoutProblems(page), `Network ${at}`).toEqual([]);
        // The row's action (Download, or In Transfers for our own share) is on screen.
        await expect(entry.getByRole('button').last(), `catalog action at ${at}`).toBeInViewport({
          ratio: 1,
        });

        await nav(page, 'Settings');
        expect(await layoutProblems(page), `Settings ${at}`).toEqual([]);
      }
    }
  });

  test('the piece map follows a live theme change', async () => {
    const page = app.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    await nav(page, 'Transfers');
    const map = page.getByTestId('piece-map');
    await expect(map).toBeVisible();
    // The first cell's colour: a piece verified from disk is drawn in --piece-have.
    const firstCell = () =>
      map.evaluate((canvas) => {
        const c = canvas as unknown as {
          getContext(k: '2d'): {
            getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
          };
        };
        const d = c.getContext('2d').getImageData(2, 2, 1, 1).data;
        return [d[0], d[1], d[2]];
      });
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(firstCell).toEqual([0x22, 0xc5, 0x5e]);
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(firstCell).toEqual([0x34, 0xd3, 0x99]);
  });
});

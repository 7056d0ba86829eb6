/**
 * The renderer's cage, checked from inside the page: a CSP that forbids eval and
 * inline script, no Node, only the contract, unknown commands refused, and (Electron)
 * navigation cannot replace the app. In the daemon's web UI: the page keeps the access
 * token out of the address bar, and a page opened without it (or with a wrong one) says
 * plainly which address it needs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect, ELECTRON_SKIP_LINE } from './support/fixtures.ts';
import type { AppInstance } from './support/app-instance.ts';

test.describe.serial('renderer security', () => {
  let root = '';
  let app: AppInstance;

  test.beforeAll(async ({ launcher }) => {
    // Skipped only in the `electron` project, and only where the Electron binary is not
    // installed (its download is blocked here); the daemon-chromium project always runs.
    test.skip(!launcher.available, ELECTRON_SKIP_LINE);
    root = await mkdtemp(path.join(tmpdir(), 'swarmdrop-e2e-sec-'));
    app = await launcher.launch({ name: 'S', dataDir: path.join(root, 's'), embeddedTracker: 'off' });
    await app.appInfo();
  });

  test.afterAll(async () => {
    await app?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  test('the CSP blocks inline and foreign scripts', async () => {
    const result = await app.page.evaluate(async () => {
      // (page.evaluate itself runs through the debugger, which CSP does not govern; the
      // scripts it inserts are ordinary page content and are.)
      type El = { textContent: string; src: string };
      const g = globalThis as unknown as {
        document: {
          createElement(t: string): El;
          body: { append(e: unknown): void };
          addEventListener(t: string, l: (e: { violatedDirective: string }) => void): void;
        };
        __inlineRan?: boolean;
        __dataRan?: boolean;
      };
      const violations: string[] = [];
      g.document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      const inline = g.document.createElement('script');
      inline.textContent = 'globalThis.__inlineRan = true';
      g.document.body.append(inline);
      const data = g.document.createElement('script');
      data.src = 'data:text/javascript,globalThis.__dataRan=true';
      g.document.body.append(data);
      await new Promise((r) => setTimeout(r, 300));
      return {
        inlineRan: g.__inlineRan === true,
        dataRan: g.__dataRan === true,
        violations: violations.length,
      };
    });
    expect(result.inlineRan).toBe(false);
    expect(result.dataRan).toBe(false);
    // Each refusal is reported (once per policy: the daemon adds a header to the page's meta).
    expect(result.violations).toBeGreaterThanOrEqual(2);
  });

  test('the page has no Node and sees only the contract', async ({ launcher }) => {
    const seen = await app.page.evaluate(() => {
      const g = globalThis as unknown as Record<string, unknown>;
      const bridge = g.swarmdrop as Record<string, unknown> | undefined;
      return {
        require: typeof g.require,
        process: typeof g.process,
        bridge: bridge ? Object.keys(bridge).sort() : null,
      };
    });
    expect(seen.require).toBe('undefined');
    expect(seen.process).toBe('undefined');
    expect(seen.bridge).toEqual(launcher.host === 'electron' ? ['invoke', 'on', 'pathForFile'] : null);
  });

  test('an unknown command is refused with a code', async ({ launcher }) => {
    const result = await app.page.evaluate(async (host) => {
      const g = globalThis as unknown as {
        swarmdrop?: { invoke(c: string, r: unknown): Promise<unknown> };
        location: { host: string };
        sessionStorage: { getItem(k: string): string | null };
        WebSocket: new (url: string) => {
          onopen: () => void;
          onmessage: (m: { data: string }) => void;
          send(s: string): void;
          close(): void;
        };
      };
      if (host === 'electron') return g.swarmdrop!.invoke('formatDisk', {});
      return new Promise((resolve) => {
        // The token the page keeps (src-renderer/transport/access-token.ts).
        const token = g.sessionStorage.getItem('swarmdrop-access-token') ?? '';
        const ws = new g.WebSocket(`ws://${g.location.host}/ws?token=${encodeURIComponent(token)}`);
        ws.onopen = () =>
          ws.send(JSON.stringify({ type: 'command', id: 1, command: 'formatDisk', request: {} }));
        ws.onmessage = (m) => {
          const f = JSON.parse(m.data) as { type: string };
          if (f.type === 'result') {
            ws.close();
            resolve(f);
          }
        };
      });
    }, launcher.host);
    expect(result).toMatchObject({ ok: false, error: { code: 'unknown-command' } });
  });

  test('the page keeps its token out of the address bar', async ({ launcher }) => {
    // Skipped in the `electron` project: the app talks to its engine over IPC, which has
    // no access token.
    test.skip(launcher.host !== 'daemon', 'only the web UI has an access token');
    expect(app.page.url()).not.toContain('token=');
    // A reload still works: the token lives in the tab's session storage.
    await app.page.reload();
    await expect(app.page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  });

  test('a page without its token says which address it needs instead of spinning', async ({ launcher }) => {
    // Skipped in the `electron` project: the app talks to its engine over IPC, which has
    // no access token.
    test.skip(launcher.host !== 'daemon', 'only the web UI has an access token');
    const origin = new URL(app.page.url()).origin;
    // A new tab has no session storage: as if the address were typed without its token.
    const page = await app.page.context().newPage();
    for (const address of [`${origin}/`, `${origin}/?token=wrong-token`]) {
      await page.goto(address);
      await expect(page.getByRole('alert')).toContainText(
        'This page needs the address with its access token, as printed by `swarmdrop daemon`',
      );
      await expect(page.getByText('Connecting to Swarmdrop')).toHaveCount(0);
      expect(page.url()).not.toContain('token=');
    }
    await page.close();
  });

  test('navigation cannot replace the app (Electron)', async ({ launcher }) => {
    // Only the Electron window blocks navigation (will-navigate handler); in the daemon's
    // browser tab navigating away is the browser's business, so there is nothing to test.
    test.skip(launcher.host !== 'electron', 'a browser tab may navigate; the Electron window may not');
    const before = app.page.url();
    await app.page.evaluate(() => {
      (globalThis as unknown as { location: { href: string } }).location.href = 'file:///etc/hostname';
    });
    await app.page.waitForTimeout(1000);
    expect(app.page.url()).toBe(before);
    await expect(app.page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  });
});

/**
 * One running Swarmdrop for a test: the daemon + a Chromium page on its web UI, or the
 * Electron app and its window. Both expose the same `page`, so specs do not care which.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { _electron, chromium, type Browser, type ElectronApplication, type Page } from '@playwright/test';
import type { AppInfo } from '../../src-shared/types/app-info.ts';
import { CHROMIUM_ARGS } from '../../harness/chromium-args.ts';
import { electronBinary } from './electron-binary.ts';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface InstanceOptions {
  name: string;
  dataDir: string;
  /** A port (0 = any free one) or 'off'. */
  embeddedTracker: number | 'off';
  trackers?: string[];
  /** Extra environment for the host process (e.g. a PATH with a stand-in file opener). */
  env?: Record<string, string>;
  /** The page may show notifications (the browser's permission, granted up front). */
  grantNotifications?: boolean;
  /**
   * `--lan-interface`: LSD and the LAN catalog on this interface (127.0.0.1 keeps them
   * on this machine). Unset: off, since instances listen on loopback.
   */
  lanInterface?: string;
}

export interface AppInstance {
  readonly options: InstanceOptions;
  readonly page: Page;
  /** The host's AppInfo, read through the page's store (ports picked at run time). */
  appInfo(): Promise<AppInfo>;
  /** Ends the host process only (the daemon), leaving the page open; absent for Electron. */
  stopHost?(): void;
  close(): Promise<void>;
}

function flags(o: InstanceOptions): string[] {
  return [
    '--data-dir',
    o.dataDir,
    '--peer-port',
    '0',
    '--embedded-tracker',
    String(o.embeddedTracker),
    '--bind',
    '127.0.0.1',
    // Torrents carry this host for the built-in tracker: loopback, so no test ever
    // hands another instance a LAN address to contact.
    '--advertise-host',
    '127.0.0.1',
    ...(o.trackers ?? []).flatMap((t) => ['--tracker', t]),
    ...(o.lanInterface ? ['--lan-interface', o.lanInterface] : []),
  ];
}

async function readAppInfo(page: Page): Promise<AppInfo> {
  await page.waitForFunction(() => {
    const w = globalThis as unknown as { __swarmdrop?: { store: { getState(): { appInfo: unknown } } } };
    return w.__swarmdrop?.store.getState().appInfo != null;
  });
  return page.evaluate(() => {
    const w = globalThis as unknown as { __swarmdrop: { store: { getState(): { appInfo: unknown } } } };
    return w.__swarmdrop.store.getState().appInfo;
  }) as Promise<AppInfo>;
}

function waitForUrl(child: ChildProcess, name: string, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`${name}: no "web UI on" line in ${timeoutMs} ms\n${out}\n${err}`)),
      timeoutMs,
    );
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = out.match(/web UI on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      if (process.env.SWARMDROP_E2E_LOG) process.stderr.write(`[${name}] ${d.toString()}`);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name}: daemon exited with ${code}\n${out}\n${err}`));
    });
  });
}

export async function launchDaemon(browser: Browser, options: InstanceOptions): Promise<AppInstance> {
  const child = spawn(
    process.execPath,
    [path.resolve('bin/swarmdrop.mjs'), 'daemon', '--web', '127.0.0.1:0', ...flags(options)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    },
  );
  const url = await waitForUrl(child, options.name).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw err;
  });
  const context = await browser.newContext({
    viewport: { width: 1280, height: 860 },
    permissions: options.grantNotifications ? ['notifications'] : [],
  });
  const page = await context.newPage();
  await page.goto(url);
  return {
    options,
    page,
    appInfo: () => readAppInfo(page),
    stopHost: () => void child.kill('SIGTERM'),
    async close() {
      await context.close().catch(() => undefined);
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

export async function launchElectron(options: InstanceOptions): Promise<AppInstance> {
  const executablePath = electronBinary();
  if (!executablePath) throw new Error('electron binary not installed');
  const app: ElectronApplication = await _electron.launch({
    executablePath,
    args: [path.resolve('dist/app/main.cjs'), ...flags(options)],
    env: { ...process.env, ...options.env } as Record<string, string>,
  });
  const page = await app.firstWindow();
  return {
    options,
    page,
    appInfo: () => readAppInfo(page),
    close: () => app.close(),
  };
}

// `swarmdrop daemon` as users run it (the built CLI, dist/ from `node scripts/build.mjs`),
// on 127.0.0.1: the address it prints carries the access token and is the only way in;
// the token is kept 0600 in a 0700 data dir, survives a restart, and --new-token replaces it.
import { spawn, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/temp-dir.ts';

let temp: { dir: string; remove(): Promise<void> };
const running = new Set<ChildProcess>();

beforeAll(async () => {
  temp = await makeTempDir();
});
afterAll(async () => {
  await Promise.all([...running].map(stop));
  await temp?.remove();
});

async function startDaemon(
  dataDir: string,
  extra: string[] = [],
): Promise<{ child: ChildProcess; url: URL; lines: string[] }> {
  const args = [
    'daemon',
    '--web',
    '127.0.0.1:0',
    '--data-dir',
    dataDir,
    '--peer-port',
    '0',
    '--embedded-tracker',
    'off',
    '--bind',
    '127.0.0.1',
    '--advertise-host',
    '127.0.0.1',
    ...extra,
  ];
  const child = spawn(process.execPath, [path.resolve('bin/swarmdrop.mjs'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "web UI on" line in 60 s\n${out}\n${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /web UI on (\S+)/.exec(out);
      // Wait for the line after it too (where the token is kept).
      if (m && /web-token/.test(out)) {
        clearTimeout(timer);
        resolve(new URL(m[1]!));
      }
    });
    child.once('exit', (code) => reject(new Error(`daemon exited with ${code}\n${out}\n${err}`)));
  });
  return { child, url, lines: out.split('\n') };
}

async function stop(child: ChildProcess): Promise<void> {
  running.delete(child);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function status(url: URL, urlPath: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: urlPath, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('swarmdrop daemon access token', () => {
  it('prints an openable address with the token; only that token opens the API', async () => {
    const dataDir = path.join(temp.dir, 'a');
    const { child, url, lines } = await startDaemon(dataDir);
    expect(url.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const token = url.searchParams.get('token')!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(lines.join('\n')).toContain(path.join(dataDir, 'web-token'));
    expect(await status(url, '/api/access')).toBe(401);
    expect(await status(url, '/api/access', { 'X-Swarmdrop-Token': 'guess' })).toBe(403);
    expect(await status(url, `/api/access?token=${token}`)).toBe(204);
    expect(await status(url, '/')).toBe(200);
    expect((await stat(path.join(dataDir, 'web-token'))).mode & 0o777).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    await stop(child);
  });

  it('keeps the token across a restart; --new-token locks out the old address', async () => {
    const dataDir = path.join(temp.dir, 'b');
    const first = await startDaemon(dataDir);
    const token = first.url.searchParams.get('token')!;
    await stop(first.child);
    const again = await startDaemon(dataDir);
    expect(again.url.searchParams.get('token')).toBe(token);
    await stop(again.child);
    const renewed = await startDaemon(dataDir, ['--new-token']);
    const fresh = renewed.url.searchParams.get('token')!;
    expect(fresh).not.toBe(token);
    expect(await status(renewed.url, `/api/access?token=${token}`)).toBe(403);
    expect(await status(renewed.url, `/api/access?token=${fresh}`)).toBe(204);
    await stop(renewed.child);
  });
});

// `--port 0` (any free port) must give a port free over TCP and over UDP, so uTP is on for
// the run (EngineSession.open). In a network namespace whose ephemeral range is two
// ports, P and P+1, another process holds UDP P+1, the port the system offers the peer
// server first. The session must end on P with its UDP socket bound, never on P+1 with
// uTP off. Retrying after closing P+1 does not do: the system offers P+1 again. The namespace is joined to nothing (test/support/netns.ts).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetnsLink, netnsUnavailable, type NetnsLink } from './support/netns.ts';
import { requireBuild } from './support/prebuilt.ts';

const noNetns = netnsUnavailable();
if (noNetns) console.warn(`SKIPPED: ${noNetns}`);

/** The namespace's ephemeral range: LOW_PORT and LOW_PORT + 1. */
const LOW_PORT = 41_000;
/**
 * Linux offers bind(0) the ports at an odd offset from the range's start first (connect()
 * the even ones), so the peer server always gets the upper port first: its UDP twin is
 * the one held.
 */
const HELD_PORT = LOW_PORT + 1;

/** Runs `node args…` inside the namespace until it exits; its stderr. */
function runInside(link: NetnsLink, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { command, args: argv } = link.wrap(process.execPath, args);
  const child = spawn(command, argv, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running after 30 s: ${stderr}`));
    }, 30_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(stderr);
    });
  });
}

describe.skipIf(noNetns)('any free peer port, with the UDP twin of one taken', () => {
  let link: NetnsLink | undefined;
  let holder: ReturnType<typeof spawn> | undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'swarmdrop-any-port-'));

  beforeAll(async () => {
    requireBuild('dist/cli/main.js');
    link = createNetnsLink('apt');
    link.setSysctl('net/ipv4/ip_local_port_range', `${LOW_PORT} ${LOW_PORT + 1}`);
    const { command, args } = link.wrap(process.execPath, [
      '-e',
      `const s = require('node:dgram').createSocket('udp4');
       s.bind(${HELD_PORT}, '127.0.0.1', () => console.log('holding'));`,
    ]);
    holder = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      holder!.stdout!.once('data', () => resolve());
      holder!.once('exit', (code) => reject(new Error(`the UDP holder exited with ${code}`)));
    });
  });
  afterAll(() => {
    holder?.kill('SIGKILL');
    link?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends on the port whose UDP twin is free, with the UDP socket bound, every time', async () => {
    for (let run = 0; run < 2; run++) {
      const out = path.join(dir, `run-${run}`);
      const stderr = await runInside(
        link!,
        [
          'bin/swarmdrop.mjs',
          'get',
          '0123456789abcdef0123456789abcdef01234567',
          '--out',
          out,
          '--data-dir',
          out,
          '--host',
          '127.0.0.1',
          '--port',
          '0',
          '--no-dht',
          '--no-lsd',
          '--no-port-mapping',
          '--timeout',
          '1',
          '--verbose',
        ],
        { SWARMDROP_DHT_BOOTSTRAP: '' },
      );
      const line = /session open .*/.exec(stderr)?.[0];
      expect(line, stderr).toBeDefined();
      expect(line).toContain(`peerPort=${LOW_PORT}`);
      expect(line).toMatch(/udpSocket=(native|dgram)/);
    }
  }, 60_000);
});

// Switching uTP on in a running session that started with it off: the UDP socket on the
// peer port number was bound for the DHT anyway, so uTP takes connections at once instead
// of failing to bind a port its own DHT holds.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.ts';
import { UtpSocket } from '../utp/utp-socket.ts';
import type { Session } from '../session-api.ts';
import { openSession } from './open-session.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** How a uTP dial to 127.0.0.1:`port` ends: 'connect' or the error's code. */
async function dialUtp(port: number): Promise<string> {
  const socket = await UtpSocket.bind({ host: '127.0.0.1', port: 0 });
  try {
    const conn = socket.connect('127.0.0.1', port);
    return await new Promise<string>((resolve) => {
      conn.once('connect', () => resolve('connect'));
      conn.once('error', (err: Error & { code?: string }) => resolve(err.code ?? err.message));
    });
  } finally {
    await socket.close();
  }
}

describe('uTP switched on after a start with it off', () => {
  it('takes uTP connections without a warning; while off, a SYN is refused at once', async () => {
    const t = await makeTempDir();
    cleanups.push(() => t.remove());
    const session: Session = await openSession({
      dataDir: path.join(t.dir, 'engine'),
      downloadDir: path.join(t.dir, 'downloads'),
      peerHost: '127.0.0.1',
      peerPort: 0,
      utp: false,
      dht: { enabled: true, bootstrap: [] },
    });
    cleanups.push(() => session.close());
    const warnings: string[] = [];
    session.on('warning', (w) => warnings.push(`${w.code}: ${w.message}`));

    // Off: the socket is there (the DHT rides on it) but refuses uTP, so peers use TCP.
    expect(await dialUtp(session.peerPort)).toBe('ECONNREFUSED');

    await session.setUtp(true);
    expect(warnings).toEqual([]);
    expect(await dialUtp(session.peerPort)).toBe('connect');
    // The DHT still answers on the same port number (it shares the socket).
    expect(session.dhtStatus()?.port).toBe(session.peerPort);
  });
});

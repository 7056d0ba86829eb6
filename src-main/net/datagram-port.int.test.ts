// Both kinds of UDP socket (datagram-port.ts), under uTP and the tracker,, over real sockets on loopback:
// what arrives, from whom, in batches larger than one read, on dual-stack sockets, and
// the errors of bind, send and close.
import crypto from 'node:crypto';
import dgram from 'node:dgram';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nativeUdpUnavailable, openDatagramPort, type DatagramPort } from './datagram-port.ts';
import { loadNativeUdp, nativeFoldersFrom } from './native-udp.ts';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** Resolves once `predicate()` holds (polled); fails the test after `timeoutMs`. */
const waitFor = (predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> =>
  vi.waitFor(
    () => {
      if (!predicate()) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 5 },
  );

interface Received {
  bytes: Buffer;
  host: string;
  port: number;
}

async function open(
  io: 'native' | 'dgram',
  host = '127.0.0.1',
  port = 0,
): Promise<DatagramPort & { got: Received[] }> {
  const p = await openDatagramPort({ host, port, recvBufferBytes: 1 << 20, sendBufferBytes: 1 << 20, io });
  const got: Received[] = [];
  // Copied at once: a native datagram is overwritten by the next read.
  p.onDatagram = (bytes, from, fromPort) =>
    got.push({ bytes: Buffer.from(bytes), host: from, port: fromPort });
  cleanup.push(() => p.close());
  return Object.assign(p, { got });
}

async function rawSocket(type: 'udp4' | 'udp6', host: string): Promise<dgram.Socket> {
  const s = dgram.createSocket(type);
  await new Promise<void>((r) => s.bind(0, host, () => r()));
  cleanup.push(() => new Promise<void>((r) => s.close(() => r())));
  return s;
}

const whyNoNative = nativeUdpUnavailable();

describe('the native UDP socket is built where it can be', () => {
  it('loads, or the build left its reason (the platform, no compiler or no Node headers)', () => {
    const load = loadNativeUdp();
    if (load.binding) {
      expect(load.path).toMatch(/udp-port\.node$/);
      return;
    }
    // A missing file without the build's note means the build is broken, not skipped.
    expect(load.reason).toMatch(
      /^(not built at install: |no native UDP socket on |SWARMDROP_NATIVE_UDP=off)/,
    );
  });

  it("is looked for beside the bundles, from the sources, and outside a packaged app's archive", () => {
    expect(nativeFoldersFrom('/repo/dist/cli')[0]).toBe('/repo/dist/native');
    expect(nativeFoldersFrom('/repo/src-main/net')[1]).toBe('/repo/dist/native');
    expect(nativeFoldersFrom('/opt/Swarmdrop/resources/app.asar/dist/app')[0]).toBe(
      '/opt/Swarmdrop/resources/app.asar.unpacked/dist/native',
    );
  });
});

for (const io of ['native', 'dgram'] as const) {
  const skip = io === 'native' && whyNoNative !== null;
  describe.skipIf(skip)(`datagram port (${io}${skip ? `: skipped, ${whyNoNative}` : ''})`, () => {
    it('says which kind it is and whether it reuses its buffers', async () => {
      const p = await open(io);
      expect(p.io).toBe(io);
      expect(p.reusesBuffers).toBe(io === 'native');
      expect(p.localPort).toBeGreaterThan(0);
    });

    it('carries datagrams both ways with their sender, sizes from 0 to the largest', async () => {
      const [a, b] = [await open(io), await open(io)];
      const sizes = [0, 1, 1400, 32 * 1024, 65_507];
      const sent = sizes.map((n) => crypto.randomBytes(n));
      for (const d of sent) {
        a.send(d, d.length, b.localPort, '127.0.0.1');
        await waitFor(() => b.got.length === sent.indexOf(d) + 1, 5000, `datagram of ${d.length}`);
      }
      expect(b.got.map((g) => g.bytes.equals(sent[b.got.indexOf(g)]!))).toEqual(sizes.map(() => true));
      expect(new Set(b.got.map((g) => `${g.host}:${g.port}`))).toEqual(new Set([`127.0.0.1:${a.localPort}`]));
      b.send(Buffer.from('back'), 4, a.localPort, '127.0.0.1');
      await waitFor(() => a.got.length === 1, 5000, 'the reply');
      expect(a.got[0]).toEqual({ bytes: Buffer.from('back'), host: '127.0.0.1', port: b.localPort });
    });

    it('sends part of a buffer: the first `length` bytes', async () => {
      const [a, b] = [await open(io), await open(io)];
      a.send(Buffer.from('abcdef'), 3, b.localPort, '127.0.0.1');
      await waitFor(() => b.got.length === 1);
      expect(b.got[0]!.bytes.toString()).toBe('abc');
    });

    it('delivers a burst larger than one read, every datagram intact and in order', async () => {
      const b = await open(io);
      const raw = await rawSocket('udp4', '127.0.0.1');
      const burst = Array.from({ length: 150 }, (_, i) =>
        Buffer.concat([Buffer.from([i]), crypto.randomBytes(200)]),
      );
      // Sent back to back before the receiver's turn: they wait in its queue together.
      await Promise.all(
        burst.map((d) => new Promise<void>((r) => raw.send(d, b.localPort, '127.0.0.1', () => r()))),
      );
      await waitFor(() => b.got.length === burst.length, 5000, 'the whole burst');
      expect(b.got.every((g, i) => g.bytes.equals(burst[i]!))).toBe(true);
    });

    it('on a dual-stack socket, names IPv4 senders a.b.c.d and IPv6 ones in RFC 5952 form', async () => {
      const p = await open(io, '::');
      const v4 = await rawSocket('udp4', '127.0.0.1');
      const v6 = await rawSocket('udp6', '::1');
      v4.send(Buffer.from('four'), p.localPort, '127.0.0.1');
      await waitFor(() => p.got.length === 1);
      v6.send(Buffer.from('six'), p.localPort, '::1');
      await waitFor(() => p.got.length === 2);
      expect(p.got.map((g) => [g.bytes.toString(), g.host, g.port])).toEqual([
        ['four', '127.0.0.1', v4.address().port],
        ['six', '::1', v6.address().port],
      ]);
      // And it reaches an IPv4 host given as such.
      const back = new Promise<string>((r) => v4.once('message', (m) => r(m.toString())));
      p.send(Buffer.from('to four'), 7, v4.address().port, '127.0.0.1');
      expect(await back).toBe('to four');
    });

    it('looks up a host name, as dgram does', async () => {
      const [a, b] = [await open(io), await open(io)];
      const result = new Promise<Error | null>((r) =>
        a.send(Buffer.from('named'), 5, b.localPort, 'localhost', r),
      );
      expect(await result).toBeNull();
      await waitFor(() => b.got.length === 1);
      expect(b.got[0]!.bytes.toString()).toBe('named');
    });

    it('refuses a port that is taken with EADDRINUSE', async () => {
      const a = await open(io);
      const err = await open(io, '127.0.0.1', a.localPort).then(
        () => null,
        (e: unknown) => e as NodeJS.ErrnoException,
      );
      expect(err?.code).toBe('EADDRINUSE');
    });

    it('after close: delivers nothing more, a send reports an error, and close again is fine', async () => {
      const [a, b] = [await open(io), await open(io)];
      await b.close();
      await b.close();
      a.send(Buffer.from('late'), 4, b.localPort, '127.0.0.1');
      await a.close();
      const err = await new Promise<Error | null>((r) => a.send(Buffer.from('x'), 1, 9, '127.0.0.1', r));
      expect(err).toBeInstanceOf(Error);
      await new Promise((r) => setTimeout(r, 50));
      expect(b.got).toEqual([]);
    });

    it('a handler that closes the socket mid-burst stops the delivery there', async () => {
      const b = await open(io);
      const raw = await rawSocket('udp4', '127.0.0.1');
      let seen = 0;
      b.onDatagram = () => {
        if (++seen === 3) void b.close();
      };
      await Promise.all(
        Array.from(
          { length: 20 },
          () => new Promise<void>((r) => raw.send(Buffer.alloc(10), b.localPort, '127.0.0.1', () => r())),
        ),
      );
      await new Promise((r) => setTimeout(r, 100));
      // dgram may already have queued 'message' events of the same read; native stops at once.
      if (io === 'native') expect(seen).toBe(3);
      else expect(seen).toBeGreaterThanOrEqual(3);
    });
  });
}

// Our dialer and peer server over uTP on real loopback sockets: by default the dial goes
// over TCP and turns to uTP when TCP is refused; with uTP preferred it goes over uTP when
// the peer answers it and falls back to TCP when it does not; MSE (RC4) runs over uTP as
// over TCP.
import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CRYPTO_RC4, MseInitiator, type MseResult } from '../../protocol/mse/mse-handshake.ts';
import { encodeHandshake } from '../../protocol/wire/handshake.ts';
import { MAX_UTP_PAYLOAD_BYTES } from '../utp/path-mtu.ts';
import type { UtpConnection } from '../utp/utp-connection.ts';
import { UtpSocket } from '../utp/utp-socket.ts';
import { Dialer } from './dialer.ts';
import type { EncryptionMode } from './encryption.ts';
import type { PeerConnection } from './peer-connection.ts';
import { PeerServer } from './peer-server.ts';
import { makeHandshake, waitFor } from './peer-test-support.ts';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function serve(encryption: EncryptionMode, withUtp: boolean, utpPort?: number) {
  const ours = makeHandshake(7);
  const accepted: PeerConnection[] = [];
  const server = await PeerServer.listen({
    host: '127.0.0.1',
    port: 0,
    encryption,
    infoHashes: () => [ours.infoHash],
    lookup: () => (conn) => {
      accepted.push(conn);
      cleanup.push(() => conn.close());
      conn.sendHandshake(ours);
      if (!conn.isClosed) conn.start();
    },
  });
  cleanup.push(() => server.close());
  if (withUtp) {
    const utp = await UtpSocket.bind({ host: '127.0.0.1', port: utpPort ?? server.port });
    cleanup.push(() => utp.close());
    server.acceptUtp(utp);
    return { server, accepted, utpPort: utp.port, utp };
  }
  return { server, accepted, utpPort: undefined, utp: undefined };
}

async function utpDialer(encryption: EncryptionMode, headStartMs = 2000, preferUtp = true): Promise<Dialer> {
  const utp = await UtpSocket.bind({ host: '127.0.0.1', port: 0 });
  cleanup.push(() => utp.close());
  const d = new Dialer({ encryption, utp, headStartMs, preferUtp });
  cleanup.push(() => d.close());
  return d;
}

/** A have message each way proves the stream carries the wire after the handshake. */
async function haveBothWays(a: PeerConnection, b: PeerConnection): Promise<void> {
  const gotA: number[] = [];
  const gotB: number[] = [];
  a.on('message', (m) => m.type === 'have' && gotA.push(m.index));
  b.on('message', (m) => m.type === 'have' && gotB.push(m.index));
  a.start();
  a.sendHave(3);
  b.sendHave(5);
  await waitFor(() => gotA.length === 1 && gotB.length === 1, 10_000, 'have both ways');
  expect([gotA, gotB]).toEqual([[5], [3]]);
}

describe('dialing with uTP on, TCP first (the default)', () => {
  it('a peer that takes both is reached over TCP; uTP is never tried', async () => {
    const { server, accepted } = await serve('prefer', true);
    const d = await utpDialer('prefer', 2000, false);
    const conn = await d.dial({ host: '127.0.0.1', port: server.port, handshake: makeHandshake(7) });
    cleanup.push(() => conn.close());
    expect(conn.transport).toBe('tcp');
    await waitFor(() => accepted.length === 1);
    expect(accepted[0]!.transport).toBe('tcp');
    await haveBothWays(conn, accepted[0]!);
    // Past the head start: no uTP attempt follows a TCP dial that connected.
    await new Promise((r) => setTimeout(r, 2500));
    expect(accepted).toHaveLength(1);
  });

  it('a peer with TCP off (refused) is reached over uTP at once, before the head start ends', async () => {
    // uTP on a port where nothing listens on TCP: the connect is refused at once.
    const probe = await serve('off', false);
    const closedTcp = probe.server.port;
    await probe.server.close();
    const { accepted, utpPort } = await serve('off', true, closedTcp);
    const d = await utpDialer('off', 60_000, false);
    const conn = await d.dial({ host: '127.0.0.1', port: utpPort!, handshake: makeHandshake(7) });
    cleanup.push(() => conn.close());
    expect(conn.transport).toBe('utp');
    await waitFor(() => accepted.length === 1);
    await haveBothWays(conn, accepted[0]!);
  });
  it.each(['prefer', 'require'] as const)(
    'a peer that accepts TCP and closes it at once (TCP off) is reached over uTP next (encryption %s)',
    async (mode) => {
      // libtorrent with incoming TCP off still accepts on its TCP port, then closes.
      const closer = net.createServer((s) => s.destroy());
      await new Promise<void>((r) => closer.listen(0, '127.0.0.1', () => r()));
      cleanup.push(() => new Promise<void>((r) => closer.close(() => r())));
      const port = (closer.address() as net.AddressInfo).port;
      const { accepted } = await serve(mode, true, port);
      const d = await utpDialer(mode, 60_000, false);
      const conn = await d.dial({ host: '127.0.0.1', port, handshake: makeHandshake(7) });
      cleanup.push(() => conn.close());
      expect(conn.transport).toBe('utp');
      await waitFor(() => accepted.length === 1);
      await haveBothWays(conn, accepted[0]!);
    },
  );
});

describe('dialing with uTP preferred', () => {
  it.each(['off', 'prefer', 'require'] as const)(
    'a peer answering uTP is reached over uTP (encryption %s)',
    async (mode) => {
      const { server, accepted } = await serve(mode, true);
      const d = await utpDialer(mode);
      const conn = await d.dial({ host: '127.0.0.1', port: server.port, handshake: makeHandshake(7) });
      cleanup.push(() => conn.close());
      expect(conn.transport).toBe('utp');
      expect(conn.encryption).toBe({ off: 'none', prefer: 'plaintext', require: 'rc4' }[mode]);
      await waitFor(() => accepted.length === 1);
      expect(accepted[0]!.transport).toBe('utp');
      await haveBothWays(conn, accepted[0]!);
    },
  );

  it('switching the order on a running dialer applies to the next dial', async () => {
    const { server, accepted } = await serve('off', true);
    const d = await utpDialer('off', 2000, false);
    d.preferUtp = true;
    const conn = await d.dial({ host: '127.0.0.1', port: server.port, handshake: makeHandshake(7) });
    cleanup.push(() => conn.close());
    expect(conn.transport).toBe('utp');
    await waitFor(() => accepted.length === 1);
    d.preferUtp = false;
    const again = await d.dial({ host: '127.0.0.1', port: server.port, handshake: makeHandshake(7) });
    cleanup.push(() => again.close());
    expect(again.transport).toBe('tcp');
  });

  it('a peer without uTP is reached over TCP once the head start runs out', async () => {
    const { server, accepted } = await serve('prefer', false);
    // Something else holds the UDP port and ignores uTP: no RESET, only silence.
    const silent = dgram.createSocket('udp4');
    await new Promise<void>((r) => silent.bind(server.port, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise<void>((r) => silent.close(() => r())));
    const d = await utpDialer('prefer', 200);
    const conn = await d.dial({ host: '127.0.0.1', port: server.port, handshake: makeHandshake(7) });
    cleanup.push(() => conn.close());
    expect(conn.transport).toBe('tcp');
    await waitFor(() => accepted.length === 1);
    await haveBothWays(conn, accepted[0]!);
  });

  it('a uTP RESET sends the dial to TCP at once, before the head start ends', async () => {
    const { server, accepted } = await serve('off', false);
    // A uTP socket that takes no connections answers the SYN with RESET.
    const refusing = await UtpSocket.bind({ host: '127.0.0.1', port: server.port });
    cleanup.push(() => refusing.close());
    const d = await utpDialer('off', 60_000);
    const conn = await d.dial({ host: '127.0.0.1', port: server.port, handshake: makeHandshake(7) });
    cleanup.push(() => conn.close());
    expect(conn.transport).toBe('tcp');
    await waitFor(() => accepted.length === 1);
  });
});

describe('packet size over uTP', () => {
  // Linux: the loopback MTU comes from sysfs (engine/utp/path-mtu.ts); elsewhere it is
  // unknown and packets keep the usual size.
  it.runIf(process.platform === 'linux')(
    'both ends say how big a datagram they read (BEP 10) and their packets grow to the loopback link, under RC4',
    async () => {
      const { server, accepted, utp: serverUtp } = await serve('require', true);
      const answered: UtpConnection[] = [];
      const onConnection = serverUtp!.onConnection!;
      serverUtp!.onConnection = (c) => {
        answered.push(c);
        onConnection(c);
      };
      const utp = await UtpSocket.bind({ host: '127.0.0.1', port: 0 });
      cleanup.push(() => utp.close());
      const dialed: UtpConnection[] = [];
      const connect = utp.connect.bind(utp);
      utp.connect = (host, port) => {
        const c = connect(host, port);
        dialed.push(c);
        return c;
      };
      const d = new Dialer({ encryption: 'require', utp, headStartMs: 2000, preferUtp: true });
      cleanup.push(() => d.close());
      const conn = await d.dial({ host: '127.0.0.1', port: server.port, handshake: makeHandshake(7) });
      cleanup.push(() => conn.close());
      await waitFor(() => accepted.length === 1);
      const there = accepted[0]!;
      expect([dialed[0]!.packetPayloadBytes, answered[0]!.packetPayloadBytes]).toEqual([1400, 1400]);
      const heard = [conn, there].map((c) => new Promise((r) => c.once('extension-handshake', r)));
      conn.sendExtensionHandshake({});
      there.sendExtensionHandshake({});
      conn.start();
      const [toThere, toHere] = (await Promise.all(heard)) as { utpMaxDatagramBytes?: number }[];
      expect([toThere!.utpMaxDatagramBytes, toHere!.utpMaxDatagramBytes]).toEqual([65_507, 65_507]);
      expect([dialed[0]!.packetPayloadBytes, answered[0]!.packetPayloadBytes]).toEqual([
        MAX_UTP_PAYLOAD_BYTES,
        MAX_UTP_PAYLOAD_BYTES,
      ]);
      // The stream still carries the wire, through RC4, in the bigger packets.
      const bitfield = Uint8Array.from({ length: 50_000 }, (_, i) => (i * 7) & 0xff);
      const got: Uint8Array[] = [];
      there.on('message', (m) => m.type === 'bitfield' && got.push(m.bytes.slice()));
      conn.sendBitfield(bitfield);
      await waitFor(() => got.length === 1, 10_000, 'bitfield over uTP');
      expect(Buffer.from(got[0]!).equals(Buffer.from(bitfield))).toBe(true);
    },
  );
});

describe('answering an MSE dial over uTP whose handshake came as the initial payload (Transmission)', () => {
  // Transmission 3.00 reads uTP bytes only as datagrams arrive: what shares the datagram
  // that completes its handshake waits for the next one. Here MSE's last step is still
  // being written when our handshake and HAVE ALL are, so without a boundary Writable
  // batches them into one datagram, and a seeder that sends nothing more is never read.
  it('our handshake ends its datagram and HAVE ALL arrives in the next one', async () => {
    const ours = makeHandshake(7);
    const server = await PeerServer.listen({
      host: '127.0.0.1',
      port: 0,
      encryption: 'prefer',
      infoHashes: () => [ours.infoHash],
      lookup: () => (conn) => {
        cleanup.push(() => conn.close());
        conn.sendHandshake(ours);
        conn.sendHaveAll();
        if (!conn.isClosed) conn.start();
      },
    });
    cleanup.push(() => server.close());
    const serverUtp = await UtpSocket.bind({ host: '127.0.0.1', port: server.port });
    cleanup.push(() => serverUtp.close());
    server.acceptUtp(serverUtp);

    const utp = await UtpSocket.bind({ host: '127.0.0.1', port: 0 });
    cleanup.push(() => utp.close());
    const conn = utp.connect('127.0.0.1', server.port);
    cleanup.push(() => conn.destroy());
    await new Promise<void>((resolve, reject) => {
      conn.once('connect', resolve);
      conn.once('error', reject);
    });
    // Transmission's way: RC4 only, its BitTorrent handshake as IA inside MSE step 3.
    const initiator = new MseInitiator({
      infoHash: ours.infoHash,
      provide: CRYPTO_RC4,
      initialPayload: encodeHandshake(makeHandshake(7)),
    });
    let mse: MseResult | null = null;
    // One entry per datagram after the MSE handshake (each in-order payload is one 'data').
    const datagrams: Buffer[] = [];
    conn.on('data', (chunk: Buffer) => {
      if (mse) {
        datagrams.push(Buffer.from(mse.decrypt!.applyCopy(chunk)));
        return;
      }
      const step = initiator.receive(chunk);
      if (step.send) conn.write(step.send);
      if (step.done) {
        mse = step.done;
        if (step.done.payload.length > 0) datagrams.push(Buffer.from(step.done.payload));
      }
    });
    conn.write(initiator.start());
    await waitFor(
      () => datagrams.reduce((n, d) => n + d.length, 0) >= 68 + 5,
      10_000,
      'handshake and HAVE ALL',
    );
    expect(mse!.method).toBe('rc4');
    expect(datagrams.map((d) => d.length)).toEqual([68, 5]);
    expect(Buffer.from(datagrams[0]!.subarray(0, 20)).toString('latin1')).toBe('\x13BitTorrent protocol');
    expect([...datagrams[1]!]).toEqual([0, 0, 0, 1, 0x0e]); // HAVE ALL (BEP 6)
  });
});

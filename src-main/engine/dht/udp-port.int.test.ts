// The shared UDP port on 127.0.0.1: KRPC (a bencoded dictionary) goes to the DHT's view,
// anything else (uTP's first byte is type << 4 | version) to the other hook; and KRPC
// riding on a real uTP socket (`UdpPort.share`).
import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { UtpSocket } from '../utp/utp-socket.ts';
import { canShareForDht, UdpPort, type UdpRemote } from './udp-port.ts';

async function sendFrom(socket: dgram.Socket, port: number, bytes: Uint8Array): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    socket.send(bytes, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
  );
}

describe('UdpPort', () => {
  it('routes bencoded dictionaries to the DHT view and every other datagram to the other hook', async () => {
    const other: Buffer[] = [];
    const port = await UdpPort.bind({
      host: '127.0.0.1',
      port: 0,
      onOtherDatagram: (d: Buffer, _from: UdpRemote) => other.push(d),
    });
    const krpc: Buffer[] = [];
    port.krpcSocket().on('message', (d: Buffer) => krpc.push(d));
    const client = dgram.createSocket('udp4');
    try {
      await sendFrom(client, port.port, Buffer.from('d1:y1:qe'));
      // A uTP ST_SYN header starts 0x41 (type 4, version 1).
      await sendFrom(client, port.port, Uint8Array.of(0x41, 0, 0, 0));
      await sendFrom(client, port.port, new Uint8Array(0));
      const deadline = Date.now() + 5000;
      while ((krpc.length < 1 || other.length < 2) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(krpc.map((d) => d.toString())).toEqual(['d1:y1:qe']);
      expect(other.map((d) => d[0] ?? -1)).toEqual([0x41, -1]);
      expect(port.krpcTraffic).toMatchObject({ receivedCount: 1, receivedBytes: 8 });
    } finally {
      client.close();
      await port.close();
    }
  });

  it("the DHT view's close leaves the socket to its owner, and says 'close' even after the owner closed", async () => {
    const port = await UdpPort.bind({ host: '127.0.0.1', port: 0 });
    const view = port.krpcSocket();
    const closed = new Promise<void>((resolve) => view.once('close', () => resolve()));
    view.close();
    await closed;
    // Still bound: the owner closes it.
    expect(port.port).toBeGreaterThan(0);
    await port.close();
    const again = new Promise<void>((resolve) => view.once('close', () => resolve()));
    view.close();
    await again;
  });

  it('refuses a port another socket holds with the socket error', async () => {
    const first = await UdpPort.bind({ host: '127.0.0.1', port: 0 });
    try {
      await expect(UdpPort.bind({ host: '127.0.0.1', port: first.port })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      await first.close();
    }
  });
});

describe('UdpPort.share: the DHT on the uTP socket of the peer port', () => {
  const until = async (check: () => boolean, what: string) => {
    const deadline = Date.now() + 5000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('carries KRPC on a dual-stack uTP socket next to uTP: IPv4 senders unmapped, replies delivered, close hands the socket back', async () => {
    const utp = await UtpSocket.bind({ host: '::', port: 0 });
    const dialer = await UtpSocket.bind({ host: '127.0.0.1', port: 0 });
    const client = dgram.createSocket('udp4');
    await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
    const replies: string[] = [];
    client.on('message', (d: Buffer) => replies.push(d.toString()));
    try {
      const port = UdpPort.share(utp);
      expect(port.port).toBe(utp.port);
      expect(port.address().family).toBe('IPv4');
      const seen: { text: string; address: string; port: number }[] = [];
      port
        .krpcSocket()
        .on('message', (d: Buffer, from: dgram.RemoteInfo) =>
          seen.push({ text: d.toString(), address: from.address, port: from.port }),
        );
      await sendFrom(client, utp.port, Buffer.from('d1:y1:qe'));
      await until(() => seen.length === 1, 'the KRPC datagram');
      // The library matches replies by address: it must see the IPv4 form.
      expect(seen[0]).toEqual({ text: 'd1:y1:qe', address: '127.0.0.1', port: client.address().port });
      const reply = Buffer.from('d1:y1:re');
      const sent = new Promise<Error | null>((resolve) =>
        port.krpcSocket().send(reply, 0, reply.length, client.address().port, '127.0.0.1', resolve),
      );
      expect(await sent).toBeNull();
      await until(() => replies.length === 1, 'the reply through the uTP socket');
      expect(replies).toEqual(['d1:y1:re']);
      expect(port.krpcTraffic).toMatchObject({ receivedCount: 1, sentCount: 1 });

      // uTP on the same socket is untouched.
      // The accepted end sees our reset when we hang up; that is expected here.
      utp.onConnection = (accepted) => accepted.on('error', () => undefined);
      const conn = dialer.connect('127.0.0.1', utp.port);
      await new Promise<void>((resolve, reject) => {
        conn.once('connect', resolve);
        conn.once('error', reject);
      });
      conn.destroy();

      await port.close();
      expect(utp.onOtherDatagram).toBeNull();
      const droppedBefore = utp.counters.dropped;
      await sendFrom(client, utp.port, Buffer.from('d1:y1:qe'));
      await until(() => utp.counters.dropped === droppedBefore + 1, 'the KRPC datagram dropped after close');
      expect(seen).toHaveLength(1);
    } finally {
      client.close();
      await dialer.close();
      await utp.close();
    }
  });

  it('shares only a socket that reaches IPv4 (the DHT library is IPv4 only)', () => {
    expect(canShareForDht('0.0.0.0')).toBe(true);
    expect(canShareForDht('127.0.0.1')).toBe(true);
    expect(canShareForDht('::')).toBe(true);
    expect(canShareForDht('::1')).toBe(false);
    expect(canShareForDht('2001:db8::7')).toBe(false);
  });
});

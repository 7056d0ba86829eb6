// The shared UDP port on 127.0.0.1: KRPC (a bencoded dictionary) goes to the DHT's view,
// anything else (uTP's first byte is type << 4 | version) to the other hook.
import dgram from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { UdpPort, type UdpRemote } from './udp-port.ts';

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

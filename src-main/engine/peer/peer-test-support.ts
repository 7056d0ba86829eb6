// Test helpers for the peer layer: real loopback socket pairs and handshakes.
import net from 'node:net';
import { makeReserved, type Handshake } from '../../protocol/wire/handshake.ts';
import { generatePeerId } from '../../protocol/wire/peer-id.ts';

/**
 * Two connected sockets on 127.0.0.1: [dialing side, accepted side]. `onread` gives the
 * dialing side a reused read buffer (SocketReader), as the Dialer does.
 */
export async function socketPair(onread?: net.OnReadOpts): Promise<[net.Socket, net.Socket]> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect({ host: '127.0.0.1', port, ...(onread ? { onread } : {}) });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  const serverSide = await accepted;
  server.close();
  return [client, serverSide];
}

export function makeHandshake(
  infoHashByte: number,
  flags = { extensionProtocol: true, fastExtension: true },
): Handshake {
  return {
    reserved: makeReserved(flags),
    infoHash: new Uint8Array(20).fill(infoHashByte),
    peerId: generatePeerId(),
  };
}

/** Resolves when `predicate()` holds, polling; rejects after `timeoutMs` so no test hangs. */
export async function waitFor(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

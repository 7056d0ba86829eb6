/**
 * DhtNode over bittorrent-dht (the webtorrent project's BEP 5 implementation). It reads
 * and writes through the session's UdpPort (the peer port number), starts from the saved
 * routing table and the configured bootstrap nodes, and never falls back to the library's
 * built-in bootstrap list: with none configured and nothing saved it waits for nodes
 * announced by peers (the PORT message).
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { Client } from 'bittorrent-dht';
import type { DhtNode, DhtPeer, DhtTraffic } from './dht-node.ts';
import type { DhtState } from './dht-state-store.ts';
import type { UdpPort } from './udp-port.ts';

export interface MainlineDhtOptions {
  udp: UdpPort;
  /** `host:port` strings (a setting); may be empty. */
  bootstrap: readonly string[];
  saved?: DhtState;
  /** Something went wrong that the user may want to know (socket errors). */
  onWarning(code: string, message: string): void;
}

/** A lookup stops waiting for a first node after this (the bootstrap may never answer). */
const READY_WAIT_MS = 30_000;

export class MainlineDht implements DhtNode {
  private readonly client: Client;
  private readonly peerListeners = new Map<string, Set<(peers: DhtPeer[]) => void>>();
  private readonly ready: Promise<void>;
  private closing: Promise<void> | null = null;
  /** Lookups and announces in flight: a destroyed library never calls them back, close() does. */
  private readonly inFlight = new Set<() => void>();

  constructor(private readonly o: MainlineDhtOptions) {
    this.client = new Client({
      nodeId: o.saved ? Buffer.from(o.saved.nodeIdHex, 'hex') : randomBytes(20),
      // An explicit list: left undefined, the library would use its public defaults.
      bootstrap: o.bootstrap.length > 0 ? [...o.bootstrap] : false,
      socket: o.udp.krpcSocket(),
    });
    for (const n of o.saved?.nodes ?? [])
      this.client.addNode({ host: n.host, port: n.port, id: Buffer.from(n.idHex, 'hex') });
    this.client.on('peer', (peer: { host: string; port: number }, infoHash: Buffer) => {
      const listeners = this.peerListeners.get(infoHash.toString('hex'));
      if (listeners) for (const l of listeners) l([{ host: peer.host, port: peer.port }]);
    });
    // 'warning' is every stray or late datagram from the internet: not worth a line each.
    this.client.on('warning', () => undefined);
    this.client.on('error', (err: Error) => o.onWarning('dht-error', err.message));
    // A lookup needs somewhere to start: the first node that answers (or a saved one) is
    // enough, since lookups run in parallel and report peers as they come. Waiting for the
    // whole bootstrap instead costs a 2 s time-out per dead node it tried.
    this.ready = new Promise<void>((resolve) => {
      if (this.client.nodes.count() > 0) return resolve();
      const done = () => {
        clearTimeout(timer);
        this.client.off('ready', done);
        this.client.off('node', done);
        resolve();
      };
      const timer = setTimeout(done, READY_WAIT_MS);
      timer.unref?.();
      this.client.once('ready', done);
      this.client.once('node', done);
    });
    this.client.listen(o.udp.port);
  }

  get port(): number {
    return this.o.udp.port;
  }

  nodeCount(): number {
    return this.client.nodes.count();
  }

  async announce(
    infoHash: Uint8Array,
    peerPort: number,
    onPeers: (peers: DhtPeer[]) => void,
  ): Promise<number> {
    await this.ready;
    if (this.closing) return 0;
    const key = Buffer.from(infoHash).toString('hex');
    let found = 0;
    const listener = (peers: DhtPeer[]) => {
      found += peers.length;
      onPeers(peers);
    };
    let listeners = this.peerListeners.get(key);
    if (!listeners) this.peerListeners.set(key, (listeners = new Set()));
    listeners.add(listener);
    const hash = Buffer.from(infoHash);
    try {
      // The lookup fills the library's table of the closest nodes and their tokens, which
      // the announce right after uses (announce_peer needs a token from get_peers).
      await this.settle((done) => this.client.lookup(hash, done));
      if (!this.closing) await this.settle((done) => this.client.announce(hash, peerPort, done));
    } finally {
      listeners.delete(listener);
      if (listeners.size === 0) this.peerListeners.delete(key);
    }
    return found;
  }

  /** Runs one library call and resolves when it calls back, or when the node closes. */
  private settle(call: (done: () => void) => void): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        this.inFlight.delete(done);
        resolve();
      };
      this.inFlight.add(done);
      call(done);
    });
  }

  addNode(host: string, port: number): void {
    if (this.closing || isIP(host) !== 4 || port <= 0 || port > 65535) return;
    this.client.addNode({ host, port });
  }

  state(): DhtState {
    return {
      nodeIdHex: this.client.nodeId.toString('hex'),
      nodes: this.client.nodes
        .toArray()
        .flatMap((n) =>
          n.id && isIP(n.host) === 4 ? [{ host: n.host, port: n.port, idHex: n.id.toString('hex') }] : [],
        ),
    };
  }

  traffic(): DhtTraffic {
    return { ...this.o.udp.krpcTraffic };
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      for (const done of [...this.inFlight]) done();
      this.client.destroy(() => resolve());
    });
    return this.closing;
  }
}

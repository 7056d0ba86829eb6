// A UDP relay that delays and drops what one side sends, for kernels without `tc netem`
// (CONFIG_NET_SCH_NETEM unset). Clients send to the relay's address; for each client
// address the relay opens a socket of its own towards the upstream (so the upstream sees
// one address per client and its answers come back to the right client). Datagrams from
// the upstream are dropped with probability `lossPercent`/100 and the rest are released to
// the client `delayMs` later, in order (one FIFO, one timer); the client's datagrams pass
// at once. That is what netem on the upstream's side of a link does to its packets.
import dgram from 'node:dgram';

export interface ImpairmentRelay {
  /** Where clients send (the relay's bound address and port). */
  readonly host: string;
  readonly port: number;
  /** Datagrams dropped and released so far (upstream → client). */
  readonly counts: { dropped: number; relayed: number };
  close(): Promise<void>;
}

export interface ImpairmentSpec {
  delayMs: number;
  lossPercent: number;
}

interface Held {
  releaseAtMs: number;
  bytes: Buffer;
  port: number;
  address: string;
}

/** Binds on `host` (a free port) and forwards to `upstreamHost:upstreamPort`. */
export async function startImpairmentRelay(
  host: string,
  upstreamHost: string,
  upstreamPort: number,
  spec: ImpairmentSpec,
): Promise<ImpairmentRelay> {
  const front = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
  const towards = new Map<string, dgram.Socket>();
  const held: Held[] = [];
  let head = 0;
  let timer: NodeJS.Timeout | undefined;
  const counts = { dropped: 0, relayed: 0 };
  let closed = false;

  const release = (): void => {
    timer = undefined;
    const now = performance.now();
    while (head < held.length && held[head]!.releaseAtMs <= now) {
      const h = held[head++]!;
      if (!closed) front.send(h.bytes, h.port, h.address);
      counts.relayed++;
    }
    if (head > 1024 && head * 2 > held.length) {
      held.splice(0, head);
      head = 0;
    }
    if (head < held.length) timer = setTimeout(release, Math.max(0, held[head]!.releaseAtMs - now));
  };

  const upstreamFor = (address: string, port: number): dgram.Socket => {
    const key = `${address}:${port}`;
    let s = towards.get(key);
    if (s) return s;
    s = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
    s.bind(0, host);
    s.on('message', (bytes) => {
      if (Math.random() * 100 < spec.lossPercent) {
        counts.dropped++;
        return;
      }
      held.push({ releaseAtMs: performance.now() + spec.delayMs, bytes, port, address });
      timer ??= setTimeout(release, spec.delayMs);
    });
    towards.set(key, s);
    return s;
  };

  front.on('message', (bytes, rinfo) => {
    if (!closed) upstreamFor(rinfo.address, rinfo.port).send(bytes, upstreamPort, upstreamHost);
  });
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.bind(0, host, () => {
      front.off('error', reject);
      resolve();
    });
  });
  return {
    host,
    port: front.address().port,
    counts,
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      const all = [front, ...towards.values()];
      await Promise.all(all.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}

/**
 * BEP 15 connection ids without per-client state: an id is the first 8 bytes of
 * HMAC-SHA256(secret, address | port | time bucket). Only a client that received the
 * connect response at that address and port can know it, so a spoofed source address
 * cannot get an announce (or catalog) answer sent to a victim: the tracker cannot be used
 * to amplify traffic at a third party.
 *
 * Secrets rotate with the bucket (default 60 s) and the current and previous ones are
 * accepted, so an id is valid for 60–120 s: at least the 1 minute BEP 15 lets a client
 * reuse it, and at most the 2 minutes BEP 15 lets a tracker accept it. An id is never
 * valid again after that, so a captured id cannot be reused later.
 *
 * The HMAC was the largest cost of an announce after the syscalls (docs/PERFORMANCE.md), and a client sends
 * connect then announce (then more announces and scrapes within the id's life) from one
 * address and port. So the ids this class computed are remembered per address and port in
 * a small direct-mapped cache: a request whose id equals the remembered one for its source,
 * issued in a still-accepted bucket, is accepted without recomputing. It is a cache of our
 * own HMAC outputs, never of what clients send, so it accepts exactly what recomputing
 * would. Its slots are typed arrays found by a seeded hash of address and port: checking
 * an id builds no key string and looks up no Map, and a source that lands on a busy
 * slot only evicts its occupant, which then pays one HMAC again.
 */
import { createHmac, randomBytes as nodeRandomBytes } from 'node:crypto';

export interface ConnectionIdOptions {
  now: () => number;
  /** Length of one time bucket; ids live 1–2 buckets. Default 60 000 ms. */
  bucketMs?: number;
  /** Source of secrets (tests may pin it). Default crypto.randomBytes. */
  randomBytes?: (n: number) => Uint8Array;
  /** Cache slots for remembered ids (rounded up to a power of two). Default 8192. */
  rememberedSources?: number;
}

interface Secret {
  bucket: number;
  key: Uint8Array;
}

export class ConnectionIds {
  private readonly now: () => number;
  private readonly bucketMs: number;
  private readonly randomBytes: (n: number) => Uint8Array;
  private current: Secret;
  private previous: Secret | undefined;
  /** Slot s remembers `ids[s]`, issued to `ips[s]`:`ports[s]` in bucket `buckets[s]`. */
  private readonly ips: string[];
  private readonly ports: Int32Array;
  private readonly buckets: Float64Array;
  private readonly ids: bigint[];
  private readonly slotMask: number;
  /** Seeds the slot hash, so which sources share a slot is not known outside. */
  private readonly seed: number;
  /** The last address and its hash: a client's datagrams come in runs from one address. */
  private lastAddress = '';
  private lastAddressHash = 0;

  constructor(options: ConnectionIdOptions) {
    this.now = options.now;
    this.bucketMs = options.bucketMs ?? 60_000;
    this.randomBytes = options.randomBytes ?? nodeRandomBytes;
    let slots = 1;
    while (slots < (options.rememberedSources ?? 8192)) slots *= 2;
    this.slotMask = slots - 1;
    // -1: no bucket, so an empty slot never matches.
    this.ips = new Array<string>(slots).fill('');
    this.ports = new Int32Array(slots).fill(-1);
    this.buckets = new Float64Array(slots).fill(-1);
    this.ids = new Array<bigint>(slots).fill(0n);
    this.current = { bucket: this.bucketOf(this.now()), key: this.randomBytes(32) };
    const seedBytes = this.randomBytes(4);
    this.seed =
      (seedBytes[0] ?? 0) |
      ((seedBytes[1] ?? 0) << 8) |
      ((seedBytes[2] ?? 0) << 16) |
      ((seedBytes[3] ?? 0) << 24);
  }

  /** A fresh id for a connect request from `address`:`port`. */
  issue(address: string, port: number): bigint {
    this.rotate();
    const s = this.slotOf(address, port);
    if (this.holds(s, address, port) && this.buckets[s] === this.current.bucket) return this.ids[s] as bigint;
    const id = this.mac(this.current, address, port);
    this.remember(s, address, port, this.current.bucket, id);
    return id;
  }

  /** Whether `id` was issued to `address`:`port` in this or the previous bucket. */
  verify(id: bigint, address: string, port: number): boolean {
    this.rotate();
    const s = this.slotOf(address, port);
    if (this.holds(s, address, port) && this.ids[s] === id && this.accepts(this.buckets[s] as number))
      return true;
    for (const secret of [this.current, this.previous]) {
      if (secret !== undefined && this.mac(secret, address, port) === id) {
        this.remember(s, address, port, secret.bucket, id);
        return true;
      }
    }
    return false;
  }

  /** Ids of this bucket are accepted: the current one, or the previous if it is kept. */
  private accepts(bucket: number): boolean {
    return bucket === this.current.bucket || bucket === this.previous?.bucket;
  }

  /** The cache slot of `address`:`port`. */
  private slotOf(address: string, port: number): number {
    if (address !== this.lastAddress) {
      this.lastAddressHash = hashString(address, this.seed);
      this.lastAddress = address;
    }
    let h = Math.imul(this.lastAddressHash ^ port, 0x9e3779b1);
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca6b);
    return (h ^ (h >>> 13)) & this.slotMask;
  }

  /** Whether slot s remembers an id of `address`:`port`. */
  private holds(s: number, address: string, port: number): boolean {
    return this.ports[s] === port && this.ips[s] === address;
  }

  private remember(s: number, address: string, port: number, bucket: number, id: bigint): void {
    this.ips[s] = address;
    this.ports[s] = port;
    this.buckets[s] = bucket;
    this.ids[s] = id;
  }

  private bucketOf(ms: number): number {
    return Math.floor(ms / this.bucketMs);
  }

  private rotate(): void {
    const bucket = this.bucketOf(this.now());
    if (bucket === this.current.bucket) return;
    // A gap of more than one bucket means no outstanding id is still valid.
    this.previous = bucket === this.current.bucket + 1 ? this.current : undefined;
    this.current = { bucket, key: this.randomBytes(32) };
  }

  private mac(secret: Secret, address: string, port: number): bigint {
    const digest = createHmac('sha256', secret.key).update(`${address}|${port}|${secret.bucket}`).digest();
    return digest.readBigUInt64BE(0);
  }
}

/** FNV-1a over the UTF-16 code units from a seeded basis (an address is a few ASCII chars). */
function hashString(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) | 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

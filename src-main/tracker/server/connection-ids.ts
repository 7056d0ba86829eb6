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
 * The HMAC was the largest cost of an announce after the syscalls (#7), and a client sends
 * connect then announce (then more announces and scrapes within the id's life) from one
 * address and port. So the ids this class computed are remembered per address and port in
 * a small bounded map: a request whose id equals the remembered one for its source, issued
 * in a still-accepted bucket, is accepted without recomputing. It is a cache of our own
 * HMAC outputs, never of what clients send, so it accepts exactly what recomputing would.
 */
import { createHmac, randomBytes as nodeRandomBytes } from 'node:crypto';

export interface ConnectionIdOptions {
  now: () => number;
  /** Length of one time bucket; ids live 1–2 buckets. Default 60 000 ms. */
  bucketMs?: number;
  /** Source of secrets (tests may pin it). Default crypto.randomBytes. */
  randomBytes?: (n: number) => Uint8Array;
  /** Sources whose current id is remembered; the map is emptied when full. Default 8192. */
  rememberedSources?: number;
}

interface Secret {
  bucket: number;
  key: Uint8Array;
}

interface Remembered {
  bucket: number;
  id: bigint;
}

export class ConnectionIds {
  private readonly now: () => number;
  private readonly bucketMs: number;
  private readonly randomBytes: (n: number) => Uint8Array;
  private current: Secret;
  private previous: Secret | undefined;
  private readonly remembered = new Map<string, Remembered>();
  private readonly maxRemembered: number;

  constructor(options: ConnectionIdOptions) {
    this.now = options.now;
    this.bucketMs = options.bucketMs ?? 60_000;
    this.randomBytes = options.randomBytes ?? nodeRandomBytes;
    this.maxRemembered = options.rememberedSources ?? 8192;
    this.current = { bucket: this.bucketOf(this.now()), key: this.randomBytes(32) };
  }

  /** A fresh id for a connect request from `address`:`port`. */
  issue(address: string, port: number): bigint {
    this.rotate();
    const source = `${address}|${port}`;
    const known = this.remembered.get(source);
    if (known !== undefined && known.bucket === this.current.bucket) return known.id;
    const id = this.mac(this.current, address, port);
    this.remember(source, this.current.bucket, id);
    return id;
  }

  /** Whether `id` was issued to `address`:`port` in this or the previous bucket. */
  verify(id: bigint, address: string, port: number): boolean {
    this.rotate();
    const source = `${address}|${port}`;
    const known = this.remembered.get(source);
    if (known !== undefined && known.id === id && this.accepts(known.bucket)) return true;
    for (const secret of [this.current, this.previous]) {
      if (secret !== undefined && this.mac(secret, address, port) === id) {
        this.remember(source, secret.bucket, id);
        return true;
      }
    }
    return false;
  }

  /** Ids of this bucket are accepted: the current one, or the previous if it is kept. */
  private accepts(bucket: number): boolean {
    return bucket === this.current.bucket || bucket === this.previous?.bucket;
  }

  private remember(source: string, bucket: number, id: bigint): void {
    if (this.remembered.size >= this.maxRemembered && !this.remembered.has(source)) this.remembered.clear();
    this.remembered.set(source, { bucket, id });
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

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
 */
import { createHmac, randomBytes as nodeRandomBytes } from 'node:crypto';

export interface ConnectionIdOptions {
  now: () => number;
  /** Length of one time bucket; ids live 1–2 buckets. Default 60 000 ms. */
  bucketMs?: number;
  /** Source of secrets (tests may pin it). Default crypto.randomBytes. */
  randomBytes?: (n: number) => Uint8Array;
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

  constructor(options: ConnectionIdOptions) {
    this.now = options.now;
    this.bucketMs = options.bucketMs ?? 60_000;
    this.randomBytes = options.randomBytes ?? nodeRandomBytes;
    this.current = { bucket: this.bucketOf(this.now()), key: this.randomBytes(32) };
  }

  /** A fresh id for a connect request from `address`:`port`. */
  issue(address: string, port: number): bigint {
    this.rotate();
    return this.mac(this.current, address, port);
  }

  /** Whether `id` was issued to `address`:`port` in this or the previous bucket. */
  verify(id: bigint, address: string, port: number): boolean {
    this.rotate();
    if (this.mac(this.current, address, port) === id) return true;
    return this.previous !== undefined && this.mac(this.previous, address, port) === id;
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

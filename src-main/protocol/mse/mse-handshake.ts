// Message Stream Encryption (MSE/PE, the "Vuze/Azureus" obfuscation spec), sans I/O: an
// initiator and a responder that take the bytes read from the socket and say what to send
// and when the handshake is done. The message order (A dials, B answers):
//
//   1 A→B  Ya (96 bytes), PadA (0–512 random bytes)
//   2 B→A  Yb, PadB
//   3 A→B  HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S),
//          ENCRYPT_A(VC, crypto_provide, len(PadC), PadC, len(IA)), ENCRYPT_A(IA)
//   4 B→A  ENCRYPT_B(VC, crypto_select, len(PadD), PadD), then the payload stream
//   5 A→B  the payload stream
//
// S is the Diffie-Hellman secret, SKEY the torrent's info-hash, VC eight zero bytes,
// ENCRYPT_A/B RC4 keyed with HASH('keyA'/'keyB', S, SKEY). Padding has no length prefix
// in steps 1–2, so each side finds its place by searching: B for HASH('req1', S) within
// the 512 + 20 bytes after Ya, A for ENCRYPT_B(VC) within the 512 + 8 bytes after Yb.
// After step 4 the payload is RC4 (keyA one way, keyB the other, continuing the same
// streams) or plaintext, as crypto_select says. IA (the initiator's first payload bytes,
// usually the BitTorrent handshake) is always RC4: the initiator sends it before it knows
// the selection.
//
// Every length is bounded before anything is buffered: a peer can make us hold at most
// the handshake's own maximum (~1.2 KiB plus a 64 KiB IA).
import { randomBytes } from 'node:crypto';
import type { Rc4 } from './rc4.ts';
import {
  generateKeyPair,
  MSE_KEY_BYTES,
  MseKeyError,
  sha1,
  sharedSecret,
  streamCipher,
  xor20,
  type MseKeyPair,
} from './mse-crypto.ts';
import { readU16, readU32, writeU16, writeU32 } from '../wire/wire-bytes.ts';

/** crypto_provide / crypto_select bits. */
export const CRYPTO_PLAINTEXT = 0x01;
export const CRYPTO_RC4 = 0x02;

export const MSE_MAX_PAD_BYTES = 512;
const VC_BYTES = 8;
const HASH_BYTES = 20;
/** Where B must have found HASH('req1', S): within PadA's maximum after Ya. */
export const MSE_REQ1_WINDOW_BYTES = MSE_MAX_PAD_BYTES + HASH_BYTES;
/** Where A must have found ENCRYPT_B(VC): within PadB's maximum after Yb. */
export const MSE_VC_WINDOW_BYTES = MSE_MAX_PAD_BYTES + VC_BYTES;

export type MseErrorCode =
  | 'bad-key' // a degenerate Diffie-Hellman public key
  | 'no-sync' // HASH('req1', S) or ENCRYPT(VC) not within its window
  | 'bad-vc' // the verification constant did not decrypt to zeros
  | 'unknown-info-hash' // no torrent of ours matches HASH('req2', SKEY)
  | 'pad-too-long' // len(PadC) or len(PadD) over 512
  | 'no-common-method' // nothing in crypto_provide that we allow
  | 'bad-select'; // crypto_select is not exactly one method we provided

export class MseError extends Error {
  override readonly name = 'MseError';
  constructor(
    readonly code: MseErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const isMseError = (err: unknown): err is MseError => err instanceof MseError;

export type MseMethod = 'rc4' | 'plaintext';

export interface MseResult {
  method: MseMethod;
  /** The torrent this connection is for (the responder learns it from the handshake). */
  infoHash: Uint8Array;
  /** Enciphers everything we send from now on; null when the payload is plaintext. */
  encrypt: Rc4 | null;
  /** Deciphers everything received from now on; null when the payload is plaintext. */
  decrypt: Rc4 | null;
  /**
   * Payload bytes that arrived with the handshake, deciphered and copied (the
   * responder's start with IA). Feed them to the wire decoder before any later read.
   */
  payload: Uint8Array;
}

/** What to write to the socket now, and the result once the handshake is over. */
export interface MseStep {
  send: Uint8Array | null;
  done: MseResult | null;
}

export interface MseCommonOptions {
  /** Key pair to use (tests); default a fresh random one. */
  keyPair?: MseKeyPair;
  /** Random source for padding (tests); default crypto.randomBytes. */
  random?: (length: number) => Uint8Array;
}

const VC = new Uint8Array(VC_BYTES);

/** Ya/Yb followed by 0–512 random bytes. */
function publicKeyWithPad(keyPair: MseKeyPair, random: (n: number) => Uint8Array): Uint8Array {
  const r = random(2);
  const padBytes = ((r[0]! << 8) | r[1]!) % (MSE_MAX_PAD_BYTES + 1);
  const out = new Uint8Array(MSE_KEY_BYTES + padBytes);
  out.set(keyPair.publicKey);
  out.set(random(padBytes), MSE_KEY_BYTES);
  return out;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number, to: number): number {
  const last = Math.min(to, haystack.length) - needle.length;
  outer: for (let at = from; at <= last; at++) {
    for (let k = 0; k < needle.length; k++) if (haystack[at + k] !== needle[k]) continue outer;
    return at;
  }
  return -1;
}

/** Grows by copying: every chunk may be a view into a reused read buffer. */
class ByteQueue {
  bytes = new Uint8Array(0);
  push(chunk: Uint8Array): void {
    const next = new Uint8Array(this.bytes.length + chunk.length);
    next.set(this.bytes);
    next.set(chunk, this.bytes.length);
    this.bytes = next;
  }
  get length(): number {
    return this.bytes.length;
  }
}

function secretFor(keyPair: MseKeyPair, remoteKey: Uint8Array): Uint8Array {
  try {
    return sharedSecret(keyPair, remoteKey);
  } catch (err) {
    if (err instanceof MseKeyError) throw new MseError('bad-key', err.message);
    throw err;
  }
}

// ------------------------------------------------------------------ initiator (A)

export interface MseInitiatorOptions extends MseCommonOptions {
  infoHash: Uint8Array;
  /** crypto_provide: CRYPTO_RC4, CRYPTO_PLAINTEXT or both. */
  provide: number;
  /** IA: payload sent inside step 3 (e.g. our BitTorrent handshake). Default none. */
  initialPayload?: Uint8Array;
}

type InitiatorState = 'key' | 'sync' | 'select' | 'pad' | 'done';

export class MseInitiator {
  private readonly keyPair: MseKeyPair;
  private readonly random: (n: number) => Uint8Array;
  private readonly input = new ByteQueue();
  private state: InitiatorState = 'key';
  /** Next unread byte of `input`. */
  private at = 0;
  private encrypt: Rc4 | null = null;
  private decrypt: Rc4 | null = null;
  private encryptedVc: Uint8Array | null = null;
  private select = 0;
  private padBytes = 0;

  constructor(private readonly options: MseInitiatorOptions) {
    if ((options.provide & (CRYPTO_RC4 | CRYPTO_PLAINTEXT)) === 0)
      throw new RangeError('crypto_provide must offer RC4 or plaintext');
    if ((options.initialPayload?.length ?? 0) > 0xffff) throw new RangeError('IA over 65535 bytes');
    this.keyPair = options.keyPair ?? generateKeyPair();
    this.random = options.random ?? ((n) => randomBytes(n));
  }

  /** Step 1: Ya and PadA. */
  start(): Uint8Array {
    return publicKeyWithPad(this.keyPair, this.random);
  }

  /** Feeds bytes read from the socket. Throws MseError on a bad handshake. */
  receive(chunk: Uint8Array): MseStep {
    if (this.state === 'done') throw new Error('MSE handshake already finished');
    this.input.push(chunk);
    let send: Uint8Array | null = null;
    const buf = this.input.bytes;
    if (this.state === 'key') {
      if (buf.length < MSE_KEY_BYTES) return { send, done: null };
      send = this.step3(buf.subarray(0, MSE_KEY_BYTES));
      this.at = MSE_KEY_BYTES;
      this.state = 'sync';
    }
    if (this.state === 'sync') {
      const found = indexOf(buf, this.encryptedVc!, MSE_KEY_BYTES, MSE_KEY_BYTES + MSE_VC_WINDOW_BYTES);
      if (found < 0) {
        if (buf.length >= MSE_KEY_BYTES + MSE_VC_WINDOW_BYTES)
          throw new MseError('no-sync', `no encrypted VC within ${MSE_VC_WINDOW_BYTES} bytes after Yb`);
        return { send, done: null };
      }
      this.at = found + VC_BYTES;
      this.state = 'select';
    }
    if (this.state === 'select') {
      if (buf.length < this.at + 6) return { send, done: null };
      const head = this.decrypt!.applyCopy(buf.subarray(this.at, this.at + 6));
      this.at += 6;
      this.select = readU32(head, 0);
      this.padBytes = readU16(head, 4);
      if (this.select !== CRYPTO_RC4 && this.select !== CRYPTO_PLAINTEXT)
        throw new MseError('bad-select', `crypto_select ${this.select} is not one method`);
      if ((this.select & this.options.provide) === 0)
        throw new MseError('bad-select', `crypto_select ${this.select} was not offered`);
      if (this.padBytes > MSE_MAX_PAD_BYTES)
        throw new MseError('pad-too-long', `PadD of ${this.padBytes} bytes (max ${MSE_MAX_PAD_BYTES})`);
      this.state = 'pad';
    }
    if (buf.length < this.at + this.padBytes) return { send, done: null };
    // PadD is enciphered: advance the stream past it.
    this.decrypt!.apply(buf.subarray(this.at, this.at + this.padBytes), new Uint8Array(this.padBytes));
    this.at += this.padBytes;
    this.state = 'done';
    const rc4 = this.select === CRYPTO_RC4;
    const rest = buf.slice(this.at);
    if (rc4) this.decrypt!.apply(rest);
    return {
      send,
      done: {
        method: rc4 ? 'rc4' : 'plaintext',
        infoHash: this.options.infoHash,
        encrypt: rc4 ? this.encrypt : null,
        decrypt: rc4 ? this.decrypt : null,
        payload: rest,
      },
    };
  }

  /** Step 3, once Yb is known; also prepares the VC we sync on. */
  private step3(remoteKey: Uint8Array): Uint8Array {
    const s = secretFor(this.keyPair, remoteKey);
    const { infoHash, provide } = this.options;
    const ia = this.options.initialPayload ?? new Uint8Array(0);
    this.encrypt = streamCipher('keyA', s, infoHash);
    this.decrypt = streamCipher('keyB', s, infoHash);
    // The responder's first enciphered bytes are VC: enciphering our own zeros with keyB gives the
    // pattern to look for, and leaves the stream positioned right after it.
    this.encryptedVc = this.decrypt.applyCopy(VC);
    const out = new Uint8Array(HASH_BYTES * 2 + VC_BYTES + 4 + 2 + 2 + ia.length);
    out.set(sha1('req1', s), 0);
    out.set(xor20(sha1('req2', infoHash), sha1('req3', s)), HASH_BYTES);
    let at = HASH_BYTES * 2;
    const plain = out.subarray(at); // VC (zeros), provide, len(PadC) = 0, len(IA), IA
    writeU32(plain, VC_BYTES, provide);
    writeU16(plain, VC_BYTES + 4, 0);
    writeU16(plain, VC_BYTES + 6, ia.length);
    plain.set(ia, VC_BYTES + 8);
    this.encrypt.apply(plain);
    at += plain.length;
    return out.subarray(0, at);
  }
}

// ------------------------------------------------------------------ responder (B)

export interface MseResponderOptions extends MseCommonOptions {
  /** The info-hash whose HASH('req2', info-hash) this is, among our torrents; else undefined. */
  findInfoHash: (req2: Uint8Array) => Uint8Array | undefined;
  /** Methods we accept (bits). */
  allow: number;
  /** When both are offered and allowed, pick plaintext (default: RC4). */
  preferPlaintext?: boolean;
}

type ResponderState = 'key' | 'sync' | 'skey' | 'provide' | 'pad' | 'ia' | 'done';

export class MseResponder {
  private readonly keyPair: MseKeyPair;
  private readonly random: (n: number) => Uint8Array;
  private readonly input = new ByteQueue();
  private state: ResponderState = 'key';
  private at = 0;
  private secret: Uint8Array | null = null;
  private req1: Uint8Array | null = null;
  private infoHash: Uint8Array | null = null;
  private decrypt: Rc4 | null = null;
  private provide = 0;
  private padBytes = 0;
  private iaBytes = 0;

  constructor(private readonly options: MseResponderOptions) {
    if ((options.allow & (CRYPTO_RC4 | CRYPTO_PLAINTEXT)) === 0)
      throw new RangeError('allow RC4 or plaintext');
    this.keyPair = options.keyPair ?? generateKeyPair();
    this.random = options.random ?? ((n) => randomBytes(n));
  }

  /** Feeds bytes read from the socket. Throws MseError on a bad handshake. */
  receive(chunk: Uint8Array): MseStep {
    if (this.state === 'done') throw new Error('MSE handshake already finished');
    this.input.push(chunk);
    const buf = this.input.bytes;
    let send: Uint8Array | null = null;
    if (this.state === 'key') {
      if (buf.length < MSE_KEY_BYTES) return { send, done: null };
      this.secret = secretFor(this.keyPair, buf.subarray(0, MSE_KEY_BYTES));
      this.req1 = sha1('req1', this.secret);
      send = publicKeyWithPad(this.keyPair, this.random);
      this.state = 'sync';
    }
    if (this.state === 'sync') {
      const found = indexOf(buf, this.req1!, MSE_KEY_BYTES, MSE_KEY_BYTES + MSE_REQ1_WINDOW_BYTES);
      if (found < 0) {
        if (buf.length >= MSE_KEY_BYTES + MSE_REQ1_WINDOW_BYTES)
          throw new MseError('no-sync', `no HASH('req1', S) within ${MSE_REQ1_WINDOW_BYTES} bytes after Ya`);
        return { send, done: null };
      }
      this.at = found + HASH_BYTES;
      this.state = 'skey';
    }
    if (this.state === 'skey') {
      if (buf.length < this.at + HASH_BYTES) return { send, done: null };
      const req2 = xor20(buf.subarray(this.at, this.at + HASH_BYTES), sha1('req3', this.secret!));
      const infoHash = this.options.findInfoHash(req2);
      if (!infoHash) throw new MseError('unknown-info-hash', 'no torrent here matches the MSE handshake');
      this.infoHash = infoHash;
      this.decrypt = streamCipher('keyA', this.secret!, infoHash);
      this.at += HASH_BYTES;
      this.state = 'provide';
    }
    if (this.state === 'provide') {
      if (buf.length < this.at + VC_BYTES + 6) return { send, done: null };
      const head = this.decrypt!.applyCopy(buf.subarray(this.at, this.at + VC_BYTES + 6));
      this.at += VC_BYTES + 6;
      for (let i = 0; i < VC_BYTES; i++)
        if (head[i] !== 0) throw new MseError('bad-vc', 'the verification constant did not decrypt to zeros');
      this.provide = readU32(head, VC_BYTES);
      this.padBytes = readU16(head, VC_BYTES + 4);
      if (this.padBytes > MSE_MAX_PAD_BYTES)
        throw new MseError('pad-too-long', `PadC of ${this.padBytes} bytes (max ${MSE_MAX_PAD_BYTES})`);
      this.state = 'pad';
    }
    if (this.state === 'pad') {
      if (buf.length < this.at + this.padBytes + 2) return { send, done: null };
      const tail = this.decrypt!.applyCopy(buf.subarray(this.at, this.at + this.padBytes + 2));
      this.at += this.padBytes + 2;
      this.iaBytes = readU16(tail, this.padBytes);
      this.state = 'ia';
    }
    if (buf.length < this.at + this.iaBytes) return { send, done: null };
    const ia = this.decrypt!.applyCopy(buf.subarray(this.at, this.at + this.iaBytes));
    this.at += this.iaBytes;
    const method = this.choose();
    const step4 = this.step4(method);
    send = send ? concat(send, step4.bytes) : step4.bytes;
    this.state = 'done';
    const rest = buf.slice(this.at);
    if (method === 'rc4') this.decrypt!.apply(rest);
    return {
      send,
      done: {
        method,
        infoHash: this.infoHash!,
        encrypt: method === 'rc4' ? step4.encrypt : null,
        decrypt: method === 'rc4' ? this.decrypt : null,
        payload: concat(ia, rest),
      },
    };
  }

  private choose(): MseMethod {
    const both = this.provide & this.options.allow;
    if (both === 0)
      throw new MseError(
        'no-common-method',
        `peer offers crypto_provide ${this.provide}, we allow ${this.options.allow}`,
      );
    if (both === (CRYPTO_RC4 | CRYPTO_PLAINTEXT)) return this.options.preferPlaintext ? 'plaintext' : 'rc4';
    return both === CRYPTO_RC4 ? 'rc4' : 'plaintext';
  }

  /** Step 4: ENCRYPT_B(VC, crypto_select, len(PadD) = 0). */
  private step4(method: MseMethod): { bytes: Uint8Array; encrypt: Rc4 } {
    const encrypt = streamCipher('keyB', this.secret!, this.infoHash!);
    const bytes = new Uint8Array(VC_BYTES + 4 + 2);
    writeU32(bytes, VC_BYTES, method === 'rc4' ? CRYPTO_RC4 : CRYPTO_PLAINTEXT);
    return { bytes: encrypt.apply(bytes), encrypt };
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

// ------------------------------------------------------------------ incoming sniffing

const PLAINTEXT_PREFIX = Uint8Array.from(Buffer.from('\x13BitTorrent protocol', 'latin1'));

/**
 * What the first bytes of an incoming connection are: a BEP 3 handshake ('plaintext',
 * after all 20 bytes of its protocol string), MSE (as soon as one byte differs), or
 * 'undecided' until enough bytes arrived. A Ya that starts with those 20 bytes has a
 * chance of 2^-160.
 */
export function sniffIncoming(firstBytes: Uint8Array): 'plaintext' | 'mse' | 'undecided' {
  const n = Math.min(firstBytes.length, PLAINTEXT_PREFIX.length);
  for (let i = 0; i < n; i++) if (firstBytes[i] !== PLAINTEXT_PREFIX[i]) return 'mse';
  return n === PLAINTEXT_PREFIX.length ? 'plaintext' : 'undecided';
}

import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src-shared/util/mulberry32.ts';
import { randomBytes as seededBytes } from '../wire/wire-test-helpers.ts';
import { generateKeyPair, req2Hash, sha1, sharedSecret, streamCipher } from './mse-crypto.ts';
import {
  CRYPTO_PLAINTEXT,
  CRYPTO_RC4,
  MseError,
  MseInitiator,
  MseResponder,
  sniffIncoming,
  type MseResult,
  type MseStep,
} from './mse-handshake.ts';

const infoHash = Uint8Array.from({ length: 20 }, (_, i) => i + 1);
const otherHash = Uint8Array.from({ length: 20 }, (_, i) => 200 - i);
const ascii = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));

function finder(...hashes: Uint8Array[]) {
  const table = new Map(hashes.map((h) => [Buffer.from(req2Hash(h)).toString('hex'), h]));
  return (req2: Uint8Array) => table.get(Buffer.from(req2).toString('hex'));
}

/** Delivers `bytes` in chunks of `chunk` and collects what the endpoint wants to send. */
function feed(
  endpoint: { receive(c: Uint8Array): MseStep },
  bytes: Uint8Array,
  chunk = bytes.length,
): { sent: Uint8Array[]; done: MseResult | null } {
  const sent: Uint8Array[] = [];
  let done: MseResult | null = null;
  for (let at = 0; at < bytes.length && !done; at += Math.max(1, chunk)) {
    const step = endpoint.receive(bytes.subarray(at, at + Math.max(1, chunk)));
    if (step.send) sent.push(step.send);
    done = step.done;
  }
  return { sent, done };
}

const join = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

interface Pair {
  a: MseResult;
  b: MseResult;
}

/** Runs both sides against each other in memory; `chunk` splits every delivery. */
function handshake(
  opts: { provide?: number; allow?: number; preferPlaintext?: boolean; ia?: Uint8Array; chunk?: number } = {},
): Pair {
  const a = new MseInitiator({
    infoHash,
    provide: opts.provide ?? CRYPTO_RC4 | CRYPTO_PLAINTEXT,
    ...(opts.ia ? { initialPayload: opts.ia } : {}),
  });
  const b = new MseResponder({
    findInfoHash: finder(otherHash, infoHash),
    allow: opts.allow ?? CRYPTO_RC4 | CRYPTO_PLAINTEXT,
    ...(opts.preferPlaintext ? { preferPlaintext: true } : {}),
  });
  const step1 = a.start();
  const toA = feed(b, step1, opts.chunk); // step 2 (B answers Ya at once)
  expect(toA.done).toBeNull();
  const atA = feed(a, join(toA.sent), opts.chunk); // A sends step 3
  expect(atA.done).toBeNull();
  const atB = feed(b, join(atA.sent), opts.chunk); // B sends step 4, done
  expect(atB.done).not.toBeNull();
  const last = feed(a, join(atB.sent), opts.chunk);
  expect(last.done).not.toBeNull();
  return { a: last.done!, b: atB.done! };
}

describe('MSE handshake', () => {
  it('agrees on RC4 when both are offered and exchanges payload both ways', () => {
    const { a, b } = handshake();
    expect([a.method, b.method]).toEqual(['rc4', 'rc4']);
    expect(b.infoHash).toEqual(infoHash);
    const msg = ascii('hello from A');
    expect(b.decrypt!.applyCopy(a.encrypt!.applyCopy(msg))).toEqual(msg);
    const reply = ascii('and back from B');
    expect(a.decrypt!.applyCopy(b.encrypt!.applyCopy(reply))).toEqual(reply);
  });

  it('delivers the initial payload (IA) to the responder, byte by byte delivery included', () => {
    const ia = ascii('\x13BitTorrent protocol and then some');
    for (const chunk of [1, 7, 10_000]) {
      const { b } = handshake({ ia, chunk });
      expect(b.payload).toEqual(ia);
    }
  });

  it('selects plaintext when only plaintext is offered, or when the responder prefers it', () => {
    expect(handshake({ provide: CRYPTO_PLAINTEXT }).b.method).toBe('plaintext');
    const both = handshake({ preferPlaintext: true });
    expect([both.a.method, both.b.method]).toEqual(['plaintext', 'plaintext']);
    expect(both.a.encrypt).toBeNull();
  });

  it('follows the spec byte layout: a hand-built initiator (req1, req2^req3, VC, provide, PadC, IA) and pipelined payload', () => {
    // Side A built from the spec text and the primitives, not from MseInitiator.
    const keysA = generateKeyPair();
    const b = new MseResponder({ findInfoHash: finder(infoHash), allow: CRYPTO_RC4 });
    const padA = new Uint8Array(333).fill(0xaa);
    const step2 = b.receive(join([keysA.publicKey, padA])).send!;
    expect(step2.length).toBeGreaterThanOrEqual(96);
    expect(step2.length).toBeLessThanOrEqual(96 + 512);
    const s = sharedSecret(keysA, step2.subarray(0, 96));
    const encA = streamCipher('keyA', s, infoHash);
    const decB = streamCipher('keyB', s, infoHash);
    const req3 = sha1('req3', s);
    const xored = req2Hash(infoHash).map((x, i) => x ^ req3[i]!);
    const ia = ascii('IA bytes');
    const padC = new Uint8Array(512); // the largest PadC allowed
    const plain = join([
      new Uint8Array(8), // VC
      Uint8Array.of(0, 0, 0, CRYPTO_RC4),
      Uint8Array.of(512 >> 8, 512 & 0xff),
      padC,
      Uint8Array.of(0, ia.length),
      ia,
    ]);
    const pipelined = ascii('first message after IA');
    const step3 = join([sha1('req1', s), xored, encA.applyCopy(plain), encA.applyCopy(pipelined)]);
    const { send: step4, done } = b.receive(step3);
    expect(done!.payload).toEqual(join([ia, pipelined]));
    const head = decB.applyCopy(step4!.subarray(0, 14));
    expect(head.subarray(0, 8)).toEqual(new Uint8Array(8)); // VC
    expect(Array.from(head.subarray(8, 12))).toEqual([0, 0, 0, CRYPTO_RC4]); // crypto_select
    const padD = (head[12]! << 8) | head[13]!;
    expect(step4!.length).toBe(14 + padD);
    // The responder's payload continues keyB right after PadD.
    decB.discard(padD);
    const fromB = done!.encrypt!.applyCopy(ascii('reply'));
    expect(decB.applyCopy(fromB)).toEqual(ascii('reply'));
  });

  it('hands the initiator payload that arrived in the same read as step 4', () => {
    const a = new MseInitiator({ infoHash, provide: CRYPTO_RC4 });
    const b = new MseResponder({ findInfoHash: finder(infoHash), allow: CRYPTO_RC4 });
    const step2 = b.receive(a.start()).send!;
    const step3 = a.receive(step2).send!;
    const { done: atB, send: step4 } = b.receive(step3);
    const answer = atB!.encrypt!.applyCopy(ascii('answer'));
    const atA = a.receive(join([step4!, answer])).done!;
    expect(atA.payload).toEqual(ascii('answer'));
  });
});

describe('MSE handshake, malformed input', () => {
  function expectMseError(fn: () => unknown, code: MseError['code']): void {
    let thrown: unknown;
    try {
      fn();
    } catch (err) {
      thrown = err;
    }
    expect(thrown, 'expected an MseError').toBeInstanceOf(MseError);
    expect((thrown as MseError).code).toBe(code);
  }

  /** A hand-built step 3 with chosen fields, against a fresh responder. */
  function step3With(fields: { vc?: Uint8Array; provide?: number; padC?: number; skey?: Uint8Array }) {
    const keysA = generateKeyPair();
    const b = new MseResponder({ findInfoHash: finder(infoHash), allow: CRYPTO_RC4 });
    const step2 = b.receive(keysA.publicKey).send!;
    const s = sharedSecret(keysA, step2.subarray(0, 96));
    const skey = fields.skey ?? infoHash;
    const encA = streamCipher('keyA', s, skey);
    const req3 = sha1('req3', s);
    const padC = fields.padC ?? 0;
    const plain = join([
      fields.vc ?? new Uint8Array(8),
      Uint8Array.of(0, 0, 0, fields.provide ?? CRYPTO_RC4),
      Uint8Array.of(padC >> 8, padC & 0xff),
      new Uint8Array(Math.min(padC, 600)),
      Uint8Array.of(0, 0),
    ]);
    const bytes = join([sha1('req1', s), req2Hash(skey).map((x, i) => x ^ req3[i]!), encA.applyCopy(plain)]);
    return () => b.receive(bytes);
  }

  it('rejects a verification constant that does not decrypt to zeros', () => {
    expectMseError(step3With({ vc: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1) }), 'bad-vc');
  });

  it('rejects PadC over 512 bytes', () => {
    expectMseError(step3With({ padC: 513 }), 'pad-too-long');
  });

  it('rejects an info-hash we do not have', () => {
    expectMseError(step3With({ skey: otherHash }), 'unknown-info-hash');
  });

  it('rejects a crypto_provide with nothing we allow', () => {
    expectMseError(step3With({ provide: CRYPTO_PLAINTEXT }), 'no-common-method');
  });

  it('gives up when HASH(req1, S) is not within 532 bytes after Ya', () => {
    const b = new MseResponder({ findInfoHash: finder(infoHash), allow: CRYPTO_RC4 });
    b.receive(generateKeyPair().publicKey);
    // 531 bytes of noise: still waiting, no error yet.
    expect(b.receive(new Uint8Array(531).fill(1)).done).toBeNull();
    expectMseError(() => b.receive(Uint8Array.of(1)), 'no-sync');
  });

  it('gives up when ENCRYPT(VC) is not within 520 bytes after Yb', () => {
    const a = new MseInitiator({ infoHash, provide: CRYPTO_RC4 });
    a.start();
    expect(a.receive(generateKeyPair().publicKey).send).not.toBeNull();
    expect(a.receive(new Uint8Array(519)).done).toBeNull();
    expectMseError(() => a.receive(new Uint8Array(1)), 'no-sync');
  });

  it('rejects a crypto_select it did not offer, and PadD over 512', () => {
    for (const [select, padD, code] of [
      [CRYPTO_PLAINTEXT, 0, 'bad-select'],
      [3, 0, 'bad-select'],
      [CRYPTO_RC4, 513, 'pad-too-long'],
    ] as const) {
      const a = new MseInitiator({ infoHash, provide: CRYPTO_RC4 });
      const keysB = generateKeyPair();
      const ya = a.start().subarray(0, 96);
      a.receive(keysB.publicKey);
      const s = sharedSecret(keysB, ya);
      const encB = streamCipher('keyB', s, infoHash);
      const step4 = encB.applyCopy(
        join([new Uint8Array(8), Uint8Array.of(0, 0, 0, select), Uint8Array.of(padD >> 8, padD & 0xff)]),
      );
      expectMseError(() => a.receive(step4), code);
    }
  });

  it('rejects a degenerate Diffie-Hellman key', () => {
    const b = new MseResponder({ findInfoHash: finder(infoHash), allow: CRYPTO_RC4 });
    expectMseError(() => b.receive(new Uint8Array(96)), 'bad-key');
  });

  it('fuzz: random bytes and mutated handshakes only ever end in MseError or waiting', () => {
    const random = mulberry32(1313);
    const keysB = generateKeyPair();
    let reachedEnd = 0;
    for (let round = 0; round < 200; round++) {
      // Same key pair each round, so a replayed step 1 + 3 is valid for this responder.
      const b = new MseResponder({ findInfoHash: finder(infoHash), allow: CRYPTO_RC4, keyPair: keysB });
      let stream: Uint8Array;
      let intact = false;
      if (round % 2 === 0) {
        stream = seededBytes(random, Math.floor(random() * 1400));
      } else {
        const a = new MseInitiator({ infoHash, provide: CRYPTO_RC4, initialPayload: ascii('ia') });
        const original = new MseResponder({
          findInfoHash: finder(infoHash),
          allow: CRYPTO_RC4,
          keyPair: keysB,
        });
        const step1 = a.start();
        stream = join([step1, a.receive(original.receive(step1).send!).send!]);
        const flips = Math.floor(random() * 3);
        for (let k = 0; k < flips; k++) {
          const at = Math.floor(random() * stream.length);
          stream[at] = stream[at]! ^ (1 + Math.floor(random() * 255));
        }
        intact = flips === 0;
      }
      const chunk = 1 + Math.floor(random() * 300);
      try {
        const { done } = feed(b, stream, chunk);
        // RC4 has no integrity: a flipped IA byte still completes, with other payload.
        if (intact) {
          expect(done!.payload).toEqual(ascii('ia'));
          reachedEnd++;
        }
      } catch (err) {
        expect(intact).toBe(false);
        expect(err).toBeInstanceOf(MseError);
      }
    }
    expect(reachedEnd).toBeGreaterThan(0);
  });
});

describe('MSE initiator, fuzz', () => {
  it('random answers to step 1 only ever end in MseError or waiting', () => {
    const random = mulberry32(2929);
    for (let round = 0; round < 100; round++) {
      const a = new MseInitiator({ infoHash, provide: CRYPTO_RC4 | CRYPTO_PLAINTEXT });
      a.start();
      const answer = seededBytes(random, Math.floor(random() * 1400));
      try {
        feed(a, answer, 1 + Math.floor(random() * 200));
      } catch (err) {
        expect(err).toBeInstanceOf(MseError);
      }
    }
  });
});

describe('sniffIncoming', () => {
  it('tells a BitTorrent handshake from MSE as early as it can', () => {
    const bt = ascii('\x13BitTorrent protocol');
    expect(sniffIncoming(bt.subarray(0, 5))).toBe('undecided');
    expect(sniffIncoming(bt)).toBe('plaintext');
    expect(sniffIncoming(Uint8Array.of(19, 66, 0))).toBe('mse');
    expect(sniffIncoming(Uint8Array.of(7))).toBe('mse');
    expect(sniffIncoming(new Uint8Array(0))).toBe('undecided');
  });
});

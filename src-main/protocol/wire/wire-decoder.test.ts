import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../protocol-error.ts';
import { encodeHandshake, makeReserved, type Handshake } from './handshake.ts';
import { encodeMessage, type WireMessage } from './messages.ts';
import { WireDecoder, type WireDecoderOptions } from './wire-decoder.ts';
import { expectProtocolError, hex, randomBytes } from './wire-test-helpers.ts';
import { mulberry32 } from '../../../src-shared/util/mulberry32.ts';

const handshake: Handshake = {
  reserved: makeReserved({ extensionProtocol: true, fastExtension: true }),
  infoHash: hex('0123456789abcdef0123456789abcdef01234567'),
  peerId: new TextEncoder().encode('-SD0100-abcdefghijkl'),
};

/**
 * Collects decoded messages. A piece block is only valid during the handler (it views a
 * reused buffer), so by default it is copied there, as the engine does; `keepViews` keeps
 * the views themselves, to check where they point.
 */
function collect(options?: WireDecoderOptions, keepViews = false) {
  const messages: WireMessage[] = [];
  const handshakes: Handshake[] = [];
  const decoder = new WireDecoder(
    {
      onHandshake: (h) => handshakes.push(h),
      onMessage: (m) =>
        messages.push(m.type === 'piece' && !keepViews ? { ...m, block: m.block.slice() } : m),
    },
    options,
  );
  return { decoder, messages, handshakes };
}

/** Copies values out so assertions compare content, not views. */
const plain = (m: WireMessage) =>
  Object.fromEntries(
    Object.entries(m).map(([k, v]) => [k, v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v]),
  );

function randomMessage(random: () => number): WireMessage {
  const u32 = () => Math.floor(random() * 0x100000000);
  const types: WireMessage['type'][] = [
    'keep-alive',
    'choke',
    'unchoke',
    'interested',
    'not-interested',
    'have',
    'bitfield',
    'request',
    'piece',
    'cancel',
    'port',
    'suggest',
    'have-all',
    'have-none',
    'reject',
    'allowed-fast',
    'extended',
  ];
  const type = types[Math.floor(random() * types.length)]!;
  switch (type) {
    case 'have':
    case 'suggest':
    case 'allowed-fast':
      return { type, index: u32() };
    case 'bitfield':
      return { type, bytes: randomBytes(random, 1 + Math.floor(random() * 300)) };
    case 'request':
    case 'cancel':
    case 'reject':
      return { type, index: u32(), begin: u32(), length: u32() };
    case 'piece':
      return { type, index: u32(), begin: u32(), block: randomBytes(random, Math.floor(random() * 16385)) };
    case 'port':
      return { type, port: Math.floor(random() * 65536) };
    case 'extended':
      return {
        type,
        extId: Math.floor(random() * 256),
        payload: randomBytes(random, Math.floor(random() * 200)),
      };
    default:
      return { type } as WireMessage;
  }
}

function splitRandomly(bytes: Uint8Array, random: () => number, maxChunk: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = 0; o < bytes.length;) {
    const n = 1 + Math.floor(random() * maxChunk);
    out.push(bytes.slice(o, o + n)); // a fresh buffer per chunk, like socket reads
    o += n;
  }
  return out;
}

describe('WireDecoder', () => {
  it('decodes a handshake then messages fed one byte at a time', () => {
    const { decoder, messages, handshakes } = collect();
    const msgs: WireMessage[] = [
      { type: 'interested' },
      { type: 'keep-alive' },
      { type: 'have', index: 5 },
      { type: 'piece', index: 1, begin: 2, block: hex('0102') },
    ];
    const bytes = Buffer.concat([encodeHandshake(handshake), ...msgs.map(encodeMessage)]);
    for (const b of bytes) decoder.push(Uint8Array.of(b));
    expect(handshakes).toEqual([handshake]);
    expect(messages.map(plain)).toEqual(msgs.map(plain));
    expect(decoder.partialBytes).toBe(0);
  });

  it('property: random messages in random splits come back identical', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = mulberry32(seed);
      const msgs = Array.from({ length: 60 }, () => randomMessage(random));
      const bytes = Buffer.concat([encodeHandshake(handshake), ...msgs.map(encodeMessage)]);
      const { decoder, messages } = collect();
      const maxChunk = [1, 7, 100, 20000, 70000][seed % 5]!;
      for (const chunk of splitRandomly(bytes, random, maxChunk)) decoder.push(chunk);
      expect(messages.map(plain), `seed ${seed}`).toEqual(msgs.map(plain));
    }
  });

  it('hands out a piece block as a view of the chunk when it fits (no copy)', () => {
    const { decoder, messages } = collect({ handshake: false }, true);
    const block = new Uint8Array(16384).fill(9);
    const chunk = Buffer.concat([
      encodeMessage({ type: 'piece', index: 0, begin: 0, block }),
      encodeMessage({ type: 'piece', index: 0, begin: 16384, block }),
    ]);
    decoder.push(chunk);
    expect(messages).toHaveLength(2);
    for (const m of messages) {
      if (m.type !== 'piece') throw new Error('expected piece');
      expect(m.block.buffer).toBe(chunk.buffer);
      expect(m.block.length).toBe(16384);
    }
  });

  it('assembles a piece straddling chunks once', () => {
    const { decoder, messages } = collect({ handshake: false });
    const block = randomBytes(mulberry32(3), 16384);
    const bytes = encodeMessage({ type: 'piece', index: 4, begin: 0, block });
    decoder.push(bytes.slice(0, 3));
    decoder.push(bytes.slice(3, 9000));
    expect(decoder.partialBytes).toBeGreaterThan(0);
    decoder.push(bytes.slice(9000));
    const m = messages[0];
    expect(m?.type === 'piece' && Buffer.from(m.block).equals(Buffer.from(block))).toBe(true);
  });

  it('assembles straddling pieces in one reused buffer, other messages in their own', () => {
    const { decoder, messages } = collect({ handshake: false }, true);
    const random = mulberry32(5);
    const blocks = [randomBytes(random, 16384), randomBytes(random, 16384)];
    const bitfield = randomBytes(random, 300);
    const seen: string[] = [];
    const bytes = Buffer.concat([
      encodeMessage({ type: 'piece', index: 1, begin: 0, block: blocks[0]! }),
      encodeMessage({ type: 'bitfield', bytes: bitfield }),
      encodeMessage({ type: 'piece', index: 1, begin: 16384, block: blocks[1]! }),
    ]);
    // Chunks of 100 bytes: every message straddles. Check each block while it is current.
    for (let o = 0; o < bytes.length; o += 100) {
      const before = messages.length;
      decoder.push(bytes.subarray(o, o + 100));
      for (const m of messages.slice(before))
        if (m.type === 'piece') seen.push(Buffer.from(m.block).toString('hex'));
    }
    expect(seen).toEqual(blocks.map((b) => Buffer.from(b).toString('hex')));
    const [first, bits, second] = messages;
    if (first?.type !== 'piece' || second?.type !== 'piece' || bits?.type !== 'bitfield')
      throw new Error('order');
    expect(second.block.buffer).toBe(first.block.buffer); // reused, not reallocated
    expect(bits.bytes.buffer).not.toBe(first.block.buffer);
    expect(Buffer.from(bits.bytes).equals(Buffer.from(bitfield))).toBe(true); // kept intact
  });

  it('pauses after the handshake and holds later bytes until resumed', () => {
    const messages: WireMessage[] = [];
    const decoder: WireDecoder = new WireDecoder({
      onHandshake: () => decoder.pause(),
      onMessage: (m) => messages.push(m),
    });
    decoder.push(Buffer.concat([encodeHandshake(handshake), encodeMessage({ type: 'unchoke' })]));
    decoder.push(encodeMessage({ type: 'have', index: 1 }));
    expect(messages).toEqual([]);
    decoder.resume();
    expect(messages).toEqual([{ type: 'unchoke' }, { type: 'have', index: 1 }]);
  });

  it('honours a configured max block size', () => {
    const { decoder, messages } = collect({ handshake: false, maxBlockBytes: 32768 });
    decoder.push(encodeMessage({ type: 'piece', index: 0, begin: 0, block: new Uint8Array(32768) }));
    expect(messages).toHaveLength(1);
    expectProtocolError(
      () =>
        collect({ handshake: false }).decoder.push(
          encodeMessage({ type: 'piece', index: 0, begin: 0, block: new Uint8Array(16385) }),
        ),
      'too-large',
    );
  });

  it.each([
    ['oversized length prefix', '7fffffff05', 'too-large'],
    ['oversized extended', '0100000014', 'too-large'],
    ['have of wrong size', '0000000604000000000000', 'bad-value'],
    ['unknown id', '00000001ff', 'unknown-message'],
    ['short piece', '000000030700', 'truncated'],
  ])('rejects %s, before allocating, even split', (_name, bytes, code) => {
    expectProtocolError(
      () => collect({ handshake: false }).decoder.push(hex(bytes as string)),
      code as never,
    );
    const { decoder } = collect({ handshake: false });
    expectProtocolError(() => {
      for (const b of hex(bytes as string)) decoder.push(Uint8Array.of(b));
    }, code as never);
  });

  it('rejects a wrong protocol string at its first bad byte', () => {
    const { decoder } = collect();
    expectProtocolError(() => decoder.push(new TextEncoder().encode('GET')), 'bad-value');
    const d2 = collect().decoder;
    d2.push(Uint8Array.of(19));
    expectProtocolError(() => d2.push(new TextEncoder().encode('BitTorrent protocoX')), 'bad-value');
  });

  it('stays failed after an error', () => {
    const { decoder } = collect({ handshake: false });
    expectProtocolError(() => decoder.push(hex('00000001ff')), 'unknown-message');
    expectProtocolError(() => decoder.push(hex('0000000100')), 'unknown-message');
  });

  it('rejects fast-extension messages once the extension is switched off', () => {
    const { decoder } = collect({ handshake: false });
    decoder.setFastExtension(false);
    expectProtocolError(() => decoder.push(hex('000000010e')), 'unknown-message');
  });

  it('fuzz: random input only ever throws ProtocolError', () => {
    const random = mulberry32(42);
    let errors = 0;
    for (let i = 0; i < 5000; i++) {
      const withHandshake = random() < 0.2;
      const { decoder } = collect({ handshake: withHandshake });
      let bytes = randomBytes(random, Math.floor(random() * 64));
      // Bias toward plausible prefixes so the fuzz reaches past the first checks.
      if (!withHandshake && random() < 0.7)
        bytes = Buffer.concat([
          hex('000000'),
          Uint8Array.of(Math.floor(random() * 40)),
          Uint8Array.of(Math.floor(random() * 22)),
          bytes,
        ]);
      if (withHandshake && random() < 0.7)
        bytes = Buffer.concat([encodeHandshake(handshake).subarray(0, Math.floor(random() * 69)), bytes]);
      try {
        for (const chunk of splitRandomly(bytes, random, 16)) decoder.push(chunk);
      } catch (err) {
        expect(err).toBeInstanceOf(ProtocolError);
        errors++;
      }
    }
    expect(errors).toBeGreaterThan(100);
  });
});

describe('WireDecoder skipUnknownMessages', () => {
  /** <len><id><payload> for an id no specification we implement defines. */
  const unknown = (id: number, payload: Uint8Array) => {
    const out = new Uint8Array(5 + payload.length);
    new DataView(out.buffer).setUint32(0, 1 + payload.length);
    out[4] = id;
    out.set(payload, 5);
    return out;
  };
  const stream = () =>
    Buffer.concat([
      encodeMessage({ type: 'interested' }),
      unknown(0x0c, Uint8Array.of(1, 2, 3)),
      unknown(0xff, new Uint8Array(3000).fill(7)),
      encodeMessage({ type: 'have', index: 5 }),
    ]);

  it('skips unknown ids and keeps decoding, whole or split byte by byte', () => {
    for (const split of [false, true]) {
      const { decoder, messages } = collect({ handshake: false, skipUnknownMessages: true });
      const bytes = stream();
      if (split) for (const b of bytes) decoder.push(Uint8Array.of(b));
      else decoder.push(bytes);
      expect(messages).toEqual([{ type: 'interested' }, { type: 'have', index: 5 }]);
      expect(decoder.skippedMessages).toBe(2);
    }
  });

  it('still throws for an unknown id without the option, and past the bound with it', () => {
    expectProtocolError(() => collect({ handshake: false }).decoder.push(stream()), 'unknown-message');
    const bounded = collect({ handshake: false, skipUnknownMessages: true, maxExtendedBytes: 100 });
    expectProtocolError(() => bounded.decoder.push(unknown(0x30, new Uint8Array(101))), 'too-large');
  });

  it('still throws for a BEP 6 message when the fast extension is off (BEP 6: close)', () => {
    const { decoder } = collect({ handshake: false, skipUnknownMessages: true, fastExtension: false });
    expectProtocolError(() => decoder.push(encodeMessage({ type: 'have-all' })), 'unknown-message');
  });
});

import { describe, expect, it } from 'vitest';
import { isProtocolError } from '../protocol-error.ts';
import {
  decodeUtpHeader,
  decodeUtpPacket,
  encodeUtpPacket,
  looksLikeUtp,
  UTP_ST_DATA,
  UTP_ST_FIN,
  UTP_ST_RESET,
  UTP_ST_STATE,
  UTP_ST_SYN,
  type UtpPacket,
} from './utp-header.ts';

const packet = (over: Partial<UtpPacket> = {}): UtpPacket => ({
  type: UTP_ST_DATA,
  connectionId: 0xbeef,
  timestampUs: 0xfedcba98,
  timestampDiffUs: 12345,
  windowBytes: 1 << 20,
  seqNr: 0xffff,
  ackNr: 7,
  sack: null,
  payload: Uint8Array.of(1, 2, 3),
  ...over,
});

const codeOf = (bytes: Uint8Array): string => {
  try {
    decodeUtpHeader(bytes);
  } catch (err) {
    if (isProtocolError(err)) return err.code;
    throw err;
  }
  return 'accepted';
};

describe('uTP header codec', () => {
  it.each([UTP_ST_DATA, UTP_ST_FIN, UTP_ST_STATE, UTP_ST_RESET, UTP_ST_SYN] as const)(
    'round-trips packet type %i with every field at its edge',
    (type) => {
      const p = packet({ type, payload: type === UTP_ST_DATA ? Uint8Array.of(9, 8) : new Uint8Array(0) });
      expect(decodeUtpPacket(encodeUtpPacket(p))).toEqual(p);
    },
  );

  it('writes the header exactly as BEP 29 lays it out', () => {
    const bytes = encodeUtpPacket(packet({ type: UTP_ST_SYN, payload: new Uint8Array(0) }));
    expect(Buffer.from(bytes).toString('hex')).toBe(
      '41' + '00' + 'beef' + 'fedcba98' + '00003039' + '00100000' + 'ffff' + '0007',
    );
  });

  it('round-trips a selective ack and puts the payload after it', () => {
    const sack = Uint8Array.of(0b101, 0, 0, 0x80);
    const p = packet({ type: UTP_ST_STATE, sack, payload: new Uint8Array(0) });
    const bytes = encodeUtpPacket(p);
    expect(bytes.length).toBe(20 + 2 + 4);
    expect(bytes[1]).toBe(1);
    const h = decodeUtpHeader(bytes);
    expect([h.sackOffset, h.sackLength, h.payloadOffset]).toEqual([22, 4, 26]);
    expect(decodeUtpPacket(encodeUtpPacket(packet({ sack }))).sack).toEqual(sack);
  });

  it('skips unknown extensions and finds the selective ack behind one', () => {
    // extension 2 (extension bits, 8 bytes) then extension 1 (4 bytes), then payload 0xaa
    const head = encodeUtpPacket(packet({ payload: new Uint8Array(0) }));
    head[1] = 2;
    const bytes = Uint8Array.from([...head, 1, 8, ...new Array(8).fill(0xff), 0, 4, 1, 0, 0, 0, 0xaa]);
    const p = decodeUtpPacket(bytes);
    expect(p.sack).toEqual(Uint8Array.of(1, 0, 0, 0));
    expect(p.payload).toEqual(Uint8Array.of(0xaa));
  });

  it('reuses the header object it is given', () => {
    const out = decodeUtpHeader(encodeUtpPacket(packet({ sack: Uint8Array.of(1, 2, 3, 4) })));
    const again = decodeUtpHeader(encodeUtpPacket(packet()), out);
    expect(again).toBe(out);
    expect(again.sackOffset).toBe(-1);
  });

  describe('malformed input is a ProtocolError with a code', () => {
    const good = encodeUtpPacket(packet({ payload: new Uint8Array(0) }));
    const withByte = (i: number, v: number) => {
      const b = good.slice();
      b[i] = v;
      return b;
    };
    it('a datagram shorter than the header is truncated', () => {
      expect(codeOf(good.subarray(0, 19))).toBe('truncated');
      expect(codeOf(new Uint8Array(0))).toBe('truncated');
    });
    it('version 2 is refused', () => expect(codeOf(withByte(0, 0x02))).toBe('bad-value'));
    it('type 5 is an unknown message', () => expect(codeOf(withByte(0, 0x51))).toBe('unknown-message'));
    it('an extension whose header is cut off is truncated', () =>
      expect(codeOf(withByte(1, 1))).toBe('truncated'));
    it('an extension longer than the datagram is truncated', () => {
      expect(codeOf(Uint8Array.from([...withByte(1, 1), 0, 8, 1, 2, 3, 4]))).toBe('truncated');
    });
    it('a selective ack of 3 bytes is refused', () => {
      expect(codeOf(Uint8Array.from([...withByte(1, 1), 0, 3, 1, 2, 3]))).toBe('bad-value');
    });
    it('a selective ack of 0 bytes is refused', () => {
      expect(codeOf(Uint8Array.from([...withByte(1, 1), 0, 0]))).toBe('bad-value');
    });
  });

  it('looksLikeUtp routes on type and version only', () => {
    const good = encodeUtpPacket(packet({ type: UTP_ST_SYN, payload: new Uint8Array(0) }));
    expect(looksLikeUtp(good)).toBe(true);
    expect(looksLikeUtp(good.subarray(0, 19))).toBe(false);
    expect(looksLikeUtp(Uint8Array.from([0x64, ...good.subarray(1)]))).toBe(false); // 'd': a DHT message
    expect(looksLikeUtp(Uint8Array.from([0x51, ...good.subarray(1)]))).toBe(false);
  });
});

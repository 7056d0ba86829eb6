import { describe, expect, it } from 'vitest';
import { bencode } from '../bencode.ts';
import {
  decodeUtMetadata,
  encodeUtMetadata,
  metadataPieceCount,
  metadataPieceLength,
} from './ut-metadata.ts';
import { ascii, expectProtocolError } from './wire-test-helpers.ts';

const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

describe('ut_metadata (BEP 9)', () => {
  it('matches the BEP 9 example bytes', () => {
    expect(latin1(encodeUtMetadata({ type: 'request', piece: 0 }))).toBe('d8:msg_typei0e5:piecei0ee');
    expect(latin1(encodeUtMetadata({ type: 'reject', piece: 0 }))).toBe('d8:msg_typei2e5:piecei0ee');
    const data = encodeUtMetadata({ type: 'data', piece: 0, totalSizeBytes: 3, data: ascii('xyz') });
    expect(latin1(data)).toBe('d8:msg_typei1e5:piecei0e10:total_sizei3eexyz');
  });

  it('round-trips request, reject and a full data piece', () => {
    expect(decodeUtMetadata(encodeUtMetadata({ type: 'request', piece: 3 }))).toEqual({
      type: 'request',
      piece: 3,
    });
    expect(decodeUtMetadata(encodeUtMetadata({ type: 'reject', piece: 1 }))).toEqual({
      type: 'reject',
      piece: 1,
    });
    const total = 16384 * 2 + 100;
    const block = new Uint8Array(16384).fill(0x65); // 'e' bytes must not confuse the dict parser
    const msg = decodeUtMetadata(
      encodeUtMetadata({ type: 'data', piece: 1, totalSizeBytes: total, data: block }),
    );
    expect(msg).toEqual({ type: 'data', piece: 1, totalSizeBytes: total, data: block });
    const last = decodeUtMetadata(
      encodeUtMetadata({ type: 'data', piece: 2, totalSizeBytes: total, data: new Uint8Array(100) }),
    );
    expect(last.type === 'data' && last.data.length).toBe(100);
  });

  it('computes piece counts and lengths', () => {
    expect(metadataPieceCount(16384)).toBe(1);
    expect(metadataPieceCount(16385)).toBe(2);
    expect(metadataPieceLength(1, 16385)).toBe(1);
  });

  const data = (piece: number, total: number, len: number) =>
    Buffer.concat([bencode({ msg_type: 1, piece, total_size: total }), new Uint8Array(len)]);

  it.each([
    ['unknown msg_type', bencode({ msg_type: 7, piece: 0 }), 'unknown-message'],
    ['missing piece', bencode({ msg_type: 0 }), 'bad-type'],
    ['negative piece', bencode({ msg_type: 0, piece: -1 }), 'bad-value'],
    ['piece past the bound', bencode({ msg_type: 0, piece: 5000 }), 'bad-value'],
    ['data piece too short', data(0, 20000, 100), 'truncated'],
    ['data piece too long', data(0, 10, 11), 'too-large'],
    ['data past the end', data(2, 20000, 100), 'bad-value'],
    ['total_size huge', data(0, 1e9, 16384), 'too-large'],
    [
      'data without total_size',
      Buffer.concat([bencode({ msg_type: 1, piece: 0 }), new Uint8Array(3)]),
      'bad-type',
    ],
    [
      'request with trailing data',
      Buffer.concat([bencode({ msg_type: 0, piece: 0 }), new Uint8Array(3)]),
      'bad-value',
    ],
    ['not a dict', ascii('i5e'), 'bad-type'],
    ['empty', new Uint8Array(0), 'truncated'],
    ['dict bigger than the bound', ascii(`d8:msg_typei0e1:x2000:${'a'.repeat(2000)}e`), 'too-large'],
  ])('rejects %s', (_name, bytes, code) => {
    expectProtocolError(() => decodeUtMetadata(bytes as Uint8Array), code as never);
  });
});

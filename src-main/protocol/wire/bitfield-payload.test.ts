import { describe, expect, it } from 'vitest';
import { decodeBitfieldPayload } from './bitfield-payload.ts';
import { expectProtocolError } from './wire-test-helpers.ts';

describe('bitfield payload', () => {
  it('reads pieces in BEP 3 bit order and copies the bytes', () => {
    const bytes = Uint8Array.of(0b1010_0000, 0b1000_0000);
    const field = decodeBitfieldPayload(bytes, 9);
    expect([0, 1, 2, 8].map((i) => field.get(i))).toEqual([true, false, true, true]);
    bytes[0] = 0;
    expect(field.get(0)).toBe(true);
  });

  it('rejects wrong lengths and set spare bits', () => {
    expectProtocolError(() => decodeBitfieldPayload(new Uint8Array(1), 9), 'truncated');
    expectProtocolError(() => decodeBitfieldPayload(new Uint8Array(3), 9), 'too-large');
    expectProtocolError(() => decodeBitfieldPayload(Uint8Array.of(0, 0b0100_0000), 9), 'bad-value');
  });
});

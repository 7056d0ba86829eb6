import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../protocol/protocol-error.ts';
import { choosePieceLength, validatePieceLength } from './choose-piece-length.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

describe('choosePieceLength', () => {
  it.each([
    [1, 16 * KiB],
    [2000 * 16 * KiB, 16 * KiB],
    [2000 * 16 * KiB + 1, 32 * KiB],
    [700 * MiB, 512 * KiB],
    [GiB, 1 * MiB],
    [4 * GiB, 4 * MiB],
    [1024 * GiB, 16 * MiB],
  ])('%d bytes → %d', (total, expected) => {
    expect(choosePieceLength(total)).toBe(expected);
  });

  it('lands between 1000 and 2000 pieces when not clamped', () => {
    for (let total = 40 * MiB; total < 30 * GiB; total = Math.floor(total * 1.37)) {
      const pieces = Math.ceil(total / choosePieceLength(total));
      expect(pieces).toBeGreaterThan(1000);
      expect(pieces).toBeLessThanOrEqual(2000);
    }
  });
});

describe('validatePieceLength', () => {
  it('accepts powers of two from 16 KiB to 64 MiB', () => {
    expect(validatePieceLength(16 * KiB)).toBe(16 * KiB);
    expect(validatePieceLength(64 * MiB)).toBe(64 * MiB);
  });
  it.each([0, 8 * KiB, 20_000, 128 * MiB, 1.5, Number.NaN])('refuses %d', (n) => {
    expect(() => validatePieceLength(n)).toThrow(ProtocolError);
  });
});

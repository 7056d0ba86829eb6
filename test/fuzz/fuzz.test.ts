// The short seeded fuzz pass of the normal test run: every decoder, a few thousand inputs
// each, plus a replay of every stored corpus file (seeds and past crashers). The full run
// (≥ 1 M inputs per decoder, both cores) is `npm run fuzz`; it writes docs/FUZZING.md.
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src-main/protocol/protocol-error.ts';
import { corpusFiles, corpusOf } from './corpus.ts';
import { checkInput, emptyStats, runRange, type FuzzStats } from './fuzz-engine.ts';
import { TARGETS, type FuzzTarget } from './targets.ts';

const INPUTS_PER_TARGET = 3000;
const SEED = 20261207;

const summary = (s: FuzzStats) =>
  s.failures.map((f) => `${f.kind} #${f.index}: ${f.detail} [${f.inputBase64 ?? ''}]`);

describe('fuzz: short seeded pass per decoder', () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))('%s', (_name, target) => {
    const stats = emptyStats();
    runRange(target, corpusOf(target), SEED, 0, INPUTS_PER_TARGET, stats, new Set());
    expect(summary(stats)).toEqual([]);
    // Both outcomes must occur, or the mutations are not reaching the decoder's logic.
    expect(stats.accepted).toBeGreaterThan(0);
    expect(stats.inputs - stats.accepted).toBeGreaterThan(INPUTS_PER_TARGET / 10);
    if (target.encode) expect(stats.roundTrips).toBeGreaterThan(0);
  });
});

describe('fuzz: stored corpus replays clean', () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))('%s', (_name, target) => {
    const files = corpusFiles(target);
    expect(files.length).toBeGreaterThan(0);
    const stats = emptyStats();
    for (const { file, bytes } of files) {
      const before = stats.failures.length;
      checkInput(target, bytes, -1, stats, new Set());
      for (const f of stats.failures.slice(before)) f.detail = `${file}: ${f.detail}`;
    }
    expect(summary(stats)).toEqual([]);
  });
});

// The checks themselves must be able to fail: a decoder that breaks each rule is caught.
describe('fuzz: the checks catch a broken decoder', () => {
  const broken = (decode: (b: Uint8Array) => unknown, extra: Partial<FuzzTarget> = {}): FuzzTarget => ({
    name: 'broken',
    what: 'a decoder that breaks a rule',
    errors: 'ProtocolError',
    decode,
    codecError: (err) =>
      err instanceof ProtocolError ? { name: 'ProtocolError', code: err.code } : undefined,
    seeds: () => [Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)],
    ...extra,
  });
  const kindsFor = (target: FuzzTarget, input = Uint8Array.of(1, 2, 3, 4)) => {
    const stats = emptyStats();
    checkInput(target, input, 0, stats, new Set());
    return stats.failures.map((f) => f.kind);
  };

  it('a TypeError escaping is a foreign-error', () => {
    expect(kindsFor(broken(() => (undefined as unknown as { x: number }).x))).toEqual(['foreign-error']);
  });

  it('a ProtocolError is fine', () => {
    expect(
      kindsFor(
        broken(() => {
          throw new ProtocolError('truncated', 'short');
        }),
      ),
    ).toEqual([]);
  });

  it('an input that takes over 100 ms every time is slow', () => {
    const spin = () => {
      const until = performance.now() + 120;
      while (performance.now() < until);
      return 1;
    };
    expect(kindsFor(broken(spin))).toEqual(['slow']);
  });

  it('allocating by a declared length instead of the bytes present is amplification', () => {
    expect(kindsFor(broken((b) => new Uint8Array(b[0]! * 1024 * 1024)))).toEqual(['amplification']);
  });

  it('an encoder that does not invert the decoder fails the round trip', () => {
    const target = broken((b) => ({ first: b[0] }), {
      encode: ((v: { first: number }) => Uint8Array.of(v.first + 1)) as never,
    });
    expect(kindsFor(target)).toEqual(['round-trip']);
  });
});

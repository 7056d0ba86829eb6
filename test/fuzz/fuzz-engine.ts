// Runs fuzz inputs through one target and checks, for every input:
// 1. only the decoder's own typed error escapes (anything else is a crash);
// 2. no input takes more than SLOW_INPUT_MS: an input over it is re-run twice and its
//    fastest run counts, so a GC pause or a busy machine is not a finding. The reported
//    slowest time is measured the same way on the SLOW_CANDIDATES inputs whose first run
//    was slowest (confirmSlowest), so it is the decoder's time, not the scheduler's;
// 3. the decoded value retains at most AMPLIFICATION × input bytes + SLACK (measured by
//    walking it, see retainedBytes), and the heap plus ArrayBuffers sampled every
//    MEMORY_SAMPLE_EVERY inputs never grow more than MEMORY_GROWTH_LIMIT: a decoder that
//    allocates by a length field instead of by the bytes present fails one or the other;
// 4. round trip, where the codec has an encoder: an accepted input's value re-encodes to
//    bytes that decode to the same value; a generated value decodes back to itself.
// Input `i` of a run with seed `s` is derived from (s, i) alone, so any input replays.
import { createHash } from 'node:crypto';
import { mixSeed, mulberry32, randomInt, randomPick } from '../../src-shared/util/seeded-random.ts';
import { mutate } from './mutate.ts';
import type { FuzzTarget } from './targets.ts';

export const SLOW_INPUT_MS = 100;
/** How many of the slowest-looking inputs are re-timed for the reported slowest time. */
const SLOW_CANDIDATES = 8;
export const AMPLIFICATION = 32;
export const AMPLIFICATION_SLACK_BYTES = 4096;
export const MEMORY_SAMPLE_EVERY = 1024;
export const MEMORY_GROWTH_LIMIT = 256 * 1024 * 1024;
/** Stored with a crash only up to this size (the seed and index replay the rest). */
const MAX_STORED_INPUT_BYTES = 64 * 1024;

export type FailureKind = 'foreign-error' | 'slow' | 'amplification' | 'memory' | 'round-trip';

export interface Failure {
  target: string;
  kind: FailureKind;
  /** Input index in the run (-1 for a corpus file). */
  index: number;
  detail: string;
  inputBase64?: string;
}

export interface FuzzStats {
  inputs: number;
  accepted: number;
  /** `Name:code` → how many inputs ended with that error. */
  errorCodes: Record<string, number>;
  /** Distinct error messages with numbers blanked (how many different ways inputs failed). */
  distinctMessages: number;
  roundTrips: number;
  /** Fastest of three runs of the slowest-looking inputs (set by confirmSlowest). */
  slowestMs: number;
  /** The inputs whose first run was slowest, kept to be re-timed. */
  slowCandidates: { ms: number; input: Uint8Array }[];
  largestRatio: number;
  peakMemoryGrowthBytes: number;
  failures: Failure[];
}

export const emptyStats = (): FuzzStats => ({
  inputs: 0,
  accepted: 0,
  errorCodes: {},
  distinctMessages: 0,
  roundTrips: 0,
  slowestMs: 0,
  slowCandidates: [],
  largestRatio: 0,
  peakMemoryGrowthBytes: 0,
  failures: [],
});

/** The input with index `index` of run `seed`: a mutated seed, a generated value or noise. */
export function fuzzInput(
  target: FuzzTarget,
  corpus: readonly Uint8Array[],
  seed: number,
  index: number,
): Uint8Array {
  const rnd = mulberry32(mixSeed(seed, index));
  const roll = rnd();
  if (roll < 0.03) return Uint8Array.from({ length: randomInt(rnd, 96) }, () => randomInt(rnd, 256));
  if (roll < 0.08 && target.generate && target.encode) {
    return (target.encode as (v: unknown) => Uint8Array)(target.generate(rnd));
  }
  const base = randomPick(rnd, corpus);
  return mutate(base, { rnd, corpus });
}

/** Runs inputs [from, to) of run `seed` and folds the results into `stats`. */
export function runRange(
  target: FuzzTarget,
  corpus: readonly Uint8Array[],
  seed: number,
  from: number,
  to: number,
  stats: FuzzStats,
  messages: Set<string>,
  onProgress?: (done: number) => void,
): void {
  const baseline = memoryInUse();
  for (let i = from; i < to; i++) {
    checkInput(target, fuzzInput(target, corpus, seed, i), i, stats, messages);
    if (target.generate && target.encode && i % 16 === 0) checkGenerated(target, seed, i, stats);
    if ((i - from) % MEMORY_SAMPLE_EVERY === MEMORY_SAMPLE_EVERY - 1) {
      const growth = memoryInUse() - baseline;
      stats.peakMemoryGrowthBytes = Math.max(stats.peakMemoryGrowthBytes, growth);
      if (growth > MEMORY_GROWTH_LIMIT) {
        stats.failures.push({
          target: target.name,
          kind: 'memory',
          index: i,
          detail: `heap + ArrayBuffers grew ${Math.round(growth / 2 ** 20)} MiB by input ${i}`,
        });
      }
      onProgress?.(i + 1 - from);
    }
  }
  stats.distinctMessages = messages.size;
}

function memoryInUse(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

type Outcome = { accepted: true; value: unknown } | { accepted: false };

/** Decodes once, classifying the outcome; records foreign errors. */
function decodeOnce(
  target: FuzzTarget,
  input: Uint8Array,
  index: number,
  stats: FuzzStats,
  messages: Set<string> | undefined,
): Outcome {
  try {
    return { accepted: true, value: target.decode(input) };
  } catch (err) {
    const codec = target.codecError(err);
    if (!codec) {
      stats.failures.push(failure(target, 'foreign-error', index, describe(err), input));
      return { accepted: false };
    }
    if (messages) {
      const key = `${codec.name}:${codec.code}`;
      stats.errorCodes[key] = (stats.errorCodes[key] ?? 0) + 1;
      messages.add(`${key} ${(err as Error).message.replace(/\d+/g, 'N').slice(0, 120)}`);
    }
    return { accepted: false };
  }
}

/** Every check on one input; exported so corpus files replay through the same checks. */
export function checkInput(
  target: FuzzTarget,
  input: Uint8Array,
  index: number,
  stats: FuzzStats,
  messages: Set<string>,
): void {
  stats.inputs++;
  const started = performance.now();
  const outcome = decodeOnce(target, input, index, stats, messages);
  const ms = performance.now() - started;
  if (ms > SLOW_INPUT_MS) {
    const fastest = fastestOfThree(target, input, ms);
    if (fastest > SLOW_INPUT_MS) {
      stats.failures.push(failure(target, 'slow', index, `${fastest.toFixed(1)} ms on every run`, input));
    }
  }
  noteSlowCandidate(stats, ms, input);
  if (!outcome.accepted) return;
  stats.accepted++;
  const retained = retainedBytes(outcome.value, input);
  stats.largestRatio = Math.max(stats.largestRatio, retained / Math.max(1, input.length));
  if (retained > AMPLIFICATION * input.length + AMPLIFICATION_SLACK_BYTES) {
    stats.failures.push(
      failure(
        target,
        'amplification',
        index,
        `${input.length} input bytes decoded to ~${retained} bytes`,
        input,
      ),
    );
  }
  if (target.encode) checkRoundTrip(target, outcome.value, input, index, stats);
}

function fastestOfThree(target: FuzzTarget, input: Uint8Array, firstMs: number): number {
  let fastest = firstMs;
  for (let run = 0; run < 2; run++) {
    const started = performance.now();
    decodeOnce(target, input, -1, emptyStats(), undefined);
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}

function noteSlowCandidate(stats: FuzzStats, ms: number, input: Uint8Array): void {
  const list = stats.slowCandidates;
  if (list.length >= SLOW_CANDIDATES && ms <= list[list.length - 1]!.ms) return;
  list.push({ ms, input: input.slice() });
  list.sort((a, b) => b.ms - a.ms);
  if (list.length > SLOW_CANDIDATES) list.length = SLOW_CANDIDATES;
}

/** Re-times the slowest-looking inputs (fastest of three runs) into `stats.slowestMs`. */
export function confirmSlowest(target: FuzzTarget, stats: FuzzStats): void {
  for (const c of stats.slowCandidates) {
    stats.slowestMs = Math.max(stats.slowestMs, fastestOfThree(target, c.input, c.ms));
  }
}

function checkRoundTrip(
  target: FuzzTarget,
  value: unknown,
  input: Uint8Array,
  index: number,
  stats: FuzzStats,
): void {
  const encode = target.encode as (v: unknown) => Uint8Array;
  const comparable = (target.comparable ?? ((v: unknown) => v)) as (v: unknown) => unknown;
  let again: unknown;
  try {
    again = target.decode(encode(value));
  } catch (err) {
    stats.failures.push(
      failure(target, 'round-trip', index, `re-encoded value does not decode: ${describe(err)}`, input),
    );
    return;
  }
  const difference = firstDifference(comparable(value), comparable(again));
  if (difference !== undefined) {
    stats.failures.push(
      failure(target, 'round-trip', index, `decode(encode(decode(input))) differs at ${difference}`, input),
    );
  } else {
    stats.roundTrips++;
  }
}

function checkGenerated(target: FuzzTarget, seed: number, index: number, stats: FuzzStats): void {
  const value = target.generate!(mulberry32(mixSeed(seed ^ 0x5bd1e995, index)));
  const bytes = (target.encode as (v: unknown) => Uint8Array)(value);
  let decoded: unknown;
  try {
    decoded = target.decode(bytes);
  } catch (err) {
    stats.failures.push(
      failure(target, 'round-trip', index, `generated value does not decode: ${describe(err)}`, bytes),
    );
    return;
  }
  const difference = firstDifference(value, decoded);
  if (difference !== undefined) {
    stats.failures.push(
      failure(target, 'round-trip', index, `decode(encode(generated)) differs at ${difference}`, bytes),
    );
  } else {
    stats.roundTrips++;
  }
}

function failure(
  target: FuzzTarget,
  kind: FailureKind,
  index: number,
  detail: string,
  input: Uint8Array,
): Failure {
  const f: Failure = { target: target.name, kind, index, detail };
  if (input.length <= MAX_STORED_INPUT_BYTES) f.inputBase64 = Buffer.from(input).toString('base64');
  return f;
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`.slice(0, 300);
  return `non-Error thrown: ${String(err).slice(0, 200)}`;
}

/** A content name for a stored input. */
export const inputName = (input: Uint8Array): string =>
  createHash('sha1').update(input).digest('hex').slice(0, 12);

/**
 * An estimate of the memory a decoded value keeps alive: byte arrays count their whole
 * backing ArrayBuffer (a small view can pin a large buffer) unless it is the input's own;
 * strings two bytes a character; containers a fixed overhead per slot. V8's real sizes
 * differ by a constant factor; the bound is on growth with input size, which this tracks.
 */
export function retainedBytes(value: unknown, input: Uint8Array): number {
  const seen = new Set<unknown>([input.buffer]);
  const stack: unknown[] = [value];
  let total = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') total += 16 + 2 * v.length;
    else if (typeof v === 'number' || typeof v === 'boolean') total += 8;
    else if (typeof v === 'bigint') total += 16;
    else if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    else if (ArrayBuffer.isView(v)) {
      total += 32;
      if (!seen.has(v.buffer)) {
        seen.add(v.buffer);
        total += v.buffer.byteLength;
      }
    } else {
      seen.add(v);
      if (Array.isArray(v)) {
        total += 16 + 8 * v.length;
        stack.push(...v);
      } else if (v instanceof Map) {
        total += 32 + 32 * v.size;
        for (const [k, x] of v) stack.push(k, x);
      } else {
        const keys = Object.keys(v);
        total += 32 + 16 * keys.length;
        for (const k of keys) stack.push(k, (v as Record<string, unknown>)[k]);
      }
    }
  }
  return total;
}

/**
 * Where two decoded values differ (a path such as `.files[2].path`), or undefined when
 * they are the same: byte arrays by content (Buffer or Uint8Array alike), objects by own
 * enumerable keys whatever their prototype, numbers by value, undefined keys ignored.
 */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (a === b) return undefined;
  if (typeof a === 'number' && typeof b === 'number')
    return Number.isNaN(a) && Number.isNaN(b) ? undefined : path || '(root)';
  if (ArrayBuffer.isView(a) && ArrayBuffer.isView(b)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    return Buffer.compare(x, y) === 0 ? undefined : path || '(root)';
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}.length`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (
    typeof a === 'object' &&
    typeof b === 'object' &&
    a !== null &&
    b !== null &&
    !Array.isArray(a) &&
    !Array.isArray(b)
  ) {
    const defined = (o: object) =>
      Object.keys(o).filter((k) => (o as Record<string, unknown>)[k] !== undefined);
    const keysA = defined(a).sort();
    const keysB = defined(b).sort();
    if (JSON.stringify(keysA) !== JSON.stringify(keysB))
      return `${path}{${keysA.join(',')} vs ${keysB.join(',')}}`;
    for (const k of keysA) {
      const d = firstDifference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        `${path}.${k}`,
      );
      if (d !== undefined) return d;
    }
    return undefined;
  }
  return path || '(root)';
}

// Mutation strategies for the fuzzer. Each takes a valid encoding and a seeded PRNG and
// returns a nearby invalid-or-odd one: the decoders' edge cases live next to valid input.
import { randomInt, randomPick } from '../../src-shared/util/seeded-random.ts';

type Rnd = () => number;

/** Bytes that steer a bencode or text parser into interesting states. */
const SYNTAX_BYTES = [...'deil:-0123456789e&=%?+.'].map((c) => c.charCodeAt(0));
/** Values that sit on the edges of 8/16/32-bit length and count fields. */
const EDGE_U32 = [
  0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0x3fff, 0x4000, 0x4001, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
  0xffffffff,
];
/** Text that is special to JavaScript objects, JSON or percent-decoding. */
const TOKENS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '%',
  '%ff',
  '%00',
  '-1',
  '1e400',
  'NaN',
  'null',
  '""',
  '[]',
  '{}',
  '\u0000',
  '\uffff',
].map((t) => Buffer.from(t, 'utf8'));

export interface MutationContext {
  rnd: Rnd;
  /** Other valid encodings of the same decoder, for splicing. */
  corpus: readonly Uint8Array[];
}

export type Mutation = (input: number[], ctx: MutationContext) => void;

const byteFlip: Mutation = (b, { rnd }) => {
  if (b.length === 0) return;
  b[randomInt(rnd, b.length)]! ^= 1 << randomInt(rnd, 8);
};

const byteSet: Mutation = (b, { rnd }) => {
  if (b.length === 0) return;
  b[randomInt(rnd, b.length)] = rnd() < 0.6 ? randomPick(rnd, SYNTAX_BYTES) : randomInt(rnd, 256);
};

const byteInsert: Mutation = (b, { rnd }) => {
  const n = 1 + randomInt(rnd, rnd() < 0.9 ? 4 : 64);
  const bytes = Array.from({ length: n }, () =>
    rnd() < 0.5 ? randomPick(rnd, SYNTAX_BYTES) : randomInt(rnd, 256),
  );
  b.splice(randomInt(rnd, b.length + 1), 0, ...bytes);
};

const byteDelete: Mutation = (b, { rnd }) => {
  if (b.length === 0) return;
  b.splice(randomInt(rnd, b.length), 1 + randomInt(rnd, rnd() < 0.8 ? 4 : 64));
};

const truncate: Mutation = (b, { rnd }) => {
  b.length = randomInt(rnd, b.length + 1);
};

/** Copies a span of the input elsewhere in it (repeated keys, nested structures). */
const duplicateSpan: Mutation = (b, { rnd }) => {
  if (b.length === 0) return;
  const at = randomInt(rnd, b.length);
  const span = b.slice(at, at + 1 + randomInt(rnd, 32));
  b.splice(randomInt(rnd, b.length + 1), 0, ...span);
};

/** Rewrites a run of ASCII digits (a bencode length or integer, a JSON number) to an edge value. */
const textLengthEdit: Mutation = (b, { rnd }) => {
  const runs: [number, number][] = [];
  for (let i = 0; i < b.length; i++) {
    if (b[i]! < 0x30 || b[i]! > 0x39) continue;
    const start = i;
    while (i < b.length && b[i]! >= 0x30 && b[i]! <= 0x39) i++;
    runs.push([start, i]);
  }
  if (runs.length === 0) return;
  const [start, end] = randomPick(rnd, runs);
  const old = Number(String.fromCharCode(...b.slice(start, end)));
  const candidates = [
    0,
    1,
    old - 1,
    old + 1,
    old * 2,
    2 ** 31,
    2 ** 32,
    2 ** 53,
    1e15,
    10 ** randomInt(rnd, 25),
  ];
  const text = BigInt(Math.max(0, Math.floor(randomPick(rnd, candidates)))).toString();
  const withSign = rnd() < 0.1 ? `-${text}` : rnd() < 0.05 ? `0${text}` : text;
  b.splice(start, end - start, ...Buffer.from(withSign, 'latin1'));
};

/** Writes an edge value into a 1, 2 or 4-byte big-endian field (binary lengths and counts). */
const binaryFieldEdit: Mutation = (b, { rnd }) => {
  if (b.length === 0) return;
  const width = randomPick(rnd, [1, 2, 4, 4]);
  // Aligned offsets first: the binary formats here put their fields on 4-byte boundaries.
  const at =
    rnd() < 0.7 ? randomInt(rnd, Math.max(1, Math.floor(b.length / 4))) * 4 : randomInt(rnd, b.length);
  let value = randomPick(rnd, [...EDGE_U32, b.length, b.length - at, b.length + 1]);
  for (let i = width - 1; i >= 0; i--) {
    if (at + i < b.length) b[at + i] = value & 0xff;
    value = Math.floor(value / 256);
  }
};

/** Replaces a span with a span taken from another corpus entry. */
const splice: Mutation = (b, { rnd, corpus }) => {
  if (corpus.length === 0) return;
  const other = randomPick(rnd, corpus);
  const from = randomInt(rnd, other.length + 1);
  const part = Array.from(other.subarray(from, from + randomInt(rnd, 64)));
  const at = randomInt(rnd, b.length + 1);
  b.splice(at, randomInt(rnd, Math.min(64, b.length - at) + 1), ...part);
};

/** Crosses the head of this input with the tail of another. */
const crossover: Mutation = (b, { rnd, corpus }) => {
  if (corpus.length === 0) return;
  const other = randomPick(rnd, corpus);
  const tail = Array.from(other.subarray(randomInt(rnd, other.length + 1)));
  b.length = randomInt(rnd, b.length + 1);
  b.push(...tail);
};

const tokenInsert: Mutation = (b, { rnd }) => {
  const token = randomPick(rnd, TOKENS);
  const bencoded = rnd() < 0.5;
  const bytes = bencoded ? [...Buffer.from(`${token.length}:`, 'latin1'), ...token] : [...token];
  b.splice(randomInt(rnd, b.length + 1), 0, ...bytes);
};

export const MUTATIONS: readonly { name: string; apply: Mutation }[] = [
  { name: 'bit-flip', apply: byteFlip },
  { name: 'byte-set', apply: byteSet },
  { name: 'byte-insert', apply: byteInsert },
  { name: 'byte-delete', apply: byteDelete },
  { name: 'truncate', apply: truncate },
  { name: 'duplicate-span', apply: duplicateSpan },
  { name: 'text-length-edit', apply: textLengthEdit },
  { name: 'binary-field-edit', apply: binaryFieldEdit },
  { name: 'splice', apply: splice },
  { name: 'crossover', apply: crossover },
  { name: 'token-insert', apply: tokenInsert },
];

/** Applies 1–4 random mutations (sometimes up to 12) to a copy of `input`. */
export function mutate(input: Uint8Array, ctx: MutationContext): Uint8Array {
  const bytes = Array.from(input);
  const rounds = 1 + randomInt(ctx.rnd, ctx.rnd() < 0.9 ? 4 : 12);
  for (let i = 0; i < rounds; i++) randomPick(ctx.rnd, MUTATIONS).apply(bytes, ctx);
  return Uint8Array.from(bytes);
}

// Random bencode structures for the fuzzer: values whose encoding is valid by
// construction, with the keys and integers that broke decoders before (`__proto__`,
// integers past 2^53, binary keys, deep nesting).
import { newDict, type BDict, type BValue } from '../../src-main/protocol/bencode.ts';
import { randomInt, randomPick } from '../../src-shared/util/seeded-random.ts';

type Rnd = () => number;

const KEYS = [
  '__proto__',
  'constructor',
  'toString',
  'info',
  'name',
  'length',
  'm',
  'v',
  'piece',
  'added',
  'peers',
  '',
  'a',
  'b',
];
const INTS: (number | bigint)[] = [
  0,
  1,
  -1,
  255,
  256,
  65535,
  2 ** 31,
  2 ** 32,
  Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER,
  2n ** 53n,
  2n ** 63n - 1n,
  -(2n ** 63n),
];

function randomBytes(rnd: Rnd, max: number): Uint8Array {
  return Uint8Array.from({ length: randomInt(rnd, max + 1) }, () => randomInt(rnd, 256));
}

/** A latin1 key: a known name, or random bytes (one character per byte, as the decoder keys). */
function randomKey(rnd: Rnd): string {
  if (rnd() < 0.6) return randomPick(rnd, KEYS);
  return Buffer.from(randomBytes(rnd, 8)).toString('latin1');
}

/** A random value, at most `depth` containers deep and roughly `budget` items in all. */
export function randomBValue(rnd: Rnd, depth = 6, budget = { items: 40 }): BValue {
  budget.items--;
  const leafOnly = depth <= 0 || budget.items <= 0;
  switch (randomInt(rnd, leafOnly ? 2 : 4)) {
    case 0:
      return rnd() < 0.5 ? randomPick(rnd, INTS) : randomInt(rnd, 2 ** 31) - 2 ** 30;
    case 1:
      return randomBytes(rnd, rnd() < 0.9 ? 16 : 300);
    case 2:
      return Array.from({ length: randomInt(rnd, 5) }, () => randomBValue(rnd, depth - 1, budget));
    default: {
      const dict: BDict = newDict();
      const n = randomInt(rnd, 6);
      for (let i = 0; i < n; i++) dict[randomKey(rnd)] = randomBValue(rnd, depth - 1, budget);
      return dict;
    }
  }
}

// The replayable corpora: test/fuzz-corpus/<target>/ holds small files, each one input.
// `seed-*` files are valid encodings the mutations start from (written from the targets'
// seeds by `npm run fuzz -- --write-corpus`); `crash-*` files are inputs that once broke a
// check, kept as regressions: every test run replays every file through every check.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inputName } from './fuzz-engine.ts';
import type { FuzzTarget } from './targets.ts';

/** The repository root: this file is test/fuzz/corpus.ts, the bundle dist/fuzz/run-fuzz.js. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CORPUS_DIR = path.join(REPO_ROOT, 'test', 'fuzz-corpus');

export interface CorpusFile {
  file: string;
  bytes: Uint8Array;
}

export function corpusFiles(target: FuzzTarget): CorpusFile[] {
  const dir = path.join(CORPUS_DIR, target.name);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bin'))
    .sort()
    .map((f) => ({ file: path.join(dir, f), bytes: new Uint8Array(readFileSync(path.join(dir, f))) }));
}

/** The inputs mutations start from: the stored corpus, else the target's built-in seeds. */
export function corpusOf(target: FuzzTarget): Uint8Array[] {
  const stored = corpusFiles(target).map((c) => c.bytes);
  return stored.length > 0 ? stored : target.seeds();
}

/** Stores an input under test/fuzz-corpus/<target>/<prefix>-<content hash>.bin. */
export function storeInput(target: FuzzTarget, prefix: 'seed' | 'crash', input: Uint8Array): string {
  const dir = path.join(CORPUS_DIR, target.name);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${prefix}-${inputName(input)}.bin`);
  writeFileSync(file, input);
  return file;
}

// Lists what a torrent made from several paths contains (`create a.bin dir/ b.txt --name
// pack`): one multi-file torrent whose top-level entries are the paths' base names, a file
// as itself and a folder with its structure, all sorted together byte-wise like one folder
// (collect-files.ts), so the same arrangement under `pack/` gives the same info-hash.
import path from 'node:path';
import type { SourceRoot } from '../storage/source-roots.ts';
import { collectFiles, CreateInputError, type CollectedFile, type CollectedInput } from './collect-files.ts';

export interface CollectedRoots extends CollectedInput {
  /** Each top-level entry and the absolute path it is read from (seeding in place). */
  roots: SourceRoot[];
}

export async function collectRoots(inputPaths: readonly string[]): Promise<CollectedRoots> {
  const roots: SourceRoot[] = [];
  /** Lower-cased base name → the path given first with it. */
  const givenAs = new Map<string, { name: string; path: string }>();
  const files: CollectedFile[] = [];
  const skipped: CollectedInput['skipped'] = [];
  for (const inputPath of inputPaths) {
    const input = await collectFiles(inputPath);
    const name = input.baseName;
    // Case-insensitive: on Windows and macOS a download could not hold both side by side.
    const key = name.toLowerCase();
    const earlier = givenAs.get(key);
    if (earlier !== undefined) {
      const how =
        earlier.name === name
          ? `would both be "${name}"`
          : `are "${earlier.name}" and "${name}", one name on Windows and macOS,`;
      throw new CreateInputError(
        'name-clash',
        `${earlier.path} and ${inputPath} ${how} in the torrent; rename one or put them in folders`,
      );
    }
    givenAs.set(key, { name, path: inputPath });
    roots.push({ name, path: path.resolve(inputPath) });
    for (const f of input.files) files.push(input.multiFile ? { ...f, path: [name, ...f.path] } : f);
    for (const s of input.skipped) skipped.push({ ...s, path: `${name}/${s.path}` });
  }
  const keyed = files.map((f) => ({ f, key: Buffer.from(f.path.join('/')) }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  return { baseName: '', multiFile: true, files: keyed.map((k) => k.f), skipped, roots };
}

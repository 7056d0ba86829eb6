// Lists what a new torrent will contain. A file becomes a single-file torrent; a folder is
// walked recursively into a multi-file torrent. Paths are sorted byte-wise on their
// '/'-joined form (what mktorrent does), so the same folder always gives the same info-hash.
// Symlinks: one pointing at a file inside the folder is included as that file; one leaving
// the folder, pointing at a folder (possible cycles) or dangling is skipped and reported.
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathComponentProblem } from '../../protocol/metainfo/sanitize-path.ts';

export interface CollectedFile {
  /** Components below the torrent folder; `[name]` for a single file. */
  path: string[];
  absolutePath: string;
  lengthBytes: number;
  /** Modification time when listed: hashing checks that size and mtime did not change. */
  mtimeMs: number;
}

export interface SkippedEntry {
  path: string;
  reason: 'symlink-outside' | 'symlink-to-folder' | 'dangling-symlink' | 'not-a-file';
}

export interface CollectedInput {
  /** The folder's or file's base name (the torrent's default name). */
  baseName: string;
  multiFile: boolean;
  files: CollectedFile[];
  skipped: SkippedEntry[];
}

/** Thrown for input that cannot become a torrent; `code` for callers, message for people. */
export class CreateInputError extends Error {
  override readonly name = 'CreateInputError';
  constructor(
    readonly code:
      | 'not-found'
      | 'unreadable'
      | 'empty'
      | 'bad-name'
      | 'not-a-file'
      | 'changed'
      // Several paths: two of them have the same base name, or no name was given.
      | 'name-clash'
      | 'name-required',
    message: string,
  ) {
    super(message);
  }
}

export async function collectFiles(inputPath: string): Promise<CollectedInput> {
  const absolute = path.resolve(inputPath);
  const baseName = path.basename(absolute);
  let info;
  try {
    info = await stat(absolute);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CreateInputError('not-found', `${inputPath}: no such file or folder`);
    throw new CreateInputError('unreadable', `${inputPath}: ${(err as Error).message}`);
  }
  if (info.isFile()) {
    return {
      baseName,
      multiFile: false,
      files: [{ path: [baseName], absolutePath: absolute, lengthBytes: info.size, mtimeMs: info.mtimeMs }],
      skipped: [],
    };
  }
  if (!info.isDirectory())
    throw new CreateInputError('not-a-file', `${inputPath} is neither a file nor a folder`);

  const root = await realpath(absolute);
  const files: CollectedFile[] = [];
  const skipped: SkippedEntry[] = [];
  const pending: string[][] = [[]];
  // Iterative walk: deep trees cannot overflow the stack.
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    const dirPath = path.join(absolute, ...dir);
    let entries;
    try {
      entries = await readdir(dirPath, { withFileTypes: true });
    } catch (err) {
      throw new CreateInputError('unreadable', `${dirPath}: ${(err as Error).message}`);
    }
    for (const entry of entries) {
      const rel = [...dir, entry.name];
      const full = path.join(dirPath, entry.name);
      const shown = rel.join('/');
      if (entry.isDirectory()) {
        pending.push(rel);
      } else if (entry.isFile()) {
        const { size, mtimeMs } = await lstat(full);
        files.push({ path: rel, absolutePath: full, lengthBytes: size, mtimeMs });
      } else if (entry.isSymbolicLink()) {
        const target = await realpath(full).catch(() => undefined);
        if (target === undefined) skipped.push({ path: shown, reason: 'dangling-symlink' });
        else if (target !== root && !target.startsWith(root + path.sep))
          skipped.push({ path: shown, reason: 'symlink-outside' });
        else {
          const targetInfo = await stat(target);
          if (targetInfo.isFile())
            files.push({
              path: rel,
              absolutePath: target,
              lengthBytes: targetInfo.size,
              mtimeMs: targetInfo.mtimeMs,
            });
          else
            skipped.push({
              path: shown,
              reason: targetInfo.isDirectory() ? 'symlink-to-folder' : 'not-a-file',
            });
        }
      } else {
        skipped.push({ path: shown, reason: 'not-a-file' });
      }
    }
  }
  if (files.length === 0) throw new CreateInputError('empty', `${inputPath} contains no files to share`);
  for (const f of files) {
    const problem = f.path.map(pathComponentProblem).find((p) => p !== undefined);
    if (problem)
      throw new CreateInputError(
        'bad-name',
        `cannot share ${JSON.stringify(f.path.join('/'))}: its path has ${problem}`,
      );
  }
  const keyed = files.map((f) => ({ f, key: Buffer.from(f.path.join('/')) }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  return { baseName, multiFile: true, files: keyed.map((k) => k.f), skipped };
}

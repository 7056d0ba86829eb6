/**
 * Where the files of a torrent made from several paths live (`swarmdrop share a.bin dir/
 * --name pack`). Such a torrent is an ordinary multi-file torrent named `pack` whose top-level
 * entries are the shared paths' base names; seeding in place maps each top-level entry back
 * to the absolute path it was made from, instead of to `savePath/pack/<entry>`.
 */
import path from 'node:path';
import { StorageError } from './storage.ts';

export interface SourceRoot {
  /** The top-level entry in the torrent (first path component below the torrent's folder). */
  name: string;
  /** Absolute path of the shared file or folder that entry is made from. */
  path: string;
}

/**
 * Absolute path of a torrent file (`filePath`: its components below the torrent's folder)
 * under the roots; throws StorageError 'path-escape' when no root holds it or the rest of
 * the path would leave its root.
 */
export function pathUnderRoots(roots: readonly SourceRoot[], filePath: readonly string[]): string {
  const [top, ...rest] = filePath;
  const root = roots.find((r) => r.name === top);
  if (!root || !path.isAbsolute(root.path))
    throw new StorageError('path-escape', `no shared path for ${JSON.stringify(filePath.join('/'))}`);
  if (rest.length === 0) return path.resolve(root.path);
  const resolved = path.resolve(root.path, ...rest);
  if (!resolved.startsWith(path.resolve(root.path) + path.sep) || rest.some((p) => p.includes('\0')))
    throw new StorageError('path-escape', `${filePath.join('/')} would leave ${root.path}`);
  return resolved;
}

/** The folder every root is in (shown as the torrent's location), or `/` when none is shared. */
export function commonParentOf(roots: readonly SourceRoot[]): string {
  const parents = roots.map((r) => path.dirname(path.resolve(r.path)).split(path.sep));
  const first = parents[0] ?? [''];
  let depth = first.length;
  for (const p of parents) {
    let i = 0;
    while (i < depth && i < p.length && p[i] === first[i]) i++;
    depth = i;
  }
  return first.slice(0, depth).join(path.sep) || path.sep;
}

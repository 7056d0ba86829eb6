/**
 * Before a download writes anything: does what is still missing fit on the disk? Files
 * are created sparse at full length, so without this check a download that cannot fit
 * starts anyway and fails with ENOSPC somewhere in the middle, after filling the disk.
 */
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes } from '../../../src-shared/util/format.ts';

/** Thrown when the bytes still to write do not fit; `code` is 'no-space'. */
export class NoSpaceError extends Error {
  readonly code = 'no-space';
  constructor(
    readonly neededBytes: number,
    readonly freeBytes: number,
    readonly dir: string,
  ) {
    super(
      `not enough free space in ${dir}: ${formatBytes(neededBytes)} still to download, ${formatBytes(freeBytes)} free`,
    );
    this.name = 'NoSpaceError';
  }
}

/** Bytes an unprivileged writer may still use on the file system holding `dir` (or its nearest existing parent). */
export async function freeBytesAt(dir: string): Promise<number> {
  let at = path.resolve(dir);
  for (;;) {
    try {
      const s = await statfs(at);
      return s.bavail * s.bsize;
    } catch (err) {
      const parent = path.dirname(at);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === at) throw err;
      at = parent;
    }
  }
}

/** Throws NoSpaceError unless `neededBytes` fit in `dir`'s file system. */
export async function ensureFreeSpace(dir: string, neededBytes: number): Promise<void> {
  if (neededBytes <= 0) return;
  const free = await freeBytesAt(dir);
  if (neededBytes > free) throw new NoSpaceError(neededBytes, free, dir);
}

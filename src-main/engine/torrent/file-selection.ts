/**
 * Which files of a torrent are wanted, and how much: one priority per metainfo file
 * (skip / normal / high, the picker's PRIORITY_* values), turned into one priority per
 * piece for the picker and into the byte counts progress, ETA and the tracker's `left`
 * are measured against (the selection, not the whole torrent).
 */
import type { Bitfield } from '../../../src-shared/util/bitfield.ts';
import { compileGlob, matchesAny } from '../../../src-shared/util/path-glob.ts';
import type { FilePriority } from '../../../src-shared/types/torrent.ts';
import type { Metainfo } from '../../protocol/metainfo/metainfo-types.ts';
import { PRIORITY_HIGH, PRIORITY_NORMAL, PRIORITY_SKIP } from '../picker/block-picker.ts';
import { pieceRangeOfFile } from '../storage/piece-layout.ts';

type Layout = Pick<Metainfo, 'files' | 'pieceCount' | 'pieceLengthBytes' | 'totalLengthBytes'>;

export const PRIORITY_OF: Record<FilePriority, number> = {
  skip: PRIORITY_SKIP,
  normal: PRIORITY_NORMAL,
  high: PRIORITY_HIGH,
};

export function priorityName(value: number): FilePriority {
  return value === PRIORITY_SKIP ? 'skip' : value >= PRIORITY_HIGH ? 'high' : 'normal';
}

/** Every file normal. */
export function allNormal(m: Pick<Metainfo, 'files'>): Uint8Array {
  return new Uint8Array(m.files.length).fill(PRIORITY_NORMAL);
}

/**
 * `--only` globs (path-glob.ts) against each file's path inside the torrent: matching
 * files normal, the rest skipped. Throws GlobError for a bad pattern.
 */
export function prioritiesFromGlobs(m: Pick<Metainfo, 'files'>, patterns: readonly string[]): Uint8Array {
  const globs = patterns.map(compileGlob);
  return Uint8Array.from(m.files, (f) =>
    matchesAny(globs, f.path.join('/')) ? PRIORITY_NORMAL : PRIORITY_SKIP,
  );
}

/** Whether file i is wanted (padding files follow their neighbours: never on their own). */
export function isSelected(filePriorities: Uint8Array, fileIndex: number): boolean {
  return (filePriorities[fileIndex] ?? PRIORITY_NORMAL) !== PRIORITY_SKIP;
}

/** Per piece: the highest priority of the (non-padding) files it touches. O(pieces + files). */
export function piecePrioritiesOf(m: Layout, filePriorities: Uint8Array): Uint8Array {
  const out = new Uint8Array(m.pieceCount);
  m.files.forEach((file, i) => {
    if (file.padding) return;
    const range = pieceRangeOfFile(m, i);
    if (!range) return;
    const prio = filePriorities[i] ?? PRIORITY_NORMAL;
    for (let p = range.firstPiece; p <= range.lastPiece; p++) if (out[p]! < prio) out[p] = prio;
  });
  return out;
}

/** Bytes of the selected files, and of those the verified pieces cover. O(pieces of selected files). */
export function selectionBytes(
  m: Layout,
  filePriorities: Uint8Array,
  have: Bitfield | null,
): { selectedBytes: number; verifiedBytes: number } {
  let selectedBytes = 0;
  let verifiedBytes = 0;
  m.files.forEach((file, i) => {
    if (file.padding || !isSelected(filePriorities, i)) return;
    selectedBytes += file.lengthBytes;
    const range = have ? pieceRangeOfFile(m, i) : null;
    if (!range) return;
    for (let p = range.firstPiece; p <= range.lastPiece; p++) {
      if (!have!.get(p)) continue;
      const start = Math.max(p * m.pieceLengthBytes, file.offsetBytes);
      const end = Math.min((p + 1) * m.pieceLengthBytes, file.offsetBytes + file.lengthBytes);
      verifiedBytes += end - start;
    }
  });
  return { selectedBytes, verifiedBytes };
}

/** Whether every file is selected (the common case: nothing to show or to route). */
export function selectsAll(filePriorities: Uint8Array | null): boolean {
  return !filePriorities || filePriorities.every((p) => p !== PRIORITY_SKIP);
}

/**
 * Builds a StorageLayout from file names and lengths (offsets and piece count derived),
 * for tests and for callers that have no parsed metainfo at hand.
 */
import type { StorageLayout } from './storage.ts';

export interface LayoutFileInput {
  path: string[];
  lengthBytes: number;
  /** BEP 47 padding file. */
  padding?: boolean;
}

export function layoutFromFiles(
  name: string,
  files: LayoutFileInput[],
  pieceLengthBytes: number,
  options: { multiFile?: boolean } = {},
): StorageLayout {
  const multiFile = options.multiFile ?? files.length !== 1;
  let offsetBytes = 0;
  const laidOut = files.map((file) => {
    const entry = {
      path: [...file.path],
      lengthBytes: file.lengthBytes,
      offsetBytes,
      ...(file.padding ? { padding: true } : {}),
    };
    offsetBytes += file.lengthBytes;
    return entry;
  });
  return {
    name,
    multiFile,
    files: laidOut,
    pieceLengthBytes,
    totalLengthBytes: offsetBytes,
    pieceCount: Math.ceil(offsetBytes / pieceLengthBytes),
  };
}

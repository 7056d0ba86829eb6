/**
 * Maps Node's errno codes onto StorageError codes, so the engine can tell a full disk
 * (pause, tell the user) from a missing file (re-check) without reading message text.
 */
import { StorageError, isStorageError, type StorageErrorCode } from './storage.ts';

export type StorageOperation = 'open' | 'read' | 'write' | 'flush' | 'stat' | 'delete';

const BY_ERRNO: Record<string, StorageErrorCode> = {
  ENOSPC: 'disk-full',
  EDQUOT: 'disk-full',
  EFBIG: 'disk-full',
  EACCES: 'permission-denied',
  EPERM: 'permission-denied',
  EROFS: 'permission-denied',
};

export function toStorageError(err: unknown, operation: StorageOperation, filePath: string): StorageError {
  if (isStorageError(err)) return err;
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  let code: StorageErrorCode = (errno && BY_ERRNO[errno]) || 'io-error';
  // A missing file is only "missing" when we wanted its data; on write it means a folder
  // could not be created, which is an I/O problem.
  if (errno === 'ENOENT' && (operation === 'read' || operation === 'stat')) code = 'missing-file';
  const detail = err instanceof Error ? err.message : String(err);
  return new StorageError(code, `${operation} ${filePath}: ${detail}`, { cause: err });
}

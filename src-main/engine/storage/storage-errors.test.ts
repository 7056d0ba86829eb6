import { describe, expect, it } from 'vitest';
import { toStorageError } from './storage-errors.ts';
import { StorageError } from './storage.ts';

const errno = (code: string) => Object.assign(new Error(`${code}: boom`), { code });

describe('toStorageError', () => {
  it.each([
    ['ENOSPC', 'write', 'disk-full'],
    ['EDQUOT', 'write', 'disk-full'],
    ['EACCES', 'open', 'permission-denied'],
    ['EPERM', 'write', 'permission-denied'],
    ['EROFS', 'write', 'permission-denied'],
    ['ENOENT', 'read', 'missing-file'],
    ['ENOENT', 'write', 'io-error'],
    ['EIO', 'read', 'io-error'],
    ['EISDIR', 'read', 'io-error'],
  ] as const)('%s during %s → %s', (code, operation, expected) => {
    const mapped = toStorageError(errno(code), operation, '/x/y');
    expect(mapped).toBeInstanceOf(StorageError);
    expect(mapped.code).toBe(expected);
    expect(mapped.message).toContain('/x/y');
    expect((mapped.cause as Error).message).toContain(code);
  });

  it('passes a StorageError through and wraps non-errors', () => {
    const original = new StorageError('path-escape', 'nope');
    expect(toStorageError(original, 'write', '/x')).toBe(original);
    expect(toStorageError('weird', 'read', '/x').code).toBe('io-error');
  });
});

import { describe, expect, it } from 'vitest';
import { ContractError } from '../../src-shared/contract/error-codes.ts';
import { encodePieceSources, toContractError } from './engine-mapping.ts';

const errno = (code: string) => Object.assign(new Error(`${code} happened`), { code });

describe('toContractError', () => {
  it.each([
    ['EADDRINUSE', 'port-in-use'],
    ['ENOSPC', 'disk-full'],
    ['EACCES', 'permission-denied'],
    ['ENOENT', 'file-not-found'],
    ['unknown-torrent', 'unknown-torrent'],
    ['ECONNREFUSED', 'tracker-unreachable'],
  ])('%s → %s, keeping the original as detail', (code, expected) => {
    const e = toContractError(errno(code));
    expect(e.code).toBe(expected);
    expect(e.detail).toBe(`${code} happened`);
    expect(e.message).not.toContain(code);
  });

  it('maps codec errors by what the user was adding', () => {
    expect(toContractError(errno('truncated'), 'magnet').code).toBe('bad-magnet');
    expect(toContractError(errno('bad-type'), 'torrent-file').code).toBe('bad-torrent');
    expect(toContractError(errno('bad-value'), 'general').code).toBe('internal');
  });

  it('passes ContractErrors through and wraps anything else as internal', () => {
    const c = new ContractError('bad-magnet', 'x');
    expect(toContractError(c)).toBe(c);
    expect(toContractError('boom')).toMatchObject({ code: 'internal', detail: 'boom' });
  });
});

describe('encodePieceSources', () => {
  it('one byte per piece: 0 unknown, index + 1 otherwise, capped at 255', () => {
    const b64 = encodePieceSources([-1, 0, 2, 300], 400);
    expect([...Buffer.from(b64, 'base64')]).toEqual([0, 1, 3, 255]);
  });
});

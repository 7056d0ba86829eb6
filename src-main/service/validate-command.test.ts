import { describe, expect, it } from 'vitest';
import { ContractError } from '../../src-shared/contract/error-codes.ts';
import { COMMAND_NAMES } from '../../src-shared/contract/commands.ts';
import { commandSchemas } from '../../src-shared/contract/schemas.ts';
import { validateCommand } from './validate-command.ts';

const HASH = 'a'.repeat(40);

function rejects(name: string, request: unknown): ContractError {
  try {
    validateCommand(name, request);
  } catch (err) {
    expect(err).toBeInstanceOf(ContractError);
    return err as ContractError;
  }
  throw new Error(`${name} accepted ${JSON.stringify(request)}`);
}

describe('validateCommand', () => {
  it('has a schema for every command in the map, and no more', () => {
    expect(Object.keys(commandSchemas).sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it('rejects unknown commands by name, including prototype keys', () => {
    expect(rejects('deleteEverything', {}).code).toBe('unknown-command');
    expect(rejects('__proto__', {}).code).toBe('unknown-command');
    expect(rejects('toString', {}).code).toBe('unknown-command');
  });

  it('accepts well-formed requests and returns them typed', () => {
    expect(validateCommand('pause', { id: HASH }).request).toEqual({ id: HASH });
    expect(validateCommand('getAppInfo', undefined).request).toEqual({});
    expect(
      validateCommand('add', { source: { kind: 'magnet', uri: `magnet:?xt=urn:btih:${HASH}` } }).name,
    ).toBe('add');
    expect(validateCommand('remove', { id: HASH, deleteFiles: true }).request).toEqual({
      id: HASH,
      deleteFiles: true,
    });
  });

  it.each([
    ['pause', { id: 'nothex' }],
    ['pause', { id: HASH.toUpperCase() }],
    ['pause', { id: HASH, extra: 1 }],
    ['remove', { id: HASH }],
    ['remove', { id: HASH, deleteFiles: 'yes' }],
    ['add', { source: { kind: 'url', uri: 'http://x' } }],
    ['add', { source: { kind: 'magnet' } }],
    ['share', { paths: [] }],
    ['share', { paths: ['x'.repeat(5000)] }],
    ['setSettings', { peerPort: 70000 }],
    ['setSettings', { theme: 'neon' }],
    ['setSettings', { trackers: ['ftp://x'] }],
    ['setSettings', { unknownSetting: 1 }],
    ['uploadChunk', { uploadId: 'u', fileIndex: -1, offsetBytes: 0, dataBase64: '' }],
    ['uploadChunk', { uploadId: 'u', fileIndex: 0, offsetBytes: 0, dataBase64: 'A'.repeat(2_000_000) }],
    ['searchCatalog', { query: 'q'.repeat(300) }],
    ['watchDetail', {}],
    ['getDetail', null],
    ['getDetail', 'string'],
  ])('rejects %s %j', (name, request) => {
    const code = rejects(name, request).code;
    expect(['bad-request', 'bad-info-hash']).toContain(code);
  });

  it('says bad-info-hash in words for a malformed catalog info-hash', () => {
    const e = rejects('add', { source: { kind: 'info-hash', infoHashHex: 'xyz' } });
    expect(e.code).toBe('bad-info-hash');
    expect(e.message).toMatch(/40 hexadecimal/);
  });

  it('words a bad tracker address with its own explanation, as bad-request', () => {
    const e = rejects('setSettings', { trackers: ['ftp://x'] });
    expect(e.code).toBe('bad-request');
    expect(e.message).toBe('a tracker address looks like udp://host:port or http://host/announce.');
  });

  it('gives other failures the plain bad-request wording', () => {
    const e = rejects('pause', { id: HASH, extra: 1 });
    expect(e.code).toBe('bad-request');
    expect(e.message).not.toMatch(/tracker address/);
  });
});

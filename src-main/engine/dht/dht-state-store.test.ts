import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.ts';
import { VersionedDataError } from '../resume/versioned-json-store.ts';
import {
  DhtStateStore,
  dhtStateDocument,
  MAX_SAVED_NODES,
  migrateDhtState,
  type DhtState,
} from './dht-state-store.ts';

const state: DhtState = {
  nodeIdHex: 'ab'.repeat(20),
  nodes: [
    { host: '127.0.0.1', port: 6881, idHex: '01'.repeat(20) },
    { host: '192.0.2.7', port: 51413, idHex: 'fe'.repeat(20) },
  ],
};

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (err) {
    return err instanceof VersionedDataError ? err.code : 'not-a-versioned-data-error';
  }
  return undefined;
};

describe('saved DHT state', () => {
  it('round-trips through its JSON document', () => {
    expect(migrateDhtState(JSON.parse(JSON.stringify(dhtStateDocument(state))))).toEqual(state);
  });

  it('refuses a document that is not a version-1 DHT state', () => {
    expect(codeOf(() => migrateDhtState(null))).toBe('invalid');
    expect(codeOf(() => migrateDhtState([]))).toBe('invalid');
    expect(codeOf(() => migrateDhtState({ version: 2, nodeId: 'ab'.repeat(20), nodes: [] }))).toBe(
      'unsupported-version',
    );
    expect(codeOf(() => migrateDhtState({ version: 1, nodeId: 'xyz', nodes: [] }))).toBe('invalid');
    expect(codeOf(() => migrateDhtState({ version: 1, nodeId: 'ab'.repeat(20), nodes: {} }))).toBe('invalid');
  });

  it('skips bad node entries and keeps the good ones', () => {
    const doc = {
      version: 1,
      nodeId: 'ab'.repeat(20),
      nodes: [
        { host: 'not-an-ip', port: 1, id: '01'.repeat(20) },
        { host: '127.0.0.1', port: 0, id: '01'.repeat(20) },
        { host: '127.0.0.1', port: 70000, id: '01'.repeat(20) },
        { host: '127.0.0.1', port: 1, id: 'short' },
        null,
        7,
        { host: '127.0.0.1', port: 6881, id: '01'.repeat(20) },
      ],
    };
    expect(migrateDhtState(doc).nodes).toEqual([{ host: '127.0.0.1', port: 6881, idHex: '01'.repeat(20) }]);
  });

  it('keeps at most a full routing table of nodes', () => {
    const nodes = Array.from({ length: MAX_SAVED_NODES + 50 }, (_, i) => ({
      host: '127.0.0.1',
      port: 1 + i,
      id: i.toString(16).padStart(40, '0'),
    }));
    expect(migrateDhtState({ version: 1, nodeId: 'ab'.repeat(20), nodes }).nodes).toHaveLength(
      MAX_SAVED_NODES,
    );
  });

  it('is written to dht.json in the data folder and read back', async () => {
    const t = await makeTempDir();
    try {
      const store = new DhtStateStore(t.dir);
      expect(await store.load()).toBeUndefined();
      await store.save(state);
      expect(await store.load()).toEqual(state);
      await writeFile(path.join(t.dir, 'dht.json'), '{not json');
      await expect(store.load()).rejects.toMatchObject({ code: 'corrupt' });
    } finally {
      await t.remove();
    }
  });
});

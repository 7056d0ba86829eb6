import { describe, expect, it } from 'vitest';
import { nearbyEntries } from './nearby-model.ts';

const A = 'aa'.repeat(20);
const B = 'bb'.repeat(20);
const share = (infoHashHex: string, name: string, who: string, host: string) => ({
  infoHashHex,
  name,
  totalBytes: 10,
  who,
  host,
  peerPort: 6881,
});

describe('nearbyEntries', () => {
  it('makes one row per share, naming every machine that lists it, sorted by name', () => {
    const rows = nearbyEntries([
      share(B, 'zebra.iso', 'alice', '10.0.0.1'),
      share(A, 'photos', 'alice', '10.0.0.1'),
      share(A, 'photos', 'bob', '10.0.0.2'),
      share(A, 'photos', 'bob', '10.0.0.2'),
    ]);
    expect(rows.map((r) => r.name)).toEqual(['photos', 'zebra.iso']);
    expect(rows[0]!.who).toEqual(['alice', 'bob']);
    expect(rows[0]!.peers).toEqual([
      { host: '10.0.0.1', port: 6881 },
      { host: '10.0.0.2', port: 6881 },
    ]);
  });

  it('filters by name, ignoring case', () => {
    const rows = nearbyEntries([share(A, 'Holiday Photos', 'a', 'h'), share(B, 'notes', 'a', 'h')], 'PHOTO');
    expect(rows.map((r) => r.name)).toEqual(['Holiday Photos']);
  });
});

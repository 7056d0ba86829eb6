// Names from strangers as the engine shows them: a magnet's dn, a catalog name. The
// download path comes from the metadata (checked strictly); these are only displayed.
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, startEngineEnv } from './engine-harness.ts';

const HEX = '0123456789abcdef0123456789abcdef01234567';
const HEX2 = '76543210fedcba9876543210fedcba9876543210';

describe('display names of torrents added before their metadata', () => {
  const defer = cleanupAfterEach();

  it("a magnet's dn=../../.. is not kept: the torrent is shown by its info-hash", async () => {
    const { open } = await startEngineEnv(defer);
    const session = await open('leecher');
    const added = await session.add(
      { kind: 'magnet', uri: `magnet:?xt=urn:btih:${HEX}&dn=../../..` },
      { paused: true },
    );
    expect(added.name).toBe(HEX);
    // The magnet we hand on says so too.
    expect(session.detail(HEX).magnet).toContain(`&dn=${HEX}&`);
  });

  it('separators and terminal escapes in a dn or a catalog name are not shown', async () => {
    const { open } = await startEngineEnv(defer);
    const session = await open('leecher');
    const fromMagnet = await session.add(
      {
        kind: 'magnet',
        uri: `magnet:?xt=urn:btih:${HEX}&dn=${encodeURIComponent('../etc/\u001b[31mred\u001b[0m')}`,
      },
      { paused: true },
    );
    expect(fromMagnet.name).toBe('.._etc_[31mred[0m');
    const fromCatalog = await session.add(
      { kind: 'info-hash', infoHashHex: HEX2, name: 'a\\b\nc\u202e' },
      { paused: true },
    );
    expect(fromCatalog.name).toBe('a_bc');
  });
});

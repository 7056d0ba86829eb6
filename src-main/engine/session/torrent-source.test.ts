import { describe, expect, it } from 'vitest';
import { parseHostPort, resolveSource } from './torrent-source.ts';

describe('resolveSource', () => {
  const hex = '0123456789abcdef0123456789abcdef01234567';

  it('takes a magnet with trackers, name and x.pe peers', async () => {
    const r = await resolveSource({
      kind: 'magnet',
      uri: `magnet:?xt=urn:btih:${hex}&dn=My%20File&tr=udp%3A%2F%2F127.0.0.1%3A6969&x.pe=127.0.0.1:7000&x.pe=bad`,
    });
    expect(r.infoHashHex).toBe(hex);
    expect(r.metainfo).toBeNull();
    expect(r.displayName).toBe('My File');
    expect(r.trackers).toEqual(['udp://127.0.0.1:6969']);
    expect(r.peers).toEqual([{ host: '127.0.0.1', port: 7000 }]);
  });

  it('takes a bare info-hash, upper case too', async () => {
    const r = await resolveSource({ kind: 'info-hash', infoHashHex: hex.toUpperCase(), name: 'n' });
    expect(r.infoHashHex).toBe(hex);
    expect(r.displayName).toBe('n');
  });

  it('reports bad input with a code', async () => {
    await expect(resolveSource({ kind: 'info-hash', infoHashHex: 'xyz' })).rejects.toMatchObject({
      code: 'bad-value',
    });
    await expect(resolveSource({ kind: 'metainfo', bytes: new Uint8Array([1, 2]) })).rejects.toHaveProperty(
      'code',
    );
    await expect(
      resolveSource({ kind: 'torrent-file', path: '/nonexistent/x.torrent' }),
    ).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('parseHostPort', () => {
  it.each([
    ['127.0.0.1:6881', { host: '127.0.0.1', port: 6881 }],
    ['[::1]:51413', { host: '::1', port: 51413 }],
    ['host.example:1', { host: 'host.example', port: 1 }],
    ['127.0.0.1:0', null],
    ['127.0.0.1:70000', null],
    ['::1:80', null],
    ['[FD00:0:0::1]:6881', { host: 'fd00::1', port: 6881 }],
    ['[::ffff:192.0.2.1]:7', { host: '192.0.2.1', port: 7 }],
    ['[127.0.0.1]:7', null],
    ['[host.example]:7', null],
    ['[fd00::1]:0', null],
    ['nohost', null],
  ])('%s', (text, want) => expect(parseHostPort(text)).toEqual(want));
});

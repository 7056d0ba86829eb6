import { describe, expect, it } from 'vitest';
import { launchRequests } from './launch-args.ts';

describe('launchRequests', () => {
  it('picks magnets and .torrent paths out of an argv full of other things', () => {
    const m = `magnet:?xt=urn:btih:${'a'.repeat(40)}`;
    expect(
      launchRequests([
        '/usr/bin/swarmdrop',
        'dist/app/main.cjs',
        '--data-dir',
        '/d',
        m,
        '/home/u/x.TORRENT',
        '--no-sandbox',
        '--foo=a.torrent',
      ]),
    ).toEqual({ magnets: [m], torrentFiles: ['/home/u/x.TORRENT'] });
  });

  it('is empty for a plain launch', () => {
    expect(launchRequests(['/usr/bin/swarmdrop'])).toEqual({ magnets: [], torrentFiles: [] });
  });
});

import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { TorrentEvents } from './torrent-events.tsx';

describe('TorrentEvents', () => {
  it('lists hash failures and bans newest first, in user words', () => {
    const now = Date.now();
    const html = renderToStaticMarkup(
      <TorrentEvents
        events={[
          {
            atMs: now - 5000,
            code: 'hash-failed',
            message: 'piece 3 failed its hash check (data from 127.0.0.1:5000)',
          },
          {
            atMs: now - 1000,
            code: 'peer-banned',
            message: 'banned 127.0.0.1:5000: it sent pieces that failed their hash check',
          },
        ]}
      />,
    );
    expect(html).toContain('Bad piece');
    expect(html).toContain('piece 3 failed its hash check (data from 127.0.0.1:5000)');
    expect(html.indexOf('Peer banned')).toBeGreaterThan(-1);
    expect(html.indexOf('Peer banned')).toBeLessThan(html.indexOf('Bad piece'));
  });

  it('says there is nothing to report when there are no events', () => {
    expect(renderToStaticMarkup(<TorrentEvents events={[]} />)).toContain('Nothing to report');
  });

  it('an unknown code shows as itself, and text from peers is escaped', () => {
    const html = renderToStaticMarkup(
      <TorrentEvents events={[{ atMs: 0, code: 'brand-new', message: '<b>x</b>' }]} />,
    );
    expect(html).toContain('brand-new');
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
  });
});

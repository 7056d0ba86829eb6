import { describe, expect, it } from 'vitest';
import {
  notifyInBrowser,
  type BrowserPermission,
  type NotificationSurface,
} from './browser-notifications.ts';

function surface(permission: BrowserPermission, inView: boolean) {
  const shown: [string, string][] = [];
  const s: NotificationSurface = {
    permission: () => permission,
    requestPermission: async () => permission,
    show: (title, body) => shown.push([title, body]),
    pageInView: () => inView,
  };
  return { s, shown };
}

const done = { kind: 'download-complete', torrentId: 'a'.repeat(40), name: 'film.webm' } as const;

describe('finished downloads as browser notifications', () => {
  it('shows one when allowed, wanted and the page is in the background', () => {
    const { s, shown } = surface('granted', false);
    expect(notifyInBrowser(s, done, true)).toBe(true);
    expect(shown).toEqual([['Download complete', 'film.webm']]);
  });

  it('stays quiet when the person looks at the page (the toast says it), turned it off, or the browser says no', () => {
    for (const [permission, inView, wanted] of [
      ['granted', true, true],
      ['granted', false, false],
      ['denied', false, true],
      ['default', false, true],
      ['unsupported', false, true],
    ] as const) {
      const { s, shown } = surface(permission, inView);
      expect(notifyInBrowser(s, done, wanted)).toBe(false);
      expect(shown).toEqual([]);
    }
  });

  it('a new share is not a finished download', () => {
    const { s, shown } = surface('granted', false);
    expect(
      notifyInBrowser(s, { kind: 'shared', torrentId: 'b'.repeat(40), name: 'x', published: true }, true),
    ).toBe(false);
    expect(shown).toEqual([]);
  });
});

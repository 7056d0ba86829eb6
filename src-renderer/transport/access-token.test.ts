import { describe, expect, it } from 'vitest';
import { forgetAccessToken, takeAccessToken } from './access-token.ts';

function fakeWindow(href: string) {
  const stored = new Map<string, string>();
  const win = {
    location: { href } as Location,
    history: {
      state: null,
      replaceState: (_s: unknown, _t: string, url: string) => {
        win.location = { href: new URL(url, win.location.href).href } as Location;
      },
    } as unknown as History,
    sessionStorage: {
      getItem: (k: string) => stored.get(k) ?? null,
      setItem: (k: string, v: string) => void stored.set(k, v),
      removeItem: (k: string) => void stored.delete(k),
    } as Storage,
  };
  return win;
}

describe('takeAccessToken', () => {
  it('keeps the token from the address in session storage and strips it from the address bar', () => {
    const win = fakeWindow('http://127.0.0.1:9080/?token=abc&x=1#top');
    expect(takeAccessToken(win)).toBe('abc');
    expect(win.location.href).toBe('http://127.0.0.1:9080/?x=1#top');
    // A reload (no token in the address any more) still has it.
    expect(takeAccessToken(win)).toBe('abc');
  });

  it('has none when the page was opened without it, or after the daemon refused it', () => {
    expect(takeAccessToken(fakeWindow('http://127.0.0.1:9080/'))).toBeNull();
    const win = fakeWindow('http://127.0.0.1:9080/?token=old');
    takeAccessToken(win);
    forgetAccessToken(win);
    expect(takeAccessToken(win)).toBeNull();
  });
});

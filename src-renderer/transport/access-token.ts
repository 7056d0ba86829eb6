/**
 * The daemon's access token on the page side. It arrives once in the address the
 * daemon prints (`?token=…`); the page moves it into sessionStorage and takes it out of
 * the address bar (so it does not linger in history, screenshots or a copied link).
 *
 * sessionStorage rather than a cookie: a cookie is scoped to the host, not the port,
 * so the browser would also send it to whatever another local user serves on another
 * 127.0.0.1 port; sessionStorage belongs to this origin (scheme, host and port) only,
 * survives reloads, and is gone when the tab closes.
 */
const KEY = 'swarmdrop-access-token';

type TokenWindow = Pick<Window, 'location' | 'history' | 'sessionStorage'>;

export function takeAccessToken(win: TokenWindow): string | null {
  const url = new URL(win.location.href);
  const fromAddress = url.searchParams.get('token');
  if (fromAddress) {
    try {
      win.sessionStorage.setItem(KEY, fromAddress);
    } catch {
      // Storage disabled: the token still works for this page load.
    }
    url.searchParams.delete('token');
    win.history.replaceState(win.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return fromAddress;
  }
  try {
    return win.sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** A token the daemon refused is dropped, so a reload does not retry it. */
export function forgetAccessToken(win: TokenWindow): void {
  try {
    win.sessionStorage.removeItem(KEY);
  } catch {
    // Nothing stored.
  }
}

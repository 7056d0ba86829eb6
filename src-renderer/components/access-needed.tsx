import type { ReactElement } from 'react';
import { ERROR_WORDING } from '../../src-shared/contract/error-codes.ts';

/**
 * Shown instead of the app when the page has no valid access token (opened without it,
 * or the daemon's token was replaced): says what to do rather than spinning on
 * "Connecting…".
 */
export function AccessNeeded({ origin }: { origin: string }): ReactElement {
  return (
    <div className="access-needed empty" role="alert">
      <h2>Access token needed</h2>
      <p>{ERROR_WORDING.unauthorized}</p>
      <p className="small">
        It looks like <code className="mono">{origin}/?token=…</code>. The token is kept in the daemon&apos;s
        data folder; <code className="mono">swarmdrop daemon --new-token</code> makes a new one.
      </p>
    </div>
  );
}

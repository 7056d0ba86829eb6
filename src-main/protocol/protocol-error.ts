/**
 * The one error type every codec throws on bad input: a short or
 * oversized message is a ProtocolError with a stable string `code`, never zeros and
 * never a huge allocation. Callers branch on `code`, never on the message text.
 */
export type ProtocolErrorCode =
  | 'truncated' // fewer bytes than the structure needs
  | 'too-large' // a declared length is over the codec's bound
  | 'bad-type' // a value of the wrong type (e.g. bencoded string where a dict is needed)
  | 'bad-value' // a value of the right type that is out of range or inconsistent
  | 'bad-path' // a file path that is absolute, escapes, or names a device
  | 'symlink-refused' // a BEP 47 symlink entry (attr "l"): never followed or created
  | 'unknown-message'; // an id/action this codec does not know

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export const isProtocolError = (err: unknown): err is ProtocolError => err instanceof ProtocolError;

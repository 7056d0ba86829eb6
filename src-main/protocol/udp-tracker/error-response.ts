/**
 * BEP 15 error response: 0 int32 action = 3 | 4 int32 transaction_id | 8 message (UTF-8,
 * to the end of the datagram). Sent for any request the tracker refuses.
 */
import {
  Action,
  MAX_DATAGRAM_BYTES,
  checkAction,
  checkLength,
  checkUint32,
  encodeUtf8Truncated,
} from './udp-tracker-common.ts';

const HEADER_BYTES = 8;
/** Messages we send are short; a long one would only help amplification. */
export const MAX_ERROR_MESSAGE_BYTES = 200;

export interface ErrorResponse {
  transactionId: number;
  message: string;
}

export function encodeErrorResponse(res: ErrorResponse): Uint8Array {
  const text = encodeUtf8Truncated(res.message, MAX_ERROR_MESSAGE_BYTES);
  const out = new Uint8Array(HEADER_BYTES + text.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, Action.error);
  view.setUint32(4, checkUint32(res.transactionId, 'transaction id'));
  out.set(text, HEADER_BYTES);
  return out;
}

export function decodeErrorResponse(bytes: Uint8Array): ErrorResponse {
  const view = checkLength(bytes, HEADER_BYTES, MAX_DATAGRAM_BYTES, 'error response');
  checkAction(view, 0, Action.error, 'error response');
  // Other trackers' messages are shown to the user, so bad UTF-8 becomes U+FFFD rather
  // than a reason to discard the error itself. What is kept is cut to the bound we send
  // under (at a character boundary), so a long message neither fills the UI nor changes
  // when it is encoded again.
  const text = new TextDecoder('utf-8').decode(bytes.subarray(HEADER_BYTES));
  const message = new TextDecoder('utf-8').decode(encodeUtf8Truncated(text, MAX_ERROR_MESSAGE_BYTES));
  return { transactionId: view.getUint32(4), message };
}

/**
 * BEP 15 connect: the client proves it can receive at its source address before the
 * tracker does any work for it.
 *
 *   request  (16 B): int64 protocol_id = 0x41727101980 | int32 action = 0 | int32 transaction_id
 *   response (16 B): int32 action = 0 | int32 transaction_id | int64 connection_id
 *
 * BEP 15 asks both sides to accept datagrams longer than expected (future extensions), so
 * decoders ignore trailing bytes up to MAX_DATAGRAM_BYTES.
 */
import { ProtocolError } from '../protocol-error.ts';
import {
  Action,
  MAX_DATAGRAM_BYTES,
  PROTOCOL_ID,
  checkAction,
  checkConnectionId,
  checkLength,
  checkUint32,
} from './udp-tracker-common.ts';

export const CONNECT_REQUEST_BYTES = 16;
export const CONNECT_RESPONSE_BYTES = 16;

export interface ConnectRequest {
  transactionId: number;
}

export interface ConnectResponse {
  transactionId: number;
  connectionId: bigint;
}

export function encodeConnectRequest(req: ConnectRequest): Uint8Array {
  const out = new Uint8Array(CONNECT_REQUEST_BYTES);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, PROTOCOL_ID);
  view.setUint32(8, Action.connect);
  view.setUint32(12, checkUint32(req.transactionId, 'transaction id'));
  return out;
}

export function decodeConnectRequest(bytes: Uint8Array): ConnectRequest {
  const view = checkLength(bytes, CONNECT_REQUEST_BYTES, MAX_DATAGRAM_BYTES, 'connect request');
  if (view.getBigUint64(0) !== PROTOCOL_ID)
    throw new ProtocolError('bad-value', 'connect request without the BEP 15 protocol id');
  checkAction(view, 8, Action.connect, 'connect request');
  return { transactionId: view.getUint32(12) };
}

export function encodeConnectResponse(res: ConnectResponse): Uint8Array {
  const out = new Uint8Array(CONNECT_RESPONSE_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, Action.connect);
  view.setUint32(4, checkUint32(res.transactionId, 'transaction id'));
  view.setBigUint64(8, checkConnectionId(res.connectionId));
  return out;
}

export function decodeConnectResponse(bytes: Uint8Array): ConnectResponse {
  const view = checkLength(bytes, CONNECT_RESPONSE_BYTES, MAX_DATAGRAM_BYTES, 'connect response');
  checkAction(view, 0, Action.connect, 'connect response');
  return { transactionId: view.getUint32(4), connectionId: view.getBigUint64(8) };
}

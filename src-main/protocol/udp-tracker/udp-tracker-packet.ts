/**
 * Dispatch on a datagram's action: the tracker decodes any request with
 * `decodeTrackerRequest`, a client any response with `decodeTrackerResponse`. Both throw
 * ProtocolError for anything malformed, so the caller drops the datagram and counts it.
 */
import { ProtocolError } from '../protocol-error.ts';
import {
  decodeAnnounceRequest,
  decodeAnnounceResponse,
  type AnnounceRequest,
  type AnnounceResponse,
} from './announce.ts';
import {
  decodeCatalogListRequest,
  decodeCatalogListResponse,
  type CatalogListRequest,
  type CatalogListResponse,
} from './catalog-list.ts';
import {
  decodeCatalogPublishRequest,
  decodeCatalogPublishResponse,
  type CatalogPublishRequest,
  type CatalogPublishResponse,
} from './catalog-publish.ts';
import {
  decodeConnectRequest,
  decodeConnectResponse,
  type ConnectRequest,
  type ConnectResponse,
} from './connect.ts';
import { decodeErrorResponse, type ErrorResponse } from './error-response.ts';
import type { IpFamily } from '../ip-address.ts';
import {
  decodeScrapeRequest,
  decodeScrapeResponse,
  type ScrapeRequest,
  type ScrapeResponse,
} from './scrape.ts';
import { Action, MAX_DATAGRAM_BYTES } from './udp-tracker-common.ts';

export type TrackerRequest =
  | { action: 'connect'; request: ConnectRequest }
  | { action: 'announce'; request: AnnounceRequest }
  | { action: 'scrape'; request: ScrapeRequest }
  | { action: 'catalog-publish'; request: CatalogPublishRequest }
  | { action: 'catalog-list'; request: CatalogListRequest };

export type TrackerResponse =
  | { action: 'connect'; response: ConnectResponse }
  | { action: 'announce'; response: AnnounceResponse }
  | { action: 'scrape'; response: ScrapeResponse }
  | { action: 'error'; response: ErrorResponse }
  | { action: 'catalog-publish'; response: CatalogPublishResponse }
  | { action: 'catalog-list'; response: CatalogListResponse };

/** Every request starts with connection_id (or protocol_id), action, transaction_id. */
const REQUEST_HEADER_BYTES = 16;
/** Every response starts with action, transaction_id. */
const RESPONSE_HEADER_BYTES = 8;

export function decodeTrackerRequest(bytes: Uint8Array): TrackerRequest {
  const action = peekRequestAction(bytes);
  switch (action) {
    case Action.connect:
      return { action: 'connect', request: decodeConnectRequest(bytes) };
    case Action.announce:
      return { action: 'announce', request: decodeAnnounceRequest(bytes) };
    case Action.scrape:
      return { action: 'scrape', request: decodeScrapeRequest(bytes) };
    case Action.catalogPublish:
      return { action: 'catalog-publish', request: decodeCatalogPublishRequest(bytes) };
    case Action.catalogList:
      return { action: 'catalog-list', request: decodeCatalogListRequest(bytes) };
    default:
      throw new ProtocolError('unknown-message', `unknown tracker action ${action}`);
  }
}

/**
 * The action code of a request, after checking the datagram's length bounds, without
 * decoding the rest: a tracker decodes announces in place and the rest here.
 */
export function peekRequestAction(bytes: Uint8Array): number {
  if (bytes.length > MAX_DATAGRAM_BYTES)
    throw new ProtocolError('too-large', `datagram of ${bytes.length} bytes`);
  if (bytes.length < REQUEST_HEADER_BYTES)
    throw new ProtocolError('truncated', `datagram of ${bytes.length} bytes`);
  // Read by hand: a DataView per datagram is an allocation on the hot path.
  return (
    (((bytes[8] as number) << 24) |
      ((bytes[9] as number) << 16) |
      ((bytes[10] as number) << 8) |
      (bytes[11] as number)) >>>
    0
  );
}

/** The action and transaction id of a response, without decoding the rest. */
export function peekResponseHeader(bytes: Uint8Array): { action: number; transactionId: number } {
  if (bytes.length < RESPONSE_HEADER_BYTES)
    throw new ProtocolError('truncated', `datagram of ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { action: view.getUint32(0), transactionId: view.getUint32(4) };
}

/** `family` is the address family of the socket: it sets the compact peer size (BEP 15). */
export function decodeTrackerResponse(bytes: Uint8Array, family: IpFamily): TrackerResponse {
  const { action } = peekResponseHeader(bytes);
  switch (action) {
    case Action.connect:
      return { action: 'connect', response: decodeConnectResponse(bytes) };
    case Action.announce:
      return { action: 'announce', response: decodeAnnounceResponse(bytes, family) };
    case Action.scrape:
      return { action: 'scrape', response: decodeScrapeResponse(bytes) };
    case Action.error:
      return { action: 'error', response: decodeErrorResponse(bytes) };
    case Action.catalogPublish:
      return { action: 'catalog-publish', response: decodeCatalogPublishResponse(bytes) };
    case Action.catalogList:
      return { action: 'catalog-list', response: decodeCatalogListResponse(bytes) };
    default:
      throw new ProtocolError('unknown-message', `unknown tracker action ${action}`);
  }
}

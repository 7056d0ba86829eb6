/**
 * How many block requests to keep outstanding with one peer (see NOTES.md).
 *
 * Like libtorrent's `desired_queue_size`: enough requests to cover `targetQueueTimeSec` of
 * data at the rate the peer is delivering, so the pipe never drains while a request
 * travels: depth = ceil(rate × queueTime / blockLength), clamped to [min, max]. The max is
 * also capped by the peer's own limit, BEP 10 `reqq` ("the number of outstanding request
 * messages this client supports without dropping any").
 *
 * A new connection has no rate yet; starting at `min` would starve a fast loopback peer
 * for the whole rate window, so while the connection is warming up the depth is at least
 * `initialDepth`.
 */
export interface RequestQueueDepthOptions {
  blockLengthBytes: number;
  /** Seconds of data to keep requested (libtorrent `request_queue_time`: 3). */
  targetQueueTimeSec: number;
  minDepth: number;
  /** libtorrent `max_out_request_queue`: 500. */
  maxDepth: number;
  /** Depth before the rate meter has a full window. */
  initialDepth: number;
  /** How long a connection counts as warming up (≈ the rate meter's window). */
  warmupMs: number;
}

export const DEFAULT_REQUEST_QUEUE_DEPTH: Readonly<RequestQueueDepthOptions> = Object.freeze({
  blockLengthBytes: 16 * 1024,
  targetQueueTimeSec: 3,
  minDepth: 16,
  maxDepth: 500,
  initialDepth: 64,
  warmupMs: 5000,
});

export interface RequestQueueDepthInput {
  /** What this peer delivers to us now (RateMeter.bytesPerSecond()). */
  rateBytesPerSec: number;
  /** Time since we started requesting from this peer (unchoke). Omit: warm. */
  elapsedMs?: number;
  /** The peer's BEP 10 `reqq`, when it sent one. */
  peerReqq?: number;
}

export function requestQueueDepth(
  input: RequestQueueDepthInput,
  options: Partial<RequestQueueDepthOptions> = {},
): number {
  const o = { ...DEFAULT_REQUEST_QUEUE_DEPTH, ...options };
  let max = o.maxDepth;
  if (input.peerReqq !== undefined && Number.isFinite(input.peerReqq) && input.peerReqq >= 1) {
    max = Math.min(max, Math.floor(input.peerReqq));
  }
  const min = Math.min(o.minDepth, max);
  const rate =
    Number.isFinite(input.rateBytesPerSec) && input.rateBytesPerSec > 0 ? input.rateBytesPerSec : 0;
  let depth = Math.ceil((rate * o.targetQueueTimeSec) / o.blockLengthBytes);
  if (input.elapsedMs !== undefined && input.elapsedMs < o.warmupMs) depth = Math.max(depth, o.initialDepth);
  return Math.max(min, Math.min(max, depth));
}

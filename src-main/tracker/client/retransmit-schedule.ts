/**
 * BEP 15 retransmission: "If a response is not received after 15 · 2ⁿ seconds, the client
 * should retransmit the request, where n starts at 0 and is increased up to 8 (3840
 * seconds) after every retransmission." Pure, so the schedule is tested without sockets;
 * the base and the cap are options so tests and the Announcer's failover can use shorter
 * ones.
 */
export interface RetransmitPolicy {
  /** Wait for the first answer (BEP 15: 15 000 ms). */
  baseTimeoutMs: number;
  /** Retransmissions after the first send before giving up (BEP 15: n up to 8). */
  maxRetransmits: number;
}

export const BEP15_RETRANSMIT: RetransmitPolicy = { baseTimeoutMs: 15_000, maxRetransmits: 8 };

/** BEP 15: a connection id may be used for one minute after it was received. */
export const CONNECTION_ID_TTL_MS = 60_000;

/**
 * How long to wait after send number `attempt` (0 = the first send) before retransmitting,
 * or undefined when no more sends are allowed and the request has failed.
 */
export function retransmitTimeoutMs(
  attempt: number,
  policy: RetransmitPolicy = BEP15_RETRANSMIT,
): number | undefined {
  if (!Number.isInteger(attempt) || attempt < 0 || attempt > policy.maxRetransmits) return undefined;
  return policy.baseTimeoutMs * 2 ** attempt;
}

/** Every wait of a request that is never answered, in order. */
export function retransmitSchedule(policy: RetransmitPolicy = BEP15_RETRANSMIT): number[] {
  const out: number[] = [];
  for (let n = 0; ; n++) {
    const t = retransmitTimeoutMs(n, policy);
    if (t === undefined) return out;
    out.push(t);
  }
}

/** Whether a connection id received at `receivedAtMs` may still be used at `nowMs`. */
export function connectionIdUsable(
  receivedAtMs: number,
  nowMs: number,
  ttlMs = CONNECTION_ID_TTL_MS,
): boolean {
  return nowMs >= receivedAtMs && nowMs - receivedAtMs < ttlMs;
}

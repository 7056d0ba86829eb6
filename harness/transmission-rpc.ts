// Transmission's JSON-RPC, as the interop tests and the benchmark drive a
// transmission-daemon: the first call answers 409 with the session id to send back, which
// the returned function remembers for the calls after it.
export type TransmissionRpc = (
  method: string,
  args: Record<string, unknown>,
) => Promise<Record<string, unknown>>;

/** `host`: where the daemon's RPC listens (default 127.0.0.1). */
export function transmissionRpc(port: number, host = '127.0.0.1'): TransmissionRpc {
  let sessionId = '';
  return async (method, args) => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const res = await fetch(`http://${host}:${port}/transmission/rpc`, {
        method: 'POST',
        headers: { 'X-Transmission-Session-Id': sessionId, 'Content-Type': 'application/json' },
        body: JSON.stringify({ method, arguments: args }),
      });
      if (res.status === 409) {
        sessionId = res.headers.get('X-Transmission-Session-Id') ?? '';
        continue;
      }
      const body = (await res.json()) as { result?: string; arguments?: Record<string, unknown> };
      if (body.result !== 'success')
        throw new Error(`transmission RPC ${method}: ${body.result ?? res.status}`);
      return body.arguments ?? {};
    }
    throw new Error(`transmission RPC ${method}: no session id`);
  };
}

// The web transport's connection states with a scripted WebSocket: no token means
// `unauthorized` at once (nothing to try); a socket that fails is retried while the
// daemon is away, and ends in `unauthorized` when the daemon refuses the token.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWebSocketClient, type AccessCheck } from './websocket.ts';
import type { ConnectionState } from './renderer-client.ts';

class FakeSocket {
  static readonly OPEN = 1;
  static made: FakeSocket[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: ((m: { data: string }) => void) | null = null;
  onclose: ((e: { code: number }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }
  send(): void {}
  close(): void {}
  /** As a browser reports a refused upgrade or a daemon that is not there. */
  fail(): void {
    this.onclose?.({ code: 1006 });
  }
}

const Impl = FakeSocket as unknown as typeof WebSocket;

function states(client: { onConnection(l: (s: ConnectionState) => void): () => void }): ConnectionState[] {
  const seen: ConnectionState[] = [];
  client.onConnection((s) => seen.push(s));
  return seen;
}

beforeEach(() => {
  FakeSocket.made = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('createWebSocketClient access', () => {
  it('without a token it is unauthorized at once and opens no socket', () => {
    const seen = states(createWebSocketClient(null, { WebSocketImpl: Impl }));
    expect(seen).toEqual(['unauthorized']);
    expect(FakeSocket.made).toHaveLength(0);
  });

  it('a refused token ends in unauthorized, with no more attempts', async () => {
    const check = vi.fn(async (): Promise<AccessCheck> => 'refused');
    const seen = states(
      createWebSocketClient('ws://h/ws?token=old', { WebSocketImpl: Impl, checkAccess: check }),
    );
    FakeSocket.made[0]!.fail();
    await vi.runAllTimersAsync();
    expect(seen.at(-1)).toBe('unauthorized');
    expect(check).toHaveBeenCalledTimes(1);
    expect(FakeSocket.made).toHaveLength(1);
  });

  it('a daemon that is away is retried with the same address', async () => {
    const seen = states(
      createWebSocketClient('ws://h/ws?token=t', {
        WebSocketImpl: Impl,
        checkAccess: async () => 'unreachable',
      }),
    );
    FakeSocket.made[0]!.fail();
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toContain('reconnecting');
    expect(seen).not.toContain('unauthorized');
    expect(FakeSocket.made.length).toBeGreaterThanOrEqual(2);
    expect(FakeSocket.made[1]!.url).toBe('ws://h/ws?token=t');
  });
});

/**
 * Quitting without losing state: Electron quits as soon as every `before-quit` listener
 * returns, so a plain `void service.close()` was cut off mid-way (announces not stopped,
 * the last resume record not written). The gate cancels the first quit, closes the
 * service (stopped announces, final resume save, fsync) within a time limit, then exits.
 */

/** The part of Electron's `app` the gate uses (Electron's own `app` satisfies it). */
export interface QuitGateApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  exit(exitCode?: number): void;
}

export interface QuitGateOptions {
  app: QuitGateApp;
  /** Everything that must finish before the process ends (the service's close). */
  close(): Promise<void>;
  /** The longest a quit waits for `close` before exiting anyway. */
  timeoutMs: number;
  /** Told when `close` failed or ran out of time (the app still exits). */
  onProblem?(problem: 'close-failed' | 'close-timed-out', err?: unknown): void;
}

export interface QuitGate {
  /** True from the first quit request on: windows may close for real then. */
  readonly quitting: boolean;
}

export function installQuitGate(options: QuitGateOptions): QuitGate {
  const state = { quitting: false };
  let closing: Promise<void> | null = null;
  options.app.on('before-quit', (event) => {
    state.quitting = true;
    // Every quit request before the close settles is held back; exit() ends the app
    // without emitting before-quit again.
    event.preventDefault();
    if (closing) return;
    closing = closeWithin(options).then((exitCode) => options.app.exit(exitCode));
  });
  return state;
}

async function closeWithin(options: QuitGateOptions): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<'timed-out'>((resolve) => {
    timer = setTimeout(() => resolve('timed-out'), options.timeoutMs);
  });
  try {
    const outcome = await Promise.race([options.close().then(() => 'closed' as const), timedOut]);
    if (outcome === 'timed-out') {
      options.onProblem?.('close-timed-out');
      return 1;
    }
    return 0;
  } catch (err) {
    options.onProblem?.('close-failed', err);
    return 1;
  } finally {
    clearTimeout(timer);
  }
}

import { TypedEmitter } from '../peer/typed-emitter.ts';
import type { SessionEvents } from '../session-api.ts';

/**
 * The session's events. Listener errors are caught and reported on stderr once per
 * listener call, so one faulty UI subscriber cannot break the engine.
 */
export class EventHub extends TypedEmitter<SessionEvents> {
  constructor() {
    super({ onListenerError: (event, err) => console.error(`swarmdrop: '${event}' listener threw:`, err) });
  }

  override emit<E extends keyof SessionEvents>(event: E, ...args: Parameters<SessionEvents[E]>): void {
    super.emit(event, ...args);
  }

  override hasListeners(event: keyof SessionEvents): boolean {
    return super.hasListeners(event);
  }

  close(): void {
    this.removeAllListeners();
  }
}

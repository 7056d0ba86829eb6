import type { SessionEventName, SessionEvents } from '../session-api.ts';

/**
 * A typed emitter for the session's events. Listener errors are caught and reported on
 * stderr once per listener call, so one faulty UI subscriber cannot break the engine.
 */
export class EventHub {
  private readonly listeners = new Map<SessionEventName, Set<(...args: never[]) => void>>();

  on<E extends SessionEventName>(event: E, listener: SessionEvents[E]): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (...args: never[]) => void);
    return () => {
      set.delete(listener as (...args: never[]) => void);
    };
  }

  emit<E extends SessionEventName>(event: E, ...args: Parameters<SessionEvents[E]>): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as unknown as (...a: Parameters<SessionEvents[E]>) => void)(...args);
      } catch (err) {
        console.error(`swarmdrop: '${event}' listener threw:`, err);
      }
    }
  }

  hasListeners(event: SessionEventName): boolean {
    return (this.listeners.get(event)?.size ?? 0) > 0;
  }

  close(): void {
    this.listeners.clear();
  }
}

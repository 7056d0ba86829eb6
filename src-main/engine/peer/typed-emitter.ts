// The engine's one typed event emitter: listeners kept in arrays and called in order, with
// no per-emit allocation, since a connection emits one event per received block. Peer
// connections extend it; the session's events (session/event-hub.ts) use it with
// `onListenerError`, so one faulty subscriber cannot break the engine.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- listener signatures vary per event
type Listener = (...args: any[]) => void;

export interface TypedEmitterOptions {
  /** When set, a listener that throws is reported here and the next listener still runs. */
  onListenerError?: (event: string, err: unknown) => void;
}

export class TypedEmitter<Events extends { [K in keyof Events]: Listener }> {
  private readonly listeners: { [K in keyof Events]?: Events[K][] } = {};
  private readonly onListenerError: TypedEmitterOptions['onListenerError'];

  constructor(options: TypedEmitterOptions = {}) {
    this.onListenerError = options.onListenerError;
  }

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Events[K]): () => void {
    const list: Events[K][] = this.listeners[event] ?? [];
    this.listeners[event] = [...list, listener];
    return () => this.off(event, listener);
  }

  once<K extends keyof Events>(event: K, listener: Events[K]): () => void {
    const wrapper = ((...args: Parameters<Events[K]>) => {
      off();
      listener(...args);
    }) as Events[K];
    const off = this.on(event, wrapper);
    return off;
  }

  off<K extends keyof Events>(event: K, listener: Events[K]): void {
    const list = this.listeners[event];
    if (!list) return;
    const i = list.indexOf(listener);
    // Copy-on-write so removing during an emit does not skip the next listener.
    if (i >= 0) this.listeners[event] = [...list.slice(0, i), ...list.slice(i + 1)];
  }

  protected emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    const list = this.listeners[event];
    if (!list) return;
    const onError = this.onListenerError;
    if (!onError) {
      for (let i = 0; i < list.length; i++) list[i]!(...args);
      return;
    }
    for (let i = 0; i < list.length; i++) {
      try {
        list[i]!(...args);
      } catch (err) {
        onError(String(event), err);
      }
    }
  }

  protected hasListeners(event: keyof Events): boolean {
    return (this.listeners[event]?.length ?? 0) > 0;
  }

  protected removeAllListeners(): void {
    for (const key of Object.keys(this.listeners)) delete this.listeners[key as keyof Events];
  }
}

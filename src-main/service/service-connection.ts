/**
 * One client of the service (the Electron window, or one browser tab): validates and
 * runs its commands, forwards events to it, and pushes `detail` for the torrent it
 * watches. Transports hold no logic: they call `invoke` and deliver `emit`.
 */
import type { CommandHandlers, CommandName, CommandRequest } from '../../src-shared/contract/commands.ts';
import type { EventMap, EventName } from '../../src-shared/contract/events.ts';
import type { ResultEnvelope } from '../../src-shared/contract/client.ts';
import { ContractError, ERROR_WORDING, toErrorPayload } from '../../src-shared/contract/error-codes.ts';
import { validateCommand } from './validate-command.ts';
import { createHandlers } from './command-handlers.ts';
import type { DetailWatcher, ServiceCore } from './service-core.ts';

export type EventSink = <E extends EventName>(event: E, payload: EventMap[E]) => void;

/** Detail pushes per second while a torrent is watched (the piece map's refresh rate). */
const DETAIL_PER_SECOND = 4;

export class ServiceConnection implements DetailWatcher {
  private readonly handlers: CommandHandlers;
  private watchedId: string | null = null;
  private lastDetailJson = '';
  private detailTimer: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  constructor(
    private readonly service: ServiceCore,
    private readonly sink: EventSink,
    private readonly onClose: () => void,
    readonly onThisMachine: boolean,
  ) {
    this.handlers = createHandlers(service, this);
    // Problems from start-up are news to every new client.
    queueMicrotask(() => {
      for (const p of service.startupProblems) this.emit('error', { ...p, atMs: Date.now() });
    });
  }

  /** Validates and runs one command; never throws (failures become envelopes). */
  async invoke(command: string, request: unknown): Promise<ResultEnvelope> {
    try {
      if (this.closed) throw new ContractError('not-ready', ERROR_WORDING['not-ready']);
      const valid = validateCommand(command, request);
      const handler = this.handlers[valid.name] as (r: CommandRequest<CommandName>) => Promise<unknown>;
      return { ok: true, response: await handler(valid.request) };
    } catch (err) {
      const payload = toErrorPayload(err);
      if (payload.code === 'internal')
        this.service.logger.error(`${command} failed: ${payload.detail ?? payload.message}`, {
          code: 'internal',
          command,
        });
      return { ok: false, error: payload };
    }
  }

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    if (this.closed) return;
    this.sink(event, payload);
  }

  watch(id: string | null): void {
    this.watchedId = id;
    this.lastDetailJson = '';
    if (id === null) {
      if (this.detailTimer) clearInterval(this.detailTimer);
      this.detailTimer = null;
      return;
    }
    this.pushDetail();
    if (!this.detailTimer) {
      this.detailTimer = setInterval(() => this.pushDetail(), 1000 / DETAIL_PER_SECOND);
      this.detailTimer.unref?.();
    }
  }

  private pushDetail(): void {
    const id = this.watchedId;
    if (id === null || this.closed) return;
    let detail;
    try {
      detail = this.service.detail(id);
    } catch {
      this.watch(null);
      return;
    }
    // Only changes travel: an idle seed's detail costs a stringify, not a message.
    const json = JSON.stringify(detail);
    if (json === this.lastDetailJson) return;
    this.lastDetailJson = json;
    this.emit('detail', detail);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.detailTimer) clearInterval(this.detailTimer);
    this.detailTimer = null;
    // What this client staged and never finished is deleted (the service's close waits for it).
    void this.service.uploads.release(this);
    this.onClose();
  }
}

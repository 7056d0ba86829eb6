/**
 * A small fake of the Electron objects the shell's modules use (an `app` that emits
 * events, a window, a tray, ipcMain, notifications), for unit tests in plain Node. It
 * records what the module under test did; it is not Electron and is never shipped.
 */
import { EventEmitter } from 'node:events';
import type { ResultEnvelope } from '../../src-shared/contract/client.ts';
import type { InvokeSender } from './ipc-host.ts';

/** An event object with Electron's preventDefault(). */
export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export class FakeApp extends EventEmitter {
  exitCodes: number[] = [];
  quitCalls = 0;
  exit(code = 0): void {
    this.exitCodes.push(code);
  }
  quit(): void {
    this.quitCalls++;
    // Electron emits before-quit, and quits unless a listener prevented it.
    const event = new FakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.exitCodes.push(0);
  }
}

export class FakeWindow extends EventEmitter {
  hidden = false;
  destroyed = false;
  readonly sent: unknown[][] = [];
  readonly webContents = {
    id: 7,
    isDestroyed: () => this.destroyed,
    send: (...args: unknown[]) => void this.sent.push(args),
  };
  hide(): void {
    this.hidden = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** What Electron does when the user clicks the close button. */
  userCloses(): FakeEvent {
    const event = new FakeEvent();
    this.emit('close', event);
    if (!event.defaultPrevented) {
      this.destroyed = true;
      this.emit('closed');
    }
    return event;
  }
}

export class FakeIpcMain {
  readonly handlers = new Map<string, (event: InvokeSender, ...args: unknown[]) => Promise<ResultEnvelope>>();
  handle(
    channel: string,
    listener: (event: InvokeSender, ...args: unknown[]) => Promise<ResultEnvelope>,
  ): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

export class FakeNotification extends EventEmitter {
  static readonly shown: FakeNotification[] = [];
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show(): void {
    FakeNotification.shown.push(this);
  }
}

export class FakeTrayIcon<M> extends EventEmitter {
  toolTip = '';
  title = '';
  menu: M | null = null;
  destroyed = false;
  setToolTip(text: string): void {
    this.toolTip = text;
  }
  setTitle(text: string): void {
    this.title = text;
  }
  setContextMenu(menu: M): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

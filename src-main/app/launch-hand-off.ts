/**
 * Magnets and .torrent files given to the app (first launch's argv, a second launch's
 * argv through 'second-instance', macOS 'open-url'/'open-file') become `add` commands
 * through the same contract as the UI's. Requests that arrive before the service is up
 * wait in order.
 */
import path from 'node:path';
import type { ResultEnvelope } from '../../src-shared/contract/client.ts';
import { launchRequests } from './launch-args.ts';

/** The part of a ServiceConnection the hand-off uses. */
export interface AddInvoker {
  invoke(command: 'add', request: unknown): Promise<ResultEnvelope>;
}

export interface LaunchHandOffOptions {
  readFile(file: string): Promise<Uint8Array>;
  /** Told about each request that could not be added (unreadable file, refused add). */
  onRefused(what: string, reason: string): void;
}

export class LaunchHandOff {
  private target: AddInvoker | null = null;
  private readonly waiting: string[] = [];

  constructor(private readonly options: LaunchHandOffOptions) {}

  /** The service is up: add everything that waited, then take requests directly. */
  async attach(target: AddInvoker): Promise<void> {
    this.target = target;
    await this.handle(this.waiting.splice(0));
  }

  async handle(argv: readonly string[]): Promise<void> {
    if (!this.target) {
      this.waiting.push(...argv);
      return;
    }
    const target = this.target;
    const { magnets, torrentFiles } = launchRequests(argv);
    for (const uri of magnets)
      this.report(uri, await target.invoke('add', { source: { kind: 'magnet', uri } }));
    for (const file of torrentFiles) {
      let bytes: Uint8Array;
      try {
        bytes = await this.options.readFile(file);
      } catch (err) {
        this.options.onRefused(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
        continue;
      }
      const request = {
        source: {
          kind: 'torrent-file',
          bytesBase64: Buffer.from(bytes).toString('base64'),
          fileName: path.basename(file),
        },
      };
      this.report(file, await target.invoke('add', request));
    }
  }

  private report(what: string, result: ResultEnvelope): void {
    if (!result.ok) this.options.onRefused(what, result.error.message);
  }
}

/**
 * A log file bounded in size: lines are appended to `<dir>/<name>.log`; when the next line
 * would take it past `maxBytes`, it becomes `<name>.log.1` (the older ones shift up to
 * `.log.<keep>`, the oldest is deleted) and a new file starts. So a log never holds more
 * than (keep + 1) × maxBytes on disk, however long a daemon runs.
 *
 * Writes are synchronous appends (O_APPEND): we log a few lines a minute, never per block,
 * so there is no throughput to buy with a buffer, and a line written before a crash or a
 * `process.exit` is on disk. Several processes may share one data folder (two `get`s at
 * once): O_APPEND keeps their lines whole, and a process that finds its file already
 * rotated by another one reopens the new file instead of rotating again.
 */
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface RotatingLogFileOptions {
  dir: string;
  /** File name without `.log`. */
  name: string;
  /** Size at which the file is rotated. Default 2 MiB. */
  maxBytes?: number;
  /** Rotated files kept beside the current one. Default 3. */
  keep?: number;
}

export const DEFAULT_LOG_FILE_BYTES = 2 * 1024 * 1024;
export const DEFAULT_LOG_FILES_KEPT = 3;

export class RotatingLogFile {
  readonly path: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private fd: number | null = null;
  private sizeBytes = 0;

  /** Creates the folder (0700: logs name files and peers) and opens the file; throws if it cannot. */
  constructor(options: RotatingLogFileOptions) {
    this.maxBytes = options.maxBytes ?? DEFAULT_LOG_FILE_BYTES;
    this.keep = Math.max(0, options.keep ?? DEFAULT_LOG_FILES_KEPT);
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    this.path = path.join(options.dir, `${options.name}.log`);
    this.open();
  }

  /** Appends `line` (a newline is added). Throws the file system's error (ENOSPC, EACCES…). */
  write(line: string): void {
    if (this.fd === null) return;
    const bytes = Buffer.from(`${line}\n`, 'utf8');
    if (this.sizeBytes > 0 && this.sizeBytes + bytes.length > this.maxBytes) this.rotate();
    writeSync(this.fd, bytes);
    this.sizeBytes += bytes.length;
  }

  /** Idempotent. */
  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }

  private open(): void {
    this.fd = openSync(this.path, 'a', 0o600);
    this.sizeBytes = fstatSync(this.fd).size;
  }

  private rotate(): void {
    const fd = this.fd!;
    const ours = fstatSync(fd);
    const current = statSync(this.path, { throwIfNoEntry: false });
    closeSync(fd);
    this.fd = null;
    // Another process rotated it already: its new file is ours to append to.
    if (current && current.ino === ours.ino) {
      if (this.keep === 0) rmSync(this.path, { force: true });
      else {
        rmSync(`${this.path}.${this.keep}`, { force: true });
        for (let i = this.keep - 1; i >= 1; i--)
          renameIfPresent(`${this.path}.${i}`, `${this.path}.${i + 1}`);
        renameIfPresent(this.path, `${this.path}.1`);
      }
    }
    this.open();
  }
}

function renameIfPresent(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Levelled logging for the hosts (daemon, Electron main, CLI): one `Logger` writes each
 * entry to every sink whose level lets it through — JSON lines to a rotating file in the
 * data folder, and short text lines to stderr.
 *
 * Node's own `fs` and a few lines here rather than a logging library: we log a handful of
 * lines a minute (never per block or per message), so a library's throughput buys
 * nothing; pino with a rotation transport would add ~30 ms to a command's start and run
 * its transports in worker threads that the Electron bundle cannot carry without a plugin,
 * and rotating-file-stream's current major needs Node 22 (we support 20).
 */
import path from 'node:path';
import { RotatingLogFile, type RotatingLogFileOptions } from './rotating-log-file.ts';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogValue = string | number | boolean | null | undefined | readonly string[];
/** Structured fields of an entry: the engine's `code`, `torrentId`, `peer`, `piece`… */
export type LogFields = Readonly<Record<string, LogValue>>;

export interface LogEntry {
  timeMs: number;
  level: LogLevel;
  msg: string;
  fields: LogFields;
  /** The logger's own fields (process id, command): in the file, not on a terminal. */
  base?: LogFields;
}

export interface LogSink {
  readonly level: LogLevel;
  write(entry: LogEntry): void;
  close?(): void;
}

export interface Logger {
  error(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  log(level: LogLevel, msg: string, fields?: LogFields): void;
  /** Whether any sink takes `level` (skip building costly fields when not). */
  enabled(level: LogLevel): boolean;
  /** Closes the sinks (the log file). Idempotent; later entries are dropped. */
  close(): void;
}

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export function createLogger(sinks: readonly LogSink[], base: LogFields = {}, now = Date.now): Logger {
  let open = true;
  const enabled = (level: LogLevel) => open && sinks.some((s) => RANK[level] <= RANK[s.level]);
  const log = (level: LogLevel, msg: string, fields: LogFields = {}) => {
    if (!open) return;
    const entry: LogEntry = { timeMs: now(), level, msg, fields, base };
    for (const sink of sinks) if (RANK[level] <= RANK[sink.level]) sink.write(entry);
  };
  return {
    error: (msg, fields) => log('error', msg, fields),
    warn: (msg, fields) => log('warn', msg, fields),
    info: (msg, fields) => log('info', msg, fields),
    debug: (msg, fields) => log('debug', msg, fields),
    log,
    enabled,
    close() {
      if (!open) return;
      open = false;
      for (const sink of sinks) sink.close?.();
    },
  };
}

/** A logger that drops everything (tests, hosts that log nowhere). */
export const silentLogger: Logger = createLogger([]);

/** `{"time":"…","level":"warn","msg":"…","code":"hash-failed",…}`: one JSON object a line. */
export function formatJsonLine(entry: LogEntry): string {
  const out: Record<string, unknown> = {
    time: new Date(entry.timeMs).toISOString(),
    level: entry.level,
    msg: entry.msg,
  };
  // The entry's own fields win over the logger's.
  for (const fields of [entry.fields, entry.base ?? {}]) {
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined && !(key in out)) out[key] = value;
    }
  }
  return JSON.stringify(out);
}

/**
 * `swarmdrop get: warning: <msg>` for people. Warnings and errors are already written in
 * user words; debug and info lines carry their fields as `key=value` for diagnosis.
 */
export function formatTextLine(prefix: string, entry: LogEntry): string {
  const label =
    entry.level === 'warn' ? 'warning: ' : entry.level === 'error' ? 'error: ' : `${entry.level}: `;
  let line = `${prefix}: ${label}${entry.msg}`;
  if (entry.level === 'debug' || entry.level === 'info') {
    for (const [key, value] of Object.entries(entry.fields)) {
      if (value === undefined || value === null || (Array.isArray(value) && value.length === 0)) continue;
      line += ` ${key}=${Array.isArray(value) ? value.join(',') : String(value)}`;
    }
  }
  return line;
}

/** Text lines through `writeLine` (stderr, or above a progress bar). */
export function textSink(level: LogLevel, prefix: string, writeLine: (line: string) => void): LogSink {
  return { level, write: (entry) => writeLine(formatTextLine(prefix, entry)) };
}

/**
 * JSON lines into a rotating file. A failing disk (full, read-only) must not take the
 * program with it: the first error is reported through `onError` and the file sink stops.
 */
export function fileSink(file: RotatingLogFile, level: LogLevel, onError: (err: Error) => void): LogSink {
  let failed = false;
  return {
    level,
    write(entry) {
      if (failed) return;
      try {
        file.write(formatJsonLine(entry));
      } catch (err) {
        failed = true;
        onError(err as Error);
      }
    },
    close: () => {
      try {
        file.close();
      } catch {
        // Closing a log file that could not be written is not worth an error of its own.
      }
    },
  };
}

export interface HostLoggerOptions {
  /** The data folder; the log goes to `<dataDir>/logs/<name>.log`. No folder, no file. */
  dataDir: string | undefined;
  /** `cli`, `daemon`, `app`. */
  name: string;
  /** What goes into the file. Default 'info'. */
  fileLevel?: LogLevel;
  /** What goes to `writeLine`; 'off' for nothing. Default 'warn'. */
  textLevel?: LogLevel | 'off';
  /** Start of each text line, e.g. `swarmdrop get`. */
  prefix: string;
  /** Default: stderr. */
  writeLine?: (line: string) => void;
  /** Fields on every entry (e.g. the process id, the command). */
  base?: LogFields;
  /** Rotation bounds (tests make them small). */
  rotation?: Pick<RotatingLogFileOptions, 'maxBytes' | 'keep'>;
}

export interface HostLogger extends Logger {
  /** The log file, or null when there is none (no data folder, or it could not be opened). */
  readonly filePath: string | null;
  /** The same log without the text lines: for what the user is told another way. */
  readonly fileOnly: Logger;
}

export function openHostLogger(options: HostLoggerOptions): HostLogger {
  const writeLine = options.writeLine ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const textLevel = options.textLevel ?? 'warn';
  const text = textLevel === 'off' ? null : textSink(textLevel, options.prefix, writeLine);
  const sinks: LogSink[] = text ? [text] : [];
  let file: RotatingLogFile | null = null;
  let fileOnly = silentLogger;
  const problem = (what: string, err: Error) =>
    writeLine(`${options.prefix}: warning: ${what}: ${err.message}`);
  if (options.dataDir !== undefined) {
    try {
      file = new RotatingLogFile({
        dir: path.join(options.dataDir, 'logs'),
        name: options.name,
        ...options.rotation,
      });
      const sink = fileSink(file, options.fileLevel ?? 'info', (err) => problem('the log file stopped', err));
      sinks.push(sink);
      // Closed with the main logger, which owns the sink.
      fileOnly = createLogger([{ level: sink.level, write: (e) => sink.write(e) }], options.base);
    } catch (err) {
      problem('no log file', err as Error);
    }
  }
  const logger = createLogger(sinks, options.base);
  return Object.assign(logger, { filePath: file?.path ?? null, fileOnly });
}

// A child process the benchmark measures: JSON lines from its stdout, its CPU seconds and
// memory from /proc while it is alive. We read /proc rather than wait4 rusage because
// rusage only arrives after exit and has no anonymous-memory figure; every peer script
// stays alive after it reports `finished` until we stop it, so the final read is exact
// for CPU and VmHWM, and RssAnon (which the memory target is about: file-backed
// mmap pages of the payload are not the client's memory) is sampled every 50 ms.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

export interface ProcStats {
  cpuSec: number;
  /** Peak resident set (VmHWM), including file-backed pages such as mmap'd payload. */
  peakRssMiB: number;
  /** Highest anonymous resident memory (RssAnon) seen by sampling. */
  peakAnonMiB: number;
}

export interface LineEvent {
  atMs: number;
  line: string;
  json: Record<string, unknown> | undefined;
}

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Sample RssAnon every 50 ms (leechers). */
  sampleMemory?: boolean;
}

const TICKS_PER_SEC = 100; // Linux USER_HZ; /proc/<pid>/stat counts in these.
const SAMPLE_MS = 50;

export class TrackedChild {
  /** Every child still running, so an interrupted bench can end exactly the ones it started. */
  static readonly live = new Set<TrackedChild>();

  /** SIGKILL every child this process started and that is still running. */
  static killAll(): void {
    for (const c of TrackedChild.live) c.child.kill('SIGKILL');
  }

  readonly name: string;
  readonly startedAtMs: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private readonly events: LineEvent[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly stderrTail: string[] = [];
  private peakAnonKiB = 0;
  private sampler: NodeJS.Timeout | undefined;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(name: string, command: string, args: string[], options: SpawnOptions = {}) {
    this.name = name;
    this.startedAtMs = performance.now();
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    TrackedChild.live.add(this);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        TrackedChild.live.delete(this);
        this.exitInfo = { code, signal };
        this.stopSampling();
        this.wake();
        resolve(this.exitInfo);
      });
      this.child.once('error', (err) => {
        TrackedChild.live.delete(this);
        this.stderrTail.push(`spawn failed: ${err.message}`);
        this.exitInfo = { code: -1, signal: null };
        this.stopSampling();
        this.wake();
        resolve(this.exitInfo);
      });
    });
    if (this.child.stdout) {
      createInterface({ input: this.child.stdout }).on('line', (line) => {
        this.events.push({ atMs: performance.now(), line, json: parseJsonLine(line) });
        this.wake();
      });
    }
    if (this.child.stderr) {
      createInterface({ input: this.child.stderr }).on('line', (line) => {
        this.stderrTail.push(line);
        if (this.stderrTail.length > 20) this.stderrTail.shift();
      });
    }
    if (options.sampleMemory) {
      this.sampler = setInterval(() => this.sampleMemory(), SAMPLE_MS);
      this.sampler.unref();
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Whether one of the last 20 lines of stderr contains `text`. */
  stderrHas(text: string): boolean {
    return this.stderrTail.some((line) => line.includes(text));
  }

  /** The last lines of stderr, for error messages. */
  stderr(): string {
    return this.stderrTail.slice(-6).join(' | ');
  }

  allEvents(): readonly LineEvent[] {
    return this.events;
  }

  /**
   * Resolves with the first stdout line (seen so far or later) matching `match`. Rejects
   * on time-out or when the process exits first, with its stderr in the message.
   */
  async waitFor(match: (e: LineEvent) => boolean, timeoutMs: number, what: string): Promise<LineEvent> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (this.exitInfo) {
        throw new Error(
          `${this.name} exited (${this.exitInfo.code ?? this.exitInfo.signal}) before ${what}: ${this.stderr() || this.lastLines()}`,
        );
      }
      const left = deadline - performance.now();
      if (left <= 0)
        throw new Error(
          `${this.name}: no ${what} within ${Math.round(timeoutMs / 1000)} s ${this.lastLines()}`,
        );
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, 1000));
        this.waiters.add(done);
      });
    }
  }

  /** Waits for a JSON line whose `event` field is `event`. */
  waitForEvent(event: string, timeoutMs: number): Promise<LineEvent> {
    return this.waitFor((e) => e.json?.event === event, timeoutMs, `'${event}' event`);
  }

  /** CPU and memory now; call before stopping the process. */
  stats(): ProcStats {
    this.sampleMemory();
    const pid = this.child.pid;
    if (pid === undefined || this.exitInfo) throw new Error(`${this.name} is not running; no /proc stats`);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name start at field 3 (state); utime and
    // stime are fields 14 and 15 (proc(5)) and cover every thread of the process.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(rest[11]) + Number(rest[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      cpuSec: ticks / TICKS_PER_SEC,
      peakRssMiB: statusKiB(status, 'VmHWM') / 1024,
      peakAnonMiB: this.peakAnonKiB / 1024,
    };
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. Idempotent. */
  async stop(graceMs = 5000): Promise<void> {
    this.stopSampling();
    if (this.exitInfo || this.child.pid === undefined) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private lastLines(): string {
    return this.events
      .slice(-3)
      .map((e) => e.line)
      .join(' | ');
  }

  private sampleMemory(): void {
    const pid = this.child.pid;
    if (pid === undefined || this.exitInfo) return;
    try {
      const kib = statusKiB(readFileSync(`/proc/${pid}/status`, 'utf8'), 'RssAnon');
      if (kib > this.peakAnonKiB) this.peakAnonKiB = kib;
    } catch {
      // The process may exit between the check and the read.
    }
  }

  private stopSampling(): void {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = undefined;
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}

function statusKiB(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) : 0;
}

function parseJsonLine(line: string): Record<string, unknown> | undefined {
  const t = line.trim();
  if (!t.startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

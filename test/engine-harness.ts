// Shared set-up for the engine's integration tests: a real UDP tracker on 127.0.0.1,
// real sessions with short intervals, real files, and bounded waits.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach } from 'vitest';
import { openSession } from '../src-main/engine/session/open-session.ts';
import type {
  EngineTuning,
  Session,
  SessionOptions,
  TorrentSummary,
} from '../src-main/engine/session-api.ts';
import { TrackerServer } from '../src-main/tracker/server/index.ts';
import { makeTempDir } from './support/temp-dir.ts';

export const FAST_TUNING: Partial<EngineTuning> = {
  tickMs: 100,
  rechokeIntervalMs: 500,
  optimisticIntervalMs: 2000,
  resumeSaveIntervalMs: 500,
  announceMinIntervalSec: 1,
  announceRetryBaseMs: 500,
  udpTrackerTimeoutMs: 500,
  requestTimeoutMs: 3000,
};

export async function startTracker(): Promise<{ url: string; server: TrackerServer }> {
  // Announces every second, so tests move fast; peers (and the catalog entries of their
  // shares) are kept 30 s, so a process slowed down by a loaded machine is not forgotten
  // between two announces.
  const server = new TrackerServer({ intervalSec: 1, peerTtlSec: 30 });
  const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
  return { url: `udp://127.0.0.1:${port}`, server };
}

/** Registers something to undo after the current test (see `cleanupAfterEach`). */
export type Defer = (cleanup: () => Promise<unknown>) => void;

/**
 * Call in a `describe`: everything handed to the returned `defer` during a test is undone
 * after it, last first (sessions before the tracker they announce to, the folder last).
 */
export function cleanupAfterEach(): Defer {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return (cleanup) => {
    cleanups.push(cleanup);
  };
}

export interface EngineEnv {
  /** A fresh temp folder; session `name` keeps its data and downloads below `dir/name`. */
  readonly dir: string;
  readonly tracker: { url: string; server: TrackerServer };
  /** A session at `dir/name` announcing to `tracker`, closed after the test. */
  open(name: string, extra?: Partial<SessionOptions>): Promise<Session>;
}

/** A temp folder and a tracker on 127.0.0.1 for one test; `defer` removes both after it. */
export async function startEngineEnv(defer: Defer): Promise<EngineEnv> {
  const tmp = await makeTempDir();
  defer(tmp.remove);
  const tracker = await startTracker();
  defer(() => tracker.server.close());
  return {
    dir: tmp.dir,
    tracker,
    async open(name, extra = {}) {
      const s = await openTestSession(tmp.dir, name, { defaultTrackers: [tracker.url], ...extra });
      defer(() => s.close());
      return s;
    },
  };
}

export async function openTestSession(
  dir: string,
  name: string,
  extra: Partial<SessionOptions> = {},
): Promise<Session> {
  return openSession({
    dataDir: path.join(dir, name, 'data'),
    downloadDir: path.join(dir, name, 'downloads'),
    peerHost: '127.0.0.1',
    peerPort: 0,
    ...extra,
    tuning: { ...FAST_TUNING, ...extra.tuning },
  });
}

/** Writes `lengthBytes` of random data to `file` (folders created). */
export async function writeRandomFile(file: string, lengthBytes: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, randomBytes(lengthBytes));
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Resolves when `predicate` holds for the torrent's summary; rejects after `timeoutMs`. */
export function waitFor(
  session: Session,
  id: string,
  predicate: (s: TorrentSummary) => boolean,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<TorrentSummary> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const s = session.list().find((t) => t.id === id);
      if (s && predicate(s)) {
        finish();
        resolve(s);
      }
    };
    const off = session.on('update', check);
    const poll = setInterval(check, 100);
    const timer = setTimeout(() => {
      finish();
      const s = session.list().find((t) => t.id === id);
      reject(new Error(`timed out waiting for ${what}; torrent: ${JSON.stringify(s)}`));
    }, timeoutMs);
    const finish = () => {
      off();
      clearInterval(poll);
      clearTimeout(timer);
    };
    check();
  });
}

export const isComplete = (s: TorrentSummary) => s.state === 'seeding' && s.progress === 1;

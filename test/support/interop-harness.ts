// What every real-client interop test needs: a temp folder, Swarmdrop's tracker on
// 127.0.0.1, the drivers for Transmission and WebTorrent the benchmarks use too (harness/clients,
// DHT/LSD/uTP/PEX/port mapping off, everything on loopback), and the guarantee that every
// process a test started is stopped after it, even when it failed.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { libtorrentClient } from '../../harness/clients/libtorrent-client.ts';
import { transmissionClient } from '../../harness/clients/transmission-client.ts';
import { webtorrentClient } from '../../harness/clients/webtorrent-client.ts';
import type { PeerClient } from '../../harness/peer-client.ts';
import { TrackedChild } from '../../harness/tracked-child.ts';
import { startLocalTracker, type LocalTracker } from './local-tracker.ts';
import { makeTempDir } from './temp-dir.ts';

export const repoRoot = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));

/** Anything the harness must stop after a test: peers, CLI children. */
export interface Stoppable {
  stop(): Promise<void>;
}

export interface InteropHarness {
  readonly dir: string;
  readonly tracker: LocalTracker;
  readonly transmission: PeerClient;
  readonly webtorrent: PeerClient;
  /** python3-libtorrent through harness/peers/libtorrent_peer.py. */
  readonly libtorrent: PeerClient;
  /** Registers `p` to be stopped by `stopAll()`; returns it. */
  track<T extends Stoppable>(p: T): T;
  /** A fresh folder `dir/name` (names must be unique per harness). */
  folder(name: string): Promise<string>;
  /** Stops every tracked process (call in afterEach). Never throws. */
  stopAll(): Promise<void>;
  /** stopAll, the tracker, the temp folder. Idempotent. */
  close(): Promise<void>;
}

let exitHook = false;

export async function startInteropHarness(prefix: string): Promise<InteropHarness> {
  // Should the test worker die without running afterAll, no daemon may outlive it.
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => TrackedChild.killAll());
  }
  const temp = await makeTempDir(`swarmdrop-${prefix}-`);
  const tracker = await startLocalTracker();
  const running = new Set<Stoppable>();
  const stopAll = async (): Promise<void> => {
    const all = [...running];
    running.clear();
    await Promise.allSettled(all.map((p) => p.stop()));
  };
  let closed: Promise<void> | undefined;
  return {
    dir: temp.dir,
    tracker,
    transmission: transmissionClient(),
    webtorrent: webtorrentClient(repoRoot),
    libtorrent: libtorrentClient(repoRoot),
    track(p) {
      running.add(p);
      return p;
    },
    async folder(name) {
      const dir = path.join(temp.dir, name);
      await mkdir(dir, { recursive: true });
      return dir;
    },
    stopAll,
    close() {
      closed ??= (async () => {
        await stopAll();
        await tracker.close();
        await temp.remove();
      })();
      return closed;
    },
  };
}

/**
 * Call in a `describe`: starts a harness before its tests (failing them all when `check`
 * names a reason it cannot serve, e.g. a client that cannot run here), stops whatever each
 * test started after it, and closes the harness after the last. Tests call the returned
 * function for the running harness.
 */
export function useInteropHarness(
  prefix: string,
  check?: (h: InteropHarness) => string | undefined,
): () => InteropHarness {
  let harness: InteropHarness | undefined;
  beforeAll(async () => {
    harness = await startInteropHarness(prefix);
    const problem = check?.(harness);
    if (problem) throw new Error(problem);
  });
  afterEach(async () => {
    await harness?.stopAll();
  });
  afterAll(async () => {
    await harness?.close();
  });
  return () => {
    if (!harness) throw new Error(`interop harness '${prefix}' is not running`);
    return harness;
  };
}

/** Something whose recent stderr explains a failure (a TrackedChild). */
export interface Explains {
  readonly name: string;
  stderr(): string;
}

/** Awaits `p`; when it rejects, the error also names the stderr tails of `witnesses`. */
export async function explained<T>(p: Promise<T>, ...witnesses: Explains[]): Promise<T> {
  try {
    return await p;
  } catch (err) {
    const context = witnesses.map((w) => `${w.name} stderr: ${w.stderr() || '(empty)'}`).join('; ');
    throw new Error(`${(err as Error).message}; ${context}`, { cause: err });
  }
}

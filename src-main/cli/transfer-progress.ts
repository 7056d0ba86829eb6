// Download progress for `swarmdrop get`: a cli-progress bar on a terminal, plain lines
// every few seconds otherwise (logs, CI, pipes). Warnings printed meanwhile go through
// `log`, which on a terminal clears the bar's line, prints, and draws the bar again below.
import { clearLine, cursorTo } from 'node:readline';
import cliProgress from 'cli-progress';
import type { TorrentSummary } from '../service/headless-session.ts';
import { formatBytes, formatEta, formatRate } from '../../src-shared/util/format.ts';

const LINE_INTERVAL_MS = 2000;

export interface ProgressView {
  update(s: TorrentSummary): void;
  /** Prints one line of text to the progress stream without breaking the bar. */
  log(line: string): void;
  stop(): void;
}

/** Progress on `out`; lines given to `log` go to `logOut` (stderr), above the bar when both are one terminal. */
export function transferProgress(
  out: NodeJS.WriteStream,
  logOut: NodeJS.WriteStream = process.stderr,
  /** Nodes in the DHT routing table, null when the DHT is off (not shown then). */
  dhtNodes: () => number | null = () => null,
): ProgressView {
  const dhtText = () => {
    const n = dhtNodes();
    return n === null ? '' : ` | DHT ${n} node${n === 1 ? '' : 's'}`;
  };
  const writeLog = (line: string) => void logOut.write(`${line}\n`);
  if (out.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: out,
        format: '{name} [{bar}] {percentage}% | {done}/{all} | {rate} | {peers} peers{dht} | ETA {eta}',
        hideCursor: true,
        fps: 5,
        // Redraw even when nothing changed: a line printed by `log` wiped the bar.
        forceRedraw: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    let stopped = false;
    return {
      update(s) {
        const payload = {
          name:
            s.state === 'fetching-metadata' ? 'metadata' : s.state === 'checking' ? 'checking' : 'download',
          done: formatBytes(s.verifiedBytes),
          all: formatBytes(s.totalBytes),
          rate: formatRate(s.downRateBps),
          peers: s.peers,
          dht: dhtText(),
          eta: formatEta(s.etaSec),
        };
        const total = Math.max(1, s.totalBytes);
        if (!started) bar.start(total, s.verifiedBytes, payload);
        else {
          bar.setTotal(total);
          bar.update(s.verifiedBytes, payload);
        }
        started = true;
      },
      log(line) {
        if (!started || stopped || out !== logOut) {
          writeLog(line);
          return;
        }
        cursorTo(out, 0);
        clearLine(out, 0);
        out.write(`${line}\n`);
        bar.render();
      },
      stop() {
        if (started && !stopped) bar.stop();
        stopped = true;
      },
    };
  }
  let lastMs = 0;
  return {
    update(s) {
      const now = Date.now();
      if (now - lastMs < LINE_INTERVAL_MS && s.progress < 1) return;
      lastMs = now;
      const pct = (s.progress * 100).toFixed(1);
      out.write(
        `${s.state}: ${pct}% ${formatBytes(s.verifiedBytes)}/${formatBytes(s.totalBytes)} ` +
          `${formatRate(s.downRateBps)} down, ${formatRate(s.upRateBps)} up, ${s.peers} peers (${s.seeds} seeds)${dhtText().replace(' |', ',')}\n`,
      );
    },
    log: writeLog,
    stop: () => undefined,
  };
}

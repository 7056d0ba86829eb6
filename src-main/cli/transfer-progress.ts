// Download progress for `swarmdrop get`: a cli-progress bar on a terminal, plain lines
// every few seconds otherwise (logs, CI, pipes).
import cliProgress from 'cli-progress';
import type { TorrentSummary } from '../engine/session-api.ts';
import { formatBytes, formatEta, formatRate } from '../../src-shared/util/format.ts';

const LINE_INTERVAL_MS = 2000;

export interface ProgressView {
  update(s: TorrentSummary): void;
  stop(): void;
}

export function transferProgress(out: NodeJS.WriteStream): ProgressView {
  if (out.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: out,
        format: '{name} [{bar}] {percentage}% | {done}/{all} | {rate} | {peers} peers | ETA {eta}',
        hideCursor: true,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(s) {
        const payload = {
          name:
            s.state === 'fetching-metadata' ? 'metadata' : s.state === 'checking' ? 'checking' : 'download',
          done: formatBytes(s.verifiedBytes),
          all: formatBytes(s.totalBytes),
          rate: formatRate(s.downRateBps),
          peers: s.peers,
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
      stop: () => started && bar.stop(),
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
          `${formatRate(s.downRateBps)} down, ${formatRate(s.upRateBps)} up, ${s.peers} peers (${s.seeds} seeds)\n`,
      );
    },
    stop: () => undefined,
  };
}

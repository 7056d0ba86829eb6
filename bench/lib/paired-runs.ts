// Figures that time the same transfer twice per round, without and then with some extra
// work (a UI client watching, a player reading), record each pair the same way: both
// speeds, their ratio (the pair's own, so slow and fast rounds compare alike) and both CPU
// costs per GiB.
import type { Measurement } from './result.ts';

/** One timed transfer of a pair. */
export interface PairedRun {
  mbps: number;
  cpuSec: number;
}

export interface PairedRows {
  /** MB/s without, then with the extra work. */
  mbps: [Measurement, Measurement];
  /** with ÷ without, per pair. */
  ratio: Measurement;
  /** CPU seconds per GiB without, then with. */
  cpuPerGib: [Measurement, Measurement];
}

export function recordPair(
  rows: PairedRows,
  without: PairedRun,
  withWork: PairedRun,
  payloadBytes: number,
): void {
  const gib = payloadBytes / 2 ** 30;
  rows.mbps[0].samples.push(without.mbps);
  rows.mbps[1].samples.push(withWork.mbps);
  rows.ratio.samples.push(withWork.mbps / without.mbps);
  rows.cpuPerGib[0].samples.push(without.cpuSec / gib);
  rows.cpuPerGib[1].samples.push(withWork.cpuSec / gib);
}

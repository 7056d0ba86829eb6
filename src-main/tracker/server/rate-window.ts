/**
 * Events per second over a sliding window of whole seconds (announces/s for `stats()`).
 * Pure: the clock is injected; memory is one counter per second of the window.
 */
export class RateWindow {
  private readonly counts: number[];
  private readonly stamps: number[];

  constructor(
    private readonly now: () => number,
    private readonly windowSec = 10,
  ) {
    this.counts = new Array<number>(windowSec).fill(0);
    this.stamps = new Array<number>(windowSec).fill(-1);
  }

  record(n = 1): void {
    const sec = Math.floor(this.now() / 1000);
    const slot = sec % this.windowSec;
    if (this.stamps[slot] !== sec) {
      this.stamps[slot] = sec;
      this.counts[slot] = 0;
    }
    this.counts[slot] = (this.counts[slot] ?? 0) + n;
  }

  /** Mean rate over the last `windowSec` seconds, the current (partial) one included. */
  perSecond(): number {
    const sec = Math.floor(this.now() / 1000);
    let total = 0;
    for (let i = 0; i < this.windowSec; i++) {
      const stamp = this.stamps[i] ?? -1;
      if (stamp > sec - this.windowSec && stamp <= sec) total += this.counts[i] ?? 0;
    }
    return total / this.windowSec;
  }
}

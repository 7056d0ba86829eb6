import { RateMeter } from '../rate/rate-meter.ts';

/** A torrent's payload counters: totals carried over from resume data plus this run, and rates. */
export class TransferTotals {
  private downloadedNow = 0;
  private uploadedNow = 0;
  readonly downRate: RateMeter;
  readonly upRate: RateMeter;

  constructor(
    private readonly downloadedBase: number,
    private readonly uploadedBase: number,
    now: () => number,
  ) {
    this.downRate = new RateMeter({ now });
    this.upRate = new RateMeter({ now });
  }

  get downloadedBytes(): number {
    return this.downloadedBase + this.downloadedNow;
  }

  get uploadedBytes(): number {
    return this.uploadedBase + this.uploadedNow;
  }

  add(bytes: number, direction: 'down' | 'up'): void {
    if (direction === 'down') {
      this.downloadedNow += bytes;
      this.downRate.add(bytes);
    } else {
      this.uploadedNow += bytes;
      this.upRate.add(bytes);
    }
  }
}

import { describe, expect, it } from 'vitest';
import { Ledbat, MAX_GAIN_BYTES_PER_RTT, TARGET_DELAY_US } from './ledbat.ts';
import { MIN_RTO_MS, RttEstimator } from './rtt-estimator.ts';

const PACKET = 1420;
const make = () => new Ledbat({ packetBytes: PACKET, maxWindowBytes: 1000 * PACKET });

describe('LEDBAT window', () => {
  it('grows by the bytes acked in slow start while the delay is under target', () => {
    const l = make();
    l.delaySample(5000, 0);
    l.delaySample(6000, 1); // 1 ms over the base
    const before = l.windowBytes;
    l.onAck(PACKET, before);
    expect(l.windowBytes).toBe(before + PACKET);
    expect(l.slowStart).toBe(true);
  });

  it('leaves slow start and shrinks once the queuing delay passes the 100 ms target', () => {
    const l = make();
    l.windowBytes = 100 * PACKET;
    l.delaySample(1_000_000, 0);
    expect(l.delaySample(1_000_000 + 2 * TARGET_DELAY_US, 10)).toBe(2 * TARGET_DELAY_US);
    l.onAck(10 * PACKET, 100 * PACKET);
    expect(l.slowStart).toBe(false);
    // off target by −1 (clamped): a tenth of the window acked takes a tenth of the gain off
    expect(l.windowBytes).toBeCloseTo(100 * PACKET - MAX_GAIN_BYTES_PER_RTT / 10, 5);
  });

  it('measures the delay modulo 2^32, so a peer clock that wraps reads as a small delay', () => {
    const l = make();
    l.delaySample(0xffff_fff0, 0);
    expect(l.delaySample(5, 1)).toBe(21);
    expect(l.delaySample(40_005, 2)).toBe(40_021);
  });

  it('starts the base over when a sample falls below it (the peer clock jumped back)', () => {
    const l = make();
    l.delaySample(1_000_000, 0);
    expect(l.delaySample(10, 1)).toBe(0);
    expect(l.baseDelayUs).toBe(10);
  });

  it('halves on loss and drops to one packet on a time-out, never below one packet', () => {
    const l = make();
    l.windowBytes = 40 * PACKET;
    l.onLoss();
    expect(l.windowBytes).toBe(20 * PACKET);
    l.onTimeout();
    expect(l.windowBytes).toBe(PACKET);
    l.onLoss();
    expect(l.windowBytes).toBe(PACKET);
  });

  it('keeps its bytes when packets grow, within the new smallest window and ceiling', () => {
    const l = new Ledbat({ packetBytes: PACKET, maxWindowBytes: 48 * PACKET });
    l.delaySample(5000, 0);
    l.onAck(4 * PACKET, 2 * PACKET);
    const bytes = l.windowBytes;
    l.resize(9000, 48 * 9000);
    expect(l.windowBytes).toBe(9000); // below one new packet: raised to it
    for (let i = 0; i < 100; i++) l.onAck(9000 * 48, 9000 * 48);
    expect(l.windowBytes).toBe(48 * 9000);
    l.resize(PACKET, 48 * PACKET);
    expect(l.windowBytes).toBe(48 * PACKET);
    expect(bytes).toBeGreaterThan(PACKET);
    l.onTimeout();
    expect(l.windowBytes).toBe(PACKET);
  });

  it('forgets a base delay older than the ten one-minute buckets', () => {
    const l = make();
    l.delaySample(1000, 0);
    for (let minute = 1; minute <= 10; minute++) l.delaySample(50_000, minute * 60_000);
    expect(l.baseDelayUs).toBe(50_000);
  });
});

describe('RTT estimator', () => {
  it('follows RFC 6298 and never goes under the 500 ms floor', () => {
    const r = new RttEstimator();
    r.sample(20);
    expect([r.srttMs, r.rttVarMs]).toEqual([20, 10]);
    expect(r.rtoMs).toBe(MIN_RTO_MS);
    r.sample(900);
    expect(r.srttMs).toBe(130);
    expect(r.rttVarMs).toBe(227.5);
    expect(r.rtoMs).toBe(130 + 4 * 227.5);
  });

  it('doubles the time-out per back-off until a fresh sample', () => {
    const r = new RttEstimator();
    r.sample(200);
    const base = r.rtoMs;
    r.backOff();
    r.backOff();
    expect(r.rtoMs).toBe(base * 4);
    r.sample(200);
    expect(r.rtoMs).toBeLessThan(base * 4);
  });
});

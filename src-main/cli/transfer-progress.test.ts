import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { TorrentSummary } from '../engine/session-api.ts';
import { transferProgress } from './transfer-progress.ts';

/** A stream that says it is a terminal and keeps what is written to it. */
function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; text(): string } {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  Object.assign(w, { isTTY, columns: 120, rows: 30 });
  return { stream: w as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

const downloading = {
  id: 'a'.repeat(40),
  name: 'x.bin',
  state: 'downloading',
  progress: 0.25,
  verifiedBytes: 1024,
  totalBytes: 4096,
  downRateBps: 100,
  upRateBps: 0,
  peers: 2,
  seeds: 1,
  etaSec: 30,
} as TorrentSummary;

describe('transferProgress', () => {
  it('on a terminal a warning gets its own line above the bar, which is drawn again below it', () => {
    const tty = fakeStream(true);
    const view = transferProgress(tty.stream, tty.stream);
    view.update(downloading);
    view.log('swarmdrop get: warning: piece 3 failed its hash check');
    view.stop();
    const text = tty.text();
    const at = text.indexOf('swarmdrop get: warning: piece 3 failed its hash check\n');
    expect(at).toBeGreaterThan(0);
    // The bar's half-drawn line is cleared first (CSI 2 K), so the warning does not run into it.
    expect(text.slice(0, at).endsWith('\x1b[2K')).toBe(true);
    expect(text.slice(at)).toMatch(/download \[/);
  });

  it('without a terminal the warning goes to the log stream, progress lines stay on theirs', () => {
    const out = fakeStream(false);
    const err = fakeStream(false);
    const view = transferProgress(out.stream, err.stream);
    view.update(downloading);
    view.log('swarmdrop get: warning: banned 127.0.0.1:1');
    view.stop();
    expect(err.text()).toBe('swarmdrop get: warning: banned 127.0.0.1:1\n');
    expect(out.text()).toMatch(/^downloading: 25\.0% /);
  });

  it('a line logged before the bar starts or after it stopped is printed plainly', () => {
    const tty = fakeStream(true);
    const view = transferProgress(tty.stream, tty.stream);
    view.log('before');
    view.update(downloading);
    view.stop();
    view.log('after');
    expect(tty.text().startsWith('before\n')).toBe(true);
    expect(tty.text().endsWith('after\n')).toBe(true);
  });
});

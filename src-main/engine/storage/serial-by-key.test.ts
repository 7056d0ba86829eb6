import { describe, expect, it } from 'vitest';
import { SerialByKey } from './serial-by-key.ts';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('SerialByKey', () => {
  it('runs tasks of one key one at a time, in order, and other keys alongside', async () => {
    const serial = new SerialByKey();
    const log: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const task = (name: string) => async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      running--;
      return name;
    };
    const a = [serial.run('f', task('a1')), serial.run('f', task('a2')), serial.run('f', task('a3'))];
    const b = serial.run('g', task('b1'));
    expect(await Promise.all([...a, b])).toEqual(['a1', 'a2', 'a3', 'b1']);
    const f = log.filter((l) => l.endsWith('a1') || l.endsWith('a2') || l.endsWith('a3'));
    expect(f).toEqual(['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
    // b1 ran while a1 was running: two at once across keys, never two of one key.
    expect(maxRunning).toBe(2);
    await tick();
    expect(serial.has('f') || serial.has('g')).toBe(false);
  });

  it('passes a failure to its caller only; the next task still runs', async () => {
    const serial = new SerialByKey();
    const failed = serial.run('f', () => Promise.reject(new Error('disk full')));
    const next = serial.run('f', () => Promise.resolve(42));
    await expect(failed).rejects.toThrow('disk full');
    await expect(next).resolves.toBe(42);
  });
});

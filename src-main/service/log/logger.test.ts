import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../test/support/temp-dir.ts';
import { createLogger, formatJsonLine, formatTextLine, openHostLogger, type LogEntry } from './logger.ts';

describe('logger', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('each sink gets the entries at or above its level', () => {
    const warnings: string[] = [];
    const all: string[] = [];
    const logger = createLogger([
      { level: 'warn', write: (e) => warnings.push(`${e.level} ${e.msg}`) },
      { level: 'debug', write: (e) => all.push(`${e.level} ${e.msg}`) },
    ]);
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(warnings).toEqual(['warn w', 'error e']);
    expect(all).toEqual(['debug d', 'info i', 'warn w', 'error e']);
    expect(logger.enabled('debug')).toBe(true);
    logger.close();
    logger.error('after close');
    expect(all).toHaveLength(4);
    expect(logger.enabled('error')).toBe(false);
  });

  it('debug is off unless a sink takes it', () => {
    const logger = createLogger([{ level: 'info', write: () => undefined }]);
    expect(logger.enabled('debug')).toBe(false);
    expect(logger.enabled('info')).toBe(true);
  });

  it('JSON lines carry the time, level, message and the fields (the code among them)', () => {
    const entry: LogEntry = {
      timeMs: Date.UTC(2026, 0, 2, 3, 4, 5),
      level: 'warn',
      msg: 'piece 3 failed its hash check',
      fields: { code: 'hash-failed', piece: 3, peer: '127.0.0.1:1', gone: undefined, msg: 'not overwritten' },
    };
    expect(JSON.parse(formatJsonLine(entry))).toEqual({
      time: '2026-01-02T03:04:05.000Z',
      level: 'warn',
      msg: 'piece 3 failed its hash check',
      code: 'hash-failed',
      piece: 3,
      peer: '127.0.0.1:1',
    });
  });

  it('text lines: warnings in user words, debug lines with key=value fields', () => {
    const at = { timeMs: 0, fields: { code: 'x', piece: 2, peers: ['a:1', 'b:2'], none: null } };
    expect(formatTextLine('swarmdrop get', { ...at, level: 'warn', msg: 'piece 2 failed' })).toBe(
      'swarmdrop get: warning: piece 2 failed',
    );
    expect(formatTextLine('swarmdrop get', { ...at, level: 'error', msg: 'boom' })).toBe(
      'swarmdrop get: error: boom',
    );
    expect(formatTextLine('swarmdrop get', { ...at, level: 'debug', msg: 'peers' })).toBe(
      'swarmdrop get: debug: peers code=x piece=2 peers=a:1,b:2',
    );
  });

  it('a host logger writes JSON lines to <dataDir>/logs/<name>.log and warnings as text', async () => {
    const t = await makeTempDir('swarmdrop-log-');
    cleanups.push(t.remove);
    const lines: string[] = [];
    const logger = openHostLogger({
      dataDir: t.dir,
      name: 'daemon',
      prefix: 'swarmdrop',
      writeLine: (l) => lines.push(l),
      base: { pid: 42 },
    });
    logger.debug('not kept at the default level');
    logger.info('started', { port: 1 });
    logger.warn('banned 127.0.0.1:9', { code: 'peer-banned' });
    logger.fileOnly.error('into the file only', { code: 'no-space' });
    logger.close();
    expect(logger.filePath).toBe(path.join(t.dir, 'logs', 'daemon.log'));
    const entries = (await readFile(logger.filePath!, 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.map((e) => [e.level, e.msg, e.code, e.pid])).toEqual([
      ['info', 'started', undefined, 42],
      ['warn', 'banned 127.0.0.1:9', 'peer-banned', 42],
      ['error', 'into the file only', 'no-space', 42],
    ]);
    expect(lines).toEqual(['swarmdrop: warning: banned 127.0.0.1:9']);
  });

  it('a log folder that cannot be made costs one warning, not the program', async () => {
    const t = await makeTempDir('swarmdrop-log-');
    cleanups.push(t.remove);
    // A file where the folder should be (a permission test would pass as root).
    await writeFile(path.join(t.dir, 'logs'), 'not a folder');
    const lines: string[] = [];
    const logger = openHostLogger({
      dataDir: t.dir,
      name: 'cli',
      prefix: 'swarmdrop get',
      writeLine: (l) => lines.push(l),
    });
    logger.warn('still printed');
    logger.close();
    expect(logger.filePath).toBeNull();
    expect(lines).toEqual([
      expect.stringMatching(/^swarmdrop get: warning: no log file: /),
      'swarmdrop get: warning: still printed',
    ]);
  });
});

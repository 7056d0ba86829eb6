import { describe, expect, it } from 'vitest';
import { ContractError } from '../../src-shared/contract/error-codes.ts';
import { checkShareName, toShareOptions } from './share-options.ts';

const APP = ['udp://127.0.0.1:6969'];

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof ContractError ? err.code : 'not a ContractError';
  }
  return undefined;
}

describe('toShareOptions', () => {
  it('with no options: the app trackers, automatic piece size, nothing else', () => {
    expect(toShareOptions(undefined, APP)).toEqual({ trackers: APP });
    expect(toShareOptions({}, APP)).toEqual({ trackers: APP });
  });

  it('takes every option, trimming text and dropping blank lines and repeated URLs', () => {
    expect(
      toShareOptions(
        {
          pieceLengthBytes: 1024 * 1024,
          private: true,
          comment: '  holiday  ',
          trackers: ['', ' http://127.0.0.1:8000/announce ', 'udp://127.0.0.1:6969', 'https://[::1]/a'],
          webSeeds: ['http://127.0.0.1/w/', '', 'http://127.0.0.1/w/'],
        },
        APP,
      ),
    ).toEqual({
      trackers: ['udp://127.0.0.1:6969', 'http://127.0.0.1:8000/announce', 'https://[::1]/a'],
      pieceLengthBytes: 1024 * 1024,
      private: true,
      comment: 'holiday',
      webSeeds: ['http://127.0.0.1/w/'],
    });
  });

  it('leaves out a comment of only spaces and private: false', () => {
    expect(toShareOptions({ comment: '   ', private: false }, APP)).toEqual({ trackers: APP });
  });

  it.each([
    [{ pieceLengthBytes: 3 * 16384 }, 'bad-piece-size'],
    [{ pieceLengthBytes: 8192 }, 'bad-piece-size'],
    [{ pieceLengthBytes: 128 * 1024 * 1024 }, 'bad-piece-size'],
    [{ pieceLengthBytes: 16384.5 }, 'bad-piece-size'],
    [{ pieceLengthBytes: -16384 }, 'bad-piece-size'],
    [{ trackers: ['not a url'] }, 'bad-tracker-url'],
    [{ trackers: ['ftp://127.0.0.1/x'] }, 'bad-tracker-url'],
    [{ trackers: ['udp://127.0.0.1'] }, 'bad-tracker-url'],
    [{ trackers: Array.from({ length: 65 }, (_, i) => `http://127.0.0.1/${i}`) }, 'bad-tracker-url'],
    [{ webSeeds: ['udp://127.0.0.1:1/'] }, 'bad-web-seed'],
    [{ webSeeds: ['https://'] }, 'bad-web-seed'],
    [{ webSeeds: [`http://127.0.0.1/${'x'.repeat(2100)}`] }, 'bad-web-seed'],
    [{ comment: 'c'.repeat(4097) }, 'comment-too-long'],
  ])('refuses %j with %s', (options, code) => {
    expect(codeOf(() => toShareOptions(options, APP))).toBe(code);
  });

  it('accepts the smallest and largest piece sizes', () => {
    expect(toShareOptions({ pieceLengthBytes: 16384 }, APP).pieceLengthBytes).toBe(16384);
    expect(toShareOptions({ pieceLengthBytes: 64 * 1024 * 1024 }, APP).pieceLengthBytes).toBe(
      64 * 1024 * 1024,
    );
  });
});

describe('checkShareName', () => {
  it('is optional for one path and trimmed when given', () => {
    expect(checkShareName(undefined, 1)).toBeUndefined();
    expect(checkShareName('  pack ', 3)).toBe('pack');
  });

  it.each([
    [undefined, 2, 'share-name-required'],
    ['   ', 2, 'share-name-required'],
    ['a/b', 2, 'share-bad-name'],
    ['..', 2, 'share-bad-name'],
    ['NUL', 2, 'share-bad-name'],
    ['é'.repeat(200), 2, 'share-bad-name'],
  ])('refuses %j for %i paths with %s', (name, count, code) => {
    expect(codeOf(() => checkShareName(name, count))).toBe(code);
  });
});

import { describe, expect, it } from 'vitest';
import { magnetProblem } from './magnet-check.ts';

describe('magnetProblem', () => {
  it.each([
    ['magnet:?xt=urn:btih:' + 'a'.repeat(40), null],
    ['  MAGNET:?dn=x&xt=urn:btih:' + 'B'.repeat(32) + '&tr=udp://h:1', null],
    ['https://example.com/x.torrent', 'bad-magnet'],
    ['magnet:?dn=only-a-name', 'magnet-no-info-hash'],
    ['magnet:?xt=urn:btih:nothex', 'magnet-bad-info-hash'],
    ['magnet:?xt=urn:btih:' + 'a'.repeat(39), 'magnet-bad-info-hash'],
  ])('%s → %s', (uri, problem) => expect(magnetProblem(uri)).toBe(problem));
});

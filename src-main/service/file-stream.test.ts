import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src-shared/util/mulberry32.ts';
import { contentTypeOf, parseRange, parseStreamPath, streamPath } from './file-stream.ts';

describe('parseRange', () => {
  it.each([
    [undefined, 1000, null],
    ['bytes=0-99', 1000, { start: 0, end: 99 }],
    ['bytes=900-', 1000, { start: 900, end: 999 }],
    ['bytes=900-5000', 1000, { start: 900, end: 999 }],
    ['bytes=-100', 1000, { start: 900, end: 999 }],
    ['bytes=-5000', 1000, { start: 0, end: 999 }],
    ['bytes=1000-', 1000, 'unsatisfiable'],
    ['bytes=500-400', 1000, 'unsatisfiable'],
    ['bytes=-0', 1000, 'unsatisfiable'],
    ['bytes=0-1,5-6', 1000, null], // several ranges: the whole file (RFC 9110 allows it)
    ['items=0-1', 1000, null],
    ['bytes=-', 1000, null],
  ])('%s of %d bytes → %j', (header, length, expected) => {
    expect(parseRange(header, length)).toEqual(expected);
  });

  it('fuzz: never throws, and a range it returns lies inside the file', () => {
    const random = mulberry32(3);
    const alphabet = 'bytes=0123456789-, ';
    for (let n = 0; n < 5000; n++) {
      let header = random() < 0.5 ? 'bytes=' : '';
      for (let i = Math.floor(random() * 14); i > 0; i--)
        header += alphabet[Math.floor(random() * alphabet.length)];
      const length = Math.floor(random() * 2000);
      const r = parseRange(header, length);
      if (r && r !== 'unsatisfiable') {
        expect(r.start).toBeGreaterThanOrEqual(0);
        expect(r.end).toBeLessThan(length);
        expect(r.start).toBeLessThanOrEqual(r.end);
      }
    }
  });
});

describe('stream paths', () => {
  it('round-trips and refuses anything else', () => {
    const id = 'ab'.repeat(20);
    expect(parseStreamPath(streamPath(id, 3))).toEqual({ id, fileIndex: 3 });
    expect(parseStreamPath(`${streamPath(id, 3)}/clip.webm`)).toEqual({ id, fileIndex: 3 });
    expect(parseStreamPath(`/api/stream/${id}/x`)).toBeNull();
    expect(parseStreamPath(`/api/stream/${id.toUpperCase()}/1`)).toBeNull();
    expect(parseStreamPath(`/api/stream/${id}/1/../../etc`)).toBeNull();
  });

  it('types what browsers play by extension', () => {
    expect(contentTypeOf('a/b/clip.WEBM')).toBe('video/webm');
    expect(contentTypeOf('song.wav')).toBe('audio/wav');
    expect(contentTypeOf('noext')).toBe('application/octet-stream');
  });
});

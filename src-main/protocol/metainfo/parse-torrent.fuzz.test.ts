// Random mutations of valid .torrent files: parsing must either succeed or throw a
// ProtocolError — never another exception, a hang or a huge allocation (protocol-error.ts).
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../protocol-error.ts';
import { encodeTorrent } from './encode-torrent.ts';
import { parseTorrent } from './parse-torrent.ts';
import { mulberry32 } from '../../../src-shared/util/mulberry32.ts';

const KiB16 = 16 * 1024;
const seeds = [
  encodeTorrent({
    name: 'dir',
    pieceLengthBytes: KiB16,
    pieceHashes: new Uint8Array(60).fill(7),
    multiFile: true,
    files: [
      { path: ['a', 'b.txt'], lengthBytes: KiB16 },
      { path: ['c'], lengthBytes: KiB16 + 3 },
      { path: ['d', 'e', 'f'], lengthBytes: 0 },
    ],
    announceList: [['udp://127.0.0.1:6969'], ['http://127.0.0.1:1/a']],
    comment: 'fuzz',
    creationDate: 1,
    webSeeds: ['http://127.0.0.1:1/w/', 'https://127.0.0.1:2/x'],
    private: true,
  }),
  encodeTorrent({
    name: 'one.bin',
    pieceLengthBytes: KiB16,
    pieceHashes: new Uint8Array(20),
    multiFile: false,
    files: [{ path: ['one.bin'], lengthBytes: 5 }],
  }),
];
// Bytes that steer a bencode parser into interesting states.
const interesting = [...'deil:-0123456789e'].map((c) => c.charCodeAt(0));

function mutate(input: Uint8Array, rnd: () => number): Uint8Array {
  let bytes = Array.from(input);
  const edits = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rnd() * bytes.length);
    const byte = rnd() < 0.6 ? interesting[Math.floor(rnd() * interesting.length)]! : Math.floor(rnd() * 256);
    switch (Math.floor(rnd() * 5)) {
      case 0:
        bytes[at] = byte;
        break;
      case 1:
        bytes.splice(at, 0, byte);
        break;
      case 2:
        bytes.splice(at, 1 + Math.floor(rnd() * 8));
        break;
      case 3:
        bytes = bytes.slice(0, at);
        break;
      default: {
        // duplicate a span somewhere else (repeated keys, nested structures)
        const len = Math.floor(rnd() * 16);
        bytes.splice(Math.floor(rnd() * bytes.length), 0, ...bytes.slice(at, at + len));
      }
    }
  }
  return Uint8Array.from(bytes);
}

describe('parseTorrent fuzz', () => {
  it('throws only ProtocolError on 5000 random mutations', () => {
    const counts = { ok: 0, protocolError: 0 };
    for (let seed = 1; seed <= 5000; seed++) {
      const rnd = mulberry32(seed);
      const input = mutate(seeds[seed % seeds.length]!, rnd);
      try {
        parseTorrent(input);
        counts.ok++;
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw new Error(`seed ${seed}: ${String(err)}`, { cause: err });
        counts.protocolError++;
      }
    }
    // Both outcomes must occur, or the mutations are not exercising the parser.
    expect(counts.ok).toBeGreaterThan(0);
    expect(counts.protocolError).toBeGreaterThan(1000);
  });

  it('throws only ProtocolError on random bytes', () => {
    const rnd = mulberry32(42);
    for (let i = 0; i < 2000; i++) {
      const input = Uint8Array.from(
        { length: Math.floor(rnd() * 64) },
        () => interesting[Math.floor(rnd() * interesting.length)]!,
      );
      try {
        parseTorrent(input);
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw new Error(`case ${i}: ${String(err)}`, { cause: err });
      }
    }
  });
});

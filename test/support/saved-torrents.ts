// Resume data of complete torrents, written the way the engine's ResumeStore lays it out
// (<engineDir>/resume/<infohash>.json + torrents/<infohash>.torrent), with one small payload
// file each: a data folder as a long-running app leaves it, made in milliseconds.
import { createHash } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bencode } from '../../src-main/protocol/bencode.ts';
import type { ResumeRecord } from '../../src-main/engine/resume/resume-record.ts';

const FILE_BYTES = 16 * 1024;

/** Writes `count` complete single-piece torrents; returns their info-hashes. */
export async function writeSavedTorrents(
  engineDir: string,
  downloadDir: string,
  count: number,
): Promise<string[]> {
  await Promise.all(
    [downloadDir, path.join(engineDir, 'resume'), path.join(engineDir, 'torrents')].map((d) =>
      mkdir(d, { recursive: true }),
    ),
  );
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `saved-${i}.bin`;
    const payload = Buffer.alloc(FILE_BYTES, i % 251);
    const file = path.join(downloadDir, name);
    await writeFile(file, payload);
    const info = {
      length: FILE_BYTES,
      name: Buffer.from(name),
      'piece length': FILE_BYTES,
      pieces: createHash('sha1').update(payload).digest(),
    };
    const infoHashHex = createHash('sha1').update(bencode(info)).digest('hex');
    const { size, mtimeMs } = await stat(file);
    const record: ResumeRecord = {
      version: 3,
      infoHashHex,
      name,
      savePath: downloadDir,
      addedAtMs: 1_700_000_000_000 + i,
      state: 'active',
      verifiedPieces: Buffer.from([0x80]).toString('base64'),
      pieceCount: 1,
      files: [{ sizeBytes: size, mtimeMs }],
      uploadedBytes: 0,
      downloadedBytes: 0,
      completedAtMs: 1_700_000_000_000 + i,
      trackers: [],
    };
    await writeFile(path.join(engineDir, 'torrents', `${infoHashHex}.torrent`), bencode({ info }));
    await writeFile(path.join(engineDir, 'resume', `${infoHashHex}.json`), JSON.stringify(record));
    ids.push(infoHashHex);
  }
  return ids;
}

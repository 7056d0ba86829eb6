import { describe, expect, it } from 'vitest';
import { Bitfield } from '../../../src-shared/util/bitfield.ts';
import { migrateResume } from '../resume/resume-record.ts';
import { buildResumeRecord, resumeRecordKey, type ResumeInput } from './torrent-resume.ts';

const input: ResumeInput = {
  id: 'ab'.repeat(20),
  name: 'movie.mkv',
  savePath: '/srv/downloads',
  roots: null,
  unlisted: false,
  addedAtMs: 1_700_000_000_000,
  paused: false,
  pieceCount: 10,
  have: new Bitfield(10),
  files: [{ sizeBytes: 123, mtimeMs: 1_700_000_000_123.456 }],
  uploadedBytes: 5,
  downloadedBytes: 7,
  completedAtMs: null,
  trackers: [['udp://tracker.test:6969']],
  held: null,
  filePriorities: null,
};

describe('resumeRecordKey', () => {
  it('is the same for a record read back from disk, whose keys come out in another order', () => {
    const built = buildResumeRecord(input);
    const readBack = migrateResume(JSON.parse(JSON.stringify(built)));
    expect(Object.keys(readBack)).not.toEqual(Object.keys(built));
    expect(resumeRecordKey(readBack)).toBe(resumeRecordKey(built));
  });

  it('differs when anything in the record differs (a save is then not skipped)', () => {
    const base = resumeRecordKey(buildResumeRecord(input));
    expect(resumeRecordKey(buildResumeRecord({ ...input, uploadedBytes: 6 }))).not.toBe(base);
    expect(resumeRecordKey(buildResumeRecord({ ...input, paused: true }))).not.toBe(base);
    expect(
      resumeRecordKey(
        buildResumeRecord({ ...input, files: [{ sizeBytes: 123, mtimeMs: 1_700_000_000_124 }] }),
      ),
    ).not.toBe(base);
  });
});

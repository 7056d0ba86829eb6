// Daemon start with 500 resumed torrents → ready (target: ≤ 1 s, no payload re-hash).
// Setup, not timed: 500 small complete files are added to an engine session in this
// process (the same engine the daemon runs) until all seed, and the session is closed, so
// resume data for 500 torrents sits in <data-dir>/engine exactly as the daemon writes it.
// Each run then starts `swarmdrop daemon` on that data folder (embedded tracker off, peer
// port 0 on 127.0.0.1, web UI on 127.0.0.1:0) and times launch → its `web UI on http://…`
// line, printed once everything listens; the torrents are restored in the background from
// then on (the many-torrents figures time that). The daemon's CPU seconds at that moment
// show whether payload was re-hashed (500 × 4 MiB would cost seconds).
import { createHash, createCipheriv } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openSession } from '../../src-main/engine/session/open-session.ts';
import { bencode } from '../../src-main/protocol/bencode.ts';
import type { BenchContext } from '../lib/context.ts';
import type { Figure } from '../lib/figure.ts';
import { measurement, type Measurement } from '../lib/result.ts';
import { TrackedChild } from '../../harness/tracked-child.ts';

const TORRENTS = 500;
const PIECE_BYTES = 1024 * 1024;

export const daemonStart: Figure = {
  id: 'daemon-start',
  title: 'Daemon start with 500 resumed torrents → ready',
  target: '≤ 1 s, no payload re-hash',
  async run(ctx) {
    const ready = measurement('daemon-start', 'swarmdrop', 'ready-s', {
      label: `swarmdrop daemon, ${TORRENTS} resumed torrents → web UI line`,
      unit: 's',
      better: 'lower',
    });
    const cpu = measurement('daemon-start', 'swarmdrop', 'cpu-s', {
      label: 'daemon CPU at ready (re-hash would show here)',
      unit: 's',
      better: 'lower',
    });
    const reason =
      ctx.swarmdrop.missing('daemon') ??
      (existsSync(path.join(ctx.repoRoot, 'dist/renderer/index.html'))
        ? undefined
        : 'dist/renderer is not built (`npm run bench` builds it; a --no-renderer build skips it), and the daemon refuses to start without it');
    if (reason) {
      ready.unavailable = reason;
      cpu.unavailable = reason;
      return { measurements: [ready, cpu], notes: [] };
    }
    const fileBytes = (ctx.options.quick ? 1 : 4) * PIECE_BYTES;
    const dataDir = path.join(ctx.workDir, 'daemon', 'data');
    const downloads = path.join(ctx.workDir, 'daemon', 'downloads');
    try {
      await prepareResumeData(ctx, dataDir, downloads, fileBytes);
    } catch (err) {
      const why = `setup: ${(err as Error).message}`;
      ready.failures.push(why);
      cpu.failures.push(why);
      return { measurements: [ready, cpu], notes: [] };
    }
    for (let run = 1; run <= ctx.options.runs; run++)
      await measureStart(ctx, run, dataDir, downloads, ready, cpu);
    return {
      measurements: [ready, cpu],
      notes: [
        `${TORRENTS} single-file torrents of ${fileBytes / PIECE_BYTES} MiB (1 MiB pieces), complete and seeding when their resume data was written; ` +
          'ready = the daemon printed its `web UI on` line (tracker and web server listening; the restore runs in the background from then on).',
      ],
    };
  },
};

async function prepareResumeData(
  ctx: BenchContext,
  dataDir: string,
  downloads: string,
  fileBytes: number,
): Promise<void> {
  await mkdir(downloads, { recursive: true });
  const cipher = createCipheriv('aes-256-ctr', Buffer.alloc(32, 9), Buffer.alloc(16, 0));
  const zeros = Buffer.alloc(fileBytes);
  const session = await openSession({
    dataDir: path.join(dataDir, 'engine'),
    downloadDir: downloads,
    peerHost: '127.0.0.1',
    peerPort: 0,
    defaultTrackers: [],
    publishOnShare: false,
    restoreTorrents: false,
  });
  try {
    for (let i = 0; i < TORRENTS; i++) {
      const name = `file-${String(i).padStart(3, '0')}.bin`;
      const data = cipher.update(zeros);
      await writeFile(path.join(downloads, name), data);
      const pieces: Buffer[] = [];
      for (let at = 0; at < data.length; at += PIECE_BYTES)
        pieces.push(
          createHash('sha1')
            .update(data.subarray(at, at + PIECE_BYTES))
            .digest(),
        );
      const info = {
        length: data.length,
        name: Buffer.from(name),
        'piece length': PIECE_BYTES,
        pieces: Buffer.concat(pieces),
      };
      await session.add({ kind: 'metainfo', bytes: bencode({ info }) }, { savePath: downloads });
    }
    const deadline = Date.now() + 180_000;
    while (session.list().filter((t) => t.state === 'seeding').length < TORRENTS) {
      if (Date.now() > deadline)
        throw new Error(
          `only ${session.list().filter((t) => t.state === 'seeding').length}/${TORRENTS} torrents seeding after the check`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
    ctx.log(`  ${TORRENTS} torrents seeding; writing their resume data`);
  } finally {
    await session.close();
  }
}

async function measureStart(
  ctx: BenchContext,
  run: number,
  dataDir: string,
  downloads: string,
  ready: Measurement,
  cpu: Measurement,
): Promise<void> {
  const args = [
    ctx.swarmdrop.bin,
    'daemon',
    ...['--data-dir', dataDir, '--download-dir', downloads, '--web', '127.0.0.1:0'],
    ...['--embedded-tracker', 'off', '--peer-port', '0', '--bind', '127.0.0.1'],
  ];
  const child = new TrackedChild('swarmdrop daemon', process.execPath, args);
  try {
    const line = await child.waitFor((e) => /web UI on http/.test(e.line), 60_000, '`web UI on` line');
    const stats = child.stats();
    ready.samples.push((line.atMs - child.startedAtMs) / 1000);
    cpu.samples.push(stats.cpuSec);
    ctx.log(
      `  run ${run}: ready after ${(ready.samples.at(-1)! * 1000).toFixed(0)} ms, CPU ${stats.cpuSec.toFixed(2)} s`,
    );
  } catch (err) {
    ready.failures.push(`run ${run}: ${(err as Error).message}`);
    cpu.failures.push(`run ${run}: ${(err as Error).message}`);
  } finally {
    await child.stop();
  }
}

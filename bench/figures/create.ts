// Making a .torrent from the payload (1 MiB pieces): `swarmdrop create` beside mktorrent
// and transmission-create, and the reference the target is set against: one-core
// SHA-1 × cores, measured in this figure. A run counts only if the tool exited 0 and the
// piece hashes in its .torrent equal the payload's.
//
// A second reference runs the loop each thread of `swarmdrop create` runs (pread from the
// page cache into a 512 KiB buffer, SHA-1 per piece) on one core of this process, × cores:
// what a tool that reads with read(2) reaches with no start-up and perfect sharing. Its
// distance to the first reference is the kernel's copy out of the page cache; the distance
// from `swarmdrop create` to it is the tool's own overhead (start-up, hand-off, the tail).
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { cpus } from 'node:os';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { asBytes, asDict, bdecode } from '../../src-main/protocol/bencode.ts';
import type { BenchContext } from '../lib/context.ts';
import type { Figure } from '../lib/figure.ts';
import type { Payload } from '../../harness/payload.ts';
import { measurement, type Measurement } from '../lib/result.ts';
import { hashFileSpans, READ_CHUNK_BYTES } from '../../src-main/engine/workers/hash-file-spans.ts';
import { TrackedChild } from '../../harness/tracked-child.ts';
import { sha1OneCore } from './ceilings.ts';

interface Tool {
  subject: string;
  label: string;
  /** Why it cannot run, or undefined. */
  unavailable(): string | undefined;
  command(payload: Payload, out: string): { file: string; args: string[] };
}

const ANNOUNCE = 'udp://127.0.0.1:6969/announce';

export const create: Figure = {
  id: 'create',
  title: 'Create a .torrent (1 MiB pieces)',
  target: '`swarmdrop create` ≥ 80% of (one-core SHA-1 × cores)',
  async run(ctx) {
    const payload = await ctx.payload();
    const cores = cpus().length;
    const tools: Tool[] = [
      {
        subject: 'swarmdrop',
        label: 'swarmdrop create',
        unavailable: () => ctx.swarmdrop.missing('create'),
        command: (p, out) => ({
          file: process.execPath,
          args: [ctx.swarmdrop.bin, 'create', p.file, '-o', out, '-t', ANNOUNCE, '-l', '1M', '--json'],
        }),
      },
      {
        subject: 'mktorrent',
        label: `mktorrent -t ${cores}`,
        unavailable: () =>
          ctx.tools.mktorrent ? undefined : 'mktorrent not found (Debian package mktorrent)',
        command: (p, out) => ({
          file: ctx.tools.mktorrent!,
          args: ['-l', '20', '-t', String(cores), '-a', ANNOUNCE, '-o', out, p.file],
        }),
      },
      {
        subject: 'transmission-create',
        label: 'transmission-create',
        unavailable: () =>
          ctx.tools.transmissionCreate
            ? undefined
            : 'transmission-create not found (Debian package transmission-cli)',
        command: (p, out) => ({
          file: ctx.tools.transmissionCreate!,
          args: ['-s', '1024', '-t', ANNOUNCE, '-o', out, p.file],
        }),
      },
    ];
    const measurements: Measurement[] = [];
    for (const tool of tools) {
      const row = measurement('create', tool.subject, 'create-mbps', {
        label: tool.label,
        unit: 'MB/s',
        better: 'higher',
      });
      const reason = tool.unavailable();
      if (reason) row.unavailable = reason;
      else await measureTool(ctx, tool, payload, row);
      measurements.push(row);
    }
    const reference = measurement('create', `reference`, 'create-mbps', {
      label: `reference: one-core SHA-1 × ${cores} cores`,
      unit: 'MB/s',
      better: 'higher',
    });
    const withReads = measurement('create', `reference-with-reads`, 'create-mbps', {
      label: `reference: one-core pread + SHA-1 (create's loop) × ${cores} cores`,
      unit: 'MB/s',
      better: 'higher',
    });
    const referenceBytes = Math.min(payload.lengthBytes, 512 * 2 ** 20);
    for (let run = 0; run < ctx.options.runs; run++) {
      reference.samples.push(sha1OneCore(referenceBytes) * cores);
      withReads.samples.push(readAndSha1OneCore(payload.file, referenceBytes) * cores);
    }
    measurements.push(reference, withReads);
    return {
      measurements,
      notes: [
        `Payload already in the page cache (just written), so this measures hashing and the tool, not the disk. ` +
          `MB/s = payload bytes / wall time from launch to exit.`,
        // Node reads and parses that bundle before running any JavaScript, in every process:
        // ~28 ms of the swarmdrop row's ~370 ms on the 2-core VM (the C tools do not pay it).
        ...(process.env.NODE_EXTRA_CA_CERTS
          ? [`NODE_EXTRA_CA_CERTS is set: each node process (swarmdrop create) loads it at start-up.`]
          : []),
      ],
    };
  },
};

/** MB/s of `swarmdrop create`'s per-thread loop over the first `bytes` of `file` (1 MiB pieces), on this thread. */
function readAndSha1OneCore(file: string, bytes: number): number {
  const readBuffer = Buffer.allocUnsafeSlow(READ_CHUNK_BYTES);
  const io = { createHash, openSync, readSync, closeSync };
  const start = performance.now();
  hashFileSpans([{ path: file, offsetBytes: 0, lengthBytes: bytes }], 2 ** 20, readBuffer, io);
  return bytes / 1e6 / ((performance.now() - start) / 1000);
}

async function measureTool(ctx: BenchContext, tool: Tool, payload: Payload, row: Measurement): Promise<void> {
  for (let run = 1; run <= ctx.options.runs; run++) {
    const out = path.join(ctx.workDir, 'create', `${tool.subject}-${run}.torrent`);
    await mkdir(path.dirname(out), { recursive: true });
    await rm(out, { force: true });
    const { file, args } = tool.command(payload, out);
    try {
      const child = new TrackedChild(tool.subject, file, args);
      const { code, signal } = await child.exited;
      const seconds = (performance.now() - child.startedAtMs) / 1000;
      if (code !== 0) throw new Error(`exit ${code ?? signal}: ${child.stderr()}`);
      const info = asDict(asDict(bdecode(await readFile(out)), 'torrent').info, 'info');
      if (!Buffer.from(asBytes(info.pieces, 'pieces')).equals(payload.pieceHashes)) {
        throw new Error('piece hashes differ from the payload');
      }
      row.samples.push(payload.lengthBytes / 1e6 / seconds);
      ctx.log(`  ${tool.label} run ${run}: ${row.samples.at(-1)!.toFixed(0)} MB/s`);
    } catch (err) {
      row.failures.push(`run ${run}: ${(err as Error).message}`);
      ctx.log(`  ${tool.label} run ${run} failed: ${(err as Error).message}`);
    }
  }
}

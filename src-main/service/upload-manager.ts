/**
 * Browser uploads (daemon web UI): files arrive in ≤1 MiB chunks, in order, into a
 * staging folder; on finish they move into the share folder under a free name and the
 * caller shares them. Relative paths come from the browser, so every segment is checked
 * like a torrent path (no `..`, no separators, no device names) and the result is
 * confined below the staging folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat, statfs, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ContractError, ERROR_WORDING } from '../../src-shared/contract/error-codes.ts';

export interface UploadFile {
  relativePath: string[];
  sizeBytes: number;
}

interface Upload {
  id: string;
  dir: string;
  name: string;
  files: UploadFile[];
  received: number[];
  handle: { index: number; fh: FileHandle } | null;
  /** The top-level entry to move into the share folder (a file or a folder). */
  root: string;
}

const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

export function isSafeSegment(segment: string): boolean {
  return (
    segment.length > 0 &&
    segment.length <= 255 &&
    segment !== '.' &&
    segment !== '..' &&
    !/[/\\\0]/.test(segment) &&
    !WINDOWS_DEVICE.test(segment) &&
    !/[. ]$/.test(segment)
  );
}

const bad = (detail: string) => new ContractError('bad-request', ERROR_WORDING['bad-request'], detail);

export class UploadManager {
  private readonly uploads = new Map<string, Upload>();
  private closed = false;

  constructor(
    private readonly stagingDir: string,
    private readonly shareDir: string,
  ) {}

  async begin(files: UploadFile[], name?: string): Promise<{ uploadId: string }> {
    if (this.closed) throw new ContractError('not-ready', ERROR_WORDING['not-ready']);
    for (const f of files) if (!f.relativePath.every(isSafeSegment)) throw bad(`unsafe path ${JSON.stringify(f.relativePath)}`);
    const tops = new Set(files.map((f) => f.relativePath[0]!));
    const single = files.length === 1 && files[0]!.relativePath.length === 1;
    // One file → share the file; one dropped folder → share the folder; several loose
    // items → gather them in a folder named after the drop.
    const rootName = single || tops.size === 1 ? files[0]!.relativePath[0]! : (name ?? `Shared ${new Date().toISOString().slice(0, 10)}`);
    if (!isSafeSegment(rootName)) throw bad(`unsafe name ${JSON.stringify(rootName)}`);
    const totalBytes = files.reduce((n, f) => n + f.sizeBytes, 0);
    await mkdir(this.stagingDir, { recursive: true });
    const fs = await statfs(this.stagingDir).catch(() => null);
    if (fs && fs.bavail * fs.bsize < totalBytes) throw new ContractError('disk-full', ERROR_WORDING['disk-full'], `${totalBytes} bytes needed`);
    const id = randomBytes(12).toString('hex');
    const dir = path.join(this.stagingDir, id);
    const prefix = single || tops.size === 1 ? [] : [rootName];
    const staged = files.map((f) => ({ relativePath: [...prefix, ...f.relativePath], sizeBytes: f.sizeBytes }));
    for (const f of staged) {
      const target = this.resolve(dir, f.relativePath);
      await mkdir(path.dirname(target), { recursive: true });
      if (f.sizeBytes === 0) await (await open(target, 'w')).close();
    }
    this.uploads.set(id, { id, dir, name: rootName, files: staged, received: files.map(() => 0), handle: null, root: path.join(dir, rootName) });
    return { uploadId: id };
  }

  private resolve(dir: string, relativePath: string[]): string {
    const target = path.resolve(dir, ...relativePath);
    if (!target.startsWith(dir + path.sep)) throw bad('path escapes the upload folder');
    return target;
  }

  async chunk(uploadId: string, fileIndex: number, offsetBytes: number, data: Uint8Array): Promise<{ receivedBytes: number }> {
    const up = this.get(uploadId);
    const file = up.files[fileIndex];
    if (!file) throw bad(`no file ${fileIndex}`);
    const received = up.received[fileIndex]!;
    if (offsetBytes !== received) throw bad(`chunk at ${offsetBytes}, expected ${received}`);
    if (received + data.length > file.sizeBytes) throw bad('more bytes than announced');
    if (up.handle?.index !== fileIndex) {
      await up.handle?.fh.close();
      up.handle = null;
      const fh = await open(this.resolve(up.dir, file.relativePath), received === 0 ? 'w' : 'r+');
      up.handle = { index: fileIndex, fh };
    }
    try {
      await up.handle.fh.write(data, 0, data.length, offsetBytes);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw new ContractError('disk-full', ERROR_WORDING['disk-full']);
      throw err;
    }
    up.received[fileIndex] = received + data.length;
    return { receivedBytes: up.received[fileIndex]! };
  }

  /** Moves the complete upload into the share folder; returns the path to share. */
  async finish(uploadId: string): Promise<{ path: string; name: string }> {
    const up = this.get(uploadId);
    await up.handle?.fh.close();
    up.handle = null;
    up.files.forEach((f, i) => {
      if (up.received[i] !== f.sizeBytes) throw bad(`file ${i} has ${up.received[i]} of ${f.sizeBytes} bytes`);
    });
    await mkdir(this.shareDir, { recursive: true });
    const target = await freeName(this.shareDir, up.name);
    await rename(up.root, target);
    this.uploads.delete(uploadId);
    await rm(up.dir, { recursive: true, force: true });
    return { path: target, name: path.basename(target) };
  }

  async cancel(uploadId: string): Promise<void> {
    const up = this.uploads.get(uploadId);
    if (!up) return;
    this.uploads.delete(uploadId);
    await up.handle?.fh.close().catch(() => undefined);
    await rm(up.dir, { recursive: true, force: true });
  }

  private get(uploadId: string): Upload {
    const up = this.uploads.get(uploadId);
    if (!up) throw bad(`unknown upload ${uploadId.slice(0, 64)}`);
    return up;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const id of [...this.uploads.keys()]) await this.cancel(id);
  }
}

/** `name`, or `name (2)`, `name (3)`… whichever does not exist yet in `dir`. */
export async function freeName(dir: string, name: string): Promise<string> {
  const ext = path.extname(name);
  const stem = ext && ext !== name ? name.slice(0, -ext.length) : name;
  for (let n = 1; n < 10_000; n++) {
    const candidate = path.join(dir, n === 1 ? name : `${stem} (${n})${ext}`);
    try {
      await stat(candidate);
    } catch {
      return candidate;
    }
  }
  throw new ContractError('name-taken', ERROR_WORDING['name-taken']);
}

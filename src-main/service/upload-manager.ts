/**
 * Browser uploads (daemon web UI): files arrive in ≤1 MiB chunks, in order, into a
 * staging folder; on finish they move into the share folder under a free name and the
 * caller shares them. Relative paths come from the browser, so every segment is checked
 * like a torrent path (no `..`, no separators, no device names, at most 255 bytes in
 * UTF-8 — file systems count bytes, not characters) and the result is confined below
 * the staging folder.
 *
 * Staging belongs to the connection that began it: only that connection can add to,
 * finish or cancel it, and everything it left unfinished is deleted when it goes away.
 * Each connection, and all of them together, are capped in open uploads, files and
 * bytes, so a page (or a script with the token) cannot fill the disk or the inode table
 * by beginning uploads it never sends. Files are created as their first bytes arrive,
 * not at `begin`. Every refusal has its own error code.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, stat, statfs, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ContractError, ERROR_WORDING, type ErrorCode } from '../../src-shared/contract/error-codes.ts';

export interface UploadFile {
  relativePath: string[];
  sizeBytes: number;
}

/** Who began an upload: the connection (any object; compared by identity). */
export type UploadOwner = object;

export interface UploadLimits {
  uploadsPerOwner: number;
  filesPerOwner: number;
  bytesPerOwner: number;
  filesTotal: number;
  bytesTotal: number;
}

const GIB = 1024 ** 3;

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  uploadsPerOwner: 4,
  filesPerOwner: 10_000,
  bytesPerOwner: 64 * GIB,
  filesTotal: 20_000,
  bytesTotal: 128 * GIB,
};

/** One path component, in UTF-8 bytes (NAME_MAX on Linux, macOS and Windows alike). */
export const MAX_SEGMENT_BYTES = 255;
/** A whole absolute path, in UTF-8 bytes: under Linux's PATH_MAX (4096 with the NUL). */
export const MAX_PATH_BYTES = 4000;
/** What freeName may append: ` (9999)`. */
const FREE_NAME_SUFFIX_BYTES = 7;

interface Upload {
  id: string;
  owner: UploadOwner;
  dir: string;
  name: string;
  files: UploadFile[];
  received: number[];
  totalBytes: number;
  handle: { index: number; fh: FileHandle } | null;
  /** The top-level entry to move into the share folder (a file or a folder). */
  root: string;
}

const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;

const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** A safe name, length aside (see `segmentFits`). */
export function isSafeName(segment: string): boolean {
  return (
    segment.length > 0 &&
    segment !== '.' &&
    segment !== '..' &&
    !/[/\\\0]/.test(segment) &&
    !WINDOWS_DEVICE.test(segment) &&
    !/[. ]$/.test(segment)
  );
}

export function segmentFits(segment: string): boolean {
  return utf8Bytes(segment) <= MAX_SEGMENT_BYTES;
}

export function isSafeSegment(segment: string): boolean {
  return isSafeName(segment) && segmentFits(segment);
}

const fail = (code: ErrorCode, detail?: string) => new ContractError(code, ERROR_WORDING[code], detail);

/**
 * Two files at the same path, or a file where another needs a folder (`a` and `a/b`):
 * found before anything touches the disk. Case and Unicode form are folded, since
 * macOS and Windows fold them when the files land there.
 */
export function findClash(paths: string[][]): string | null {
  const key = (parts: string[]) => parts.map((p) => p.normalize('NFC').toLowerCase()).join('/');
  const files = new Set<string>();
  const folders = new Set<string>();
  for (const p of paths) {
    const k = key(p);
    if (files.has(k) || folders.has(k)) return p.join('/');
    files.add(k);
  }
  for (const p of paths) {
    for (let i = 1; i < p.length; i++) {
      const k = key(p.slice(0, i));
      if (files.has(k)) return p.slice(0, i).join('/');
      folders.add(k);
    }
  }
  return null;
}

export class UploadManager {
  private readonly uploads = new Map<string, Upload>();
  /** Deletions started by `release` (a closed connection); `close` waits for them. */
  private readonly cleanups = new Set<Promise<void>>();
  private staleSwept = false;
  private closed = false;

  constructor(
    private readonly stagingDir: string,
    private readonly shareDir: string,
    private readonly limits: UploadLimits = DEFAULT_UPLOAD_LIMITS,
  ) {}

  /** Files and bytes announced by the uploads still open (of `owner`, or all). */
  usage(owner?: UploadOwner): { uploads: number; files: number; bytes: number } {
    let uploads = 0;
    let files = 0;
    let bytes = 0;
    for (const up of this.uploads.values()) {
      if (owner !== undefined && up.owner !== owner) continue;
      uploads++;
      files += up.files.length;
      bytes += up.totalBytes;
    }
    return { uploads, files, bytes };
  }

  async begin(owner: UploadOwner, files: UploadFile[], name?: string): Promise<{ uploadId: string }> {
    if (this.closed) throw fail('not-ready');
    for (const f of files) {
      const shown = JSON.stringify(f.relativePath).slice(0, 300);
      if (!f.relativePath.every(isSafeName)) throw fail('upload-bad-name', `unsafe path ${shown}`);
      if (!f.relativePath.every(segmentFits))
        throw fail('upload-name-too-long', `a name in ${shown} is over ${MAX_SEGMENT_BYTES} bytes`);
    }
    const tops = new Set(files.map((f) => f.relativePath[0]!));
    const single = files.length === 1 && files[0]!.relativePath.length === 1;
    // One file → share the file; one dropped folder → share the folder; several loose
    // items → gather them in a folder with the name the user confirmed (the app asks), or
    // else one that says what is in it.
    const rootName =
      single || tops.size === 1
        ? files[0]!.relativePath[0]!
        : name?.trim() || `${files[0]!.relativePath[0]!} and ${tops.size - 1} more`;
    if (!isSafeName(rootName))
      throw fail('upload-bad-name', `unsafe name ${JSON.stringify(rootName).slice(0, 300)}`);
    if (!segmentFits(rootName))
      throw fail('upload-name-too-long', `the name is over ${MAX_SEGMENT_BYTES} bytes`);
    const prefix = single || tops.size === 1 ? [] : [rootName];
    const staged = files.map((f) => ({
      relativePath: [...prefix, ...f.relativePath],
      sizeBytes: f.sizeBytes,
    }));
    const clash = findClash(staged.map((f) => f.relativePath));
    if (clash !== null) throw fail('upload-name-clash', clash.slice(0, 300));
    this.checkPathLengths(staged);
    const totalBytes = files.reduce((n, f) => n + f.sizeBytes, 0);
    this.checkQuota(owner, files.length, totalBytes);
    if (!this.staleSwept) {
      // What a run that was killed mid-upload left behind: no connection owns it now.
      this.staleSwept = true;
      await rm(this.stagingDir, { recursive: true, force: true });
    }
    await mkdir(this.stagingDir, { recursive: true, mode: 0o700 });
    const fs = await statfs(this.stagingDir).catch(() => null);
    // Room for this upload and for what the open ones still have to write.
    const pending = [...this.uploads.values()].reduce(
      (n, u) => n + u.totalBytes - u.received.reduce((a, b) => a + b, 0),
      0,
    );
    if (fs && fs.bavail * fs.bsize < totalBytes + pending)
      throw fail('disk-full', `${totalBytes} bytes needed`);
    const id = randomBytes(12).toString('hex');
    const dir = path.join(this.stagingDir, id);
    await mkdir(dir, { mode: 0o700 });
    this.uploads.set(id, {
      id,
      owner,
      dir,
      name: rootName,
      files: staged,
      received: files.map(() => 0),
      totalBytes,
      handle: null,
      root: path.join(dir, rootName),
    });
    return { uploadId: id };
  }

  /** Staged and final paths must fit the OS's limit (ENAMETOOLONG otherwise, mid-upload). */
  private checkPathLengths(staged: UploadFile[]): void {
    const base = Math.max(
      utf8Bytes(this.stagingDir) + 1 + 24 + 1,
      utf8Bytes(this.shareDir) + 1 + FREE_NAME_SUFFIX_BYTES,
    );
    for (const f of staged) {
      const rel = f.relativePath.reduce((n, s) => n + utf8Bytes(s) + 1, 0);
      if (base + rel > MAX_PATH_BYTES)
        throw fail(
          'upload-name-too-long',
          `${f.relativePath.join('/').slice(0, 300)} makes a path over ${MAX_PATH_BYTES} bytes`,
        );
    }
  }

  private checkQuota(owner: UploadOwner, files: number, bytes: number): void {
    const mine = this.usage(owner);
    const all = this.usage();
    const l = this.limits;
    if (mine.uploads + 1 > l.uploadsPerOwner)
      throw fail(
        'upload-busy',
        `${mine.uploads} uploads already open on this connection (at most ${l.uploadsPerOwner})`,
      );
    if (mine.files + files > l.filesPerOwner || all.files + files > l.filesTotal) {
      throw fail(
        'upload-too-many-files',
        `${files} files; open uploads hold ${mine.files} here and ${all.files} in all (at most ${l.filesPerOwner} and ${l.filesTotal})`,
      );
    }
    if (mine.bytes + bytes > l.bytesPerOwner || all.bytes + bytes > l.bytesTotal) {
      throw fail(
        'upload-too-large',
        `${bytes} bytes; open uploads hold ${mine.bytes} here and ${all.bytes} in all (at most ${l.bytesPerOwner} and ${l.bytesTotal})`,
      );
    }
  }

  private resolve(dir: string, relativePath: string[]): string {
    const target = path.resolve(dir, ...relativePath);
    if (!target.startsWith(dir + path.sep)) throw fail('upload-bad-name', 'path escapes the upload folder');
    return target;
  }

  async chunk(
    owner: UploadOwner,
    uploadId: string,
    fileIndex: number,
    offsetBytes: number,
    data: Uint8Array,
  ): Promise<{ receivedBytes: number }> {
    const up = this.get(owner, uploadId);
    const file = up.files[fileIndex];
    if (!file) throw fail('upload-bad-chunk', `no file ${fileIndex}`);
    const received = up.received[fileIndex]!;
    if (offsetBytes !== received)
      throw fail('upload-bad-chunk', `chunk at ${offsetBytes}, expected ${received}`);
    if (received + data.length > file.sizeBytes) throw fail('upload-bad-chunk', 'more bytes than announced');
    try {
      if (up.handle?.index !== fileIndex) {
        await up.handle?.fh.close();
        up.handle = null;
        const target = this.resolve(up.dir, file.relativePath);
        await mkdir(path.dirname(target), { recursive: true });
        up.handle = { index: fileIndex, fh: await open(target, received === 0 ? 'w' : 'r+') };
      }
      await up.handle.fh.write(data, 0, data.length, offsetBytes);
    } catch (err) {
      throw this.fsFailure(err);
    }
    up.received[fileIndex] = received + data.length;
    return { receivedBytes: up.received[fileIndex]! };
  }

  private fsFailure(err: unknown): unknown {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') return fail('disk-full');
    if (code === 'ENAMETOOLONG') return fail('upload-name-too-long', (err as Error).message);
    if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR')
      return fail('upload-name-clash', (err as Error).message);
    return err;
  }

  /** Moves the complete upload into the share folder; returns the path to share. */
  async finish(owner: UploadOwner, uploadId: string): Promise<{ path: string; name: string }> {
    const up = this.get(owner, uploadId);
    await up.handle?.fh.close();
    up.handle = null;
    up.files.forEach((f, i) => {
      if (up.received[i] !== f.sizeBytes)
        throw fail('upload-incomplete', `file ${i} has ${up.received[i]} of ${f.sizeBytes} bytes`);
    });
    try {
      // Empty files had no chunk to create them.
      for (const f of up.files) {
        if (f.sizeBytes !== 0) continue;
        const target = this.resolve(up.dir, f.relativePath);
        await mkdir(path.dirname(target), { recursive: true });
        await (await open(target, 'w')).close();
      }
      await mkdir(this.shareDir, { recursive: true });
      const target = await freeName(this.shareDir, up.name);
      await rename(up.root, target);
      this.uploads.delete(uploadId);
      await rm(up.dir, { recursive: true, force: true });
      return { path: target, name: path.basename(target) };
    } catch (err) {
      throw this.fsFailure(err);
    }
  }

  async cancel(owner: UploadOwner, uploadId: string): Promise<void> {
    const up = this.uploads.get(uploadId);
    if (!up || up.owner !== owner) return;
    await this.drop(up);
  }

  /** The owner is gone (its connection closed): delete everything it left unfinished. */
  release(owner: UploadOwner): Promise<void> {
    const mine = [...this.uploads.values()].filter((u) => u.owner === owner);
    const done = Promise.all(mine.map((u) => this.drop(u))).then(() => undefined);
    this.cleanups.add(done);
    void done.finally(() => this.cleanups.delete(done));
    return done;
  }

  private async drop(up: Upload): Promise<void> {
    this.uploads.delete(up.id);
    await up.handle?.fh.close().catch(() => undefined);
    up.handle = null;
    await rm(up.dir, { recursive: true, force: true });
  }

  /** Another connection's upload is as unknown as a made-up id. */
  private get(owner: UploadOwner, uploadId: string): Upload {
    const up = this.uploads.get(uploadId);
    if (!up || up.owner !== owner) throw fail('upload-unknown', `unknown upload ${uploadId.slice(0, 64)}`);
    return up;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.uploads.values()].map((u) => this.drop(u)));
    await Promise.all([...this.cleanups]);
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

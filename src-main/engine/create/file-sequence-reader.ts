// Reads a list of files as one continuous byte stream (the torrent's payload, BEP 3: files
// concatenated in order), straight into the caller's buffer with large sequential reads.
// One file handle is open at a time. A file that ends early or changed size while we read
// is an error: hashing it would produce a torrent that matches nothing on disk.
import { open, type FileHandle } from 'node:fs/promises';
import { CreateInputError } from './collect-files.ts';

export interface SequenceFile {
  absolutePath: string;
  lengthBytes: number;
}

export class FileSequenceReader {
  private index = 0;
  private handle: FileHandle | null = null;
  private positionInFile = 0;

  constructor(
    private readonly files: readonly SequenceFile[],
    private readonly maxReadBytes: number,
  ) {}

  /** Fills `target[0, lengthBytes)` with the next bytes of the stream. */
  async fill(target: Uint8Array, lengthBytes: number): Promise<void> {
    let filled = 0;
    while (filled < lengthBytes) {
      const file = this.files[this.index];
      if (!file) throw new Error('read past the end of the files');
      if (this.positionInFile === file.lengthBytes) {
        await this.finishFile(file);
        continue;
      }
      this.handle ??= await this.openFile(file);
      const want = Math.min(lengthBytes - filled, file.lengthBytes - this.positionInFile, this.maxReadBytes);
      const { bytesRead } = await this.handle.read(target, filled, want, this.positionInFile);
      if (bytesRead === 0) throw changed(file);
      filled += bytesRead;
      this.positionInFile += bytesRead;
      // Check a file as soon as it is done, so the last one is checked too.
      if (this.positionInFile === file.lengthBytes) await this.finishFile(file);
    }
  }

  /** Closes the open file, if any. Idempotent. */
  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await handle?.close();
  }

  private async openFile(file: SequenceFile): Promise<FileHandle> {
    try {
      return await open(file.absolutePath, 'r');
    } catch (err) {
      throw new CreateInputError('unreadable', `${file.absolutePath}: ${(err as Error).message}`);
    }
  }

  private async finishFile(file: SequenceFile): Promise<void> {
    if (this.handle && (await this.handle.stat()).size !== file.lengthBytes) throw changed(file);
    await this.close();
    this.index++;
    this.positionInFile = 0;
  }
}

const changed = (file: SequenceFile) =>
  new CreateInputError(
    'changed',
    `${file.absolutePath} changed size while it was being hashed (expected ${file.lengthBytes} bytes)`,
  );

/**
 * Sharing what the user dropped. In Electron a dropped File has a path on disk, so it is
 * shared in place. In the browser it has none: the bytes are uploaded in 1 MiB chunks
 * into the daemon's share folder (uploadBegin/Chunk/Finish), which then shares them.
 */
import type { CommandRequest, ShareResponse } from '../../src-shared/contract/commands.ts';

/** The share dialog's Options, as the contract carries them. */
export type ShareOptions = NonNullable<CommandRequest<'share'>['options']>;

/** The name several items are shared under and the Options; both optional. */
export interface ShareChoices {
  name?: string;
  options?: ShareOptions;
}

/** How many top-level items a drop holds (a dropped folder is one). */
export function topLevelCount(dropped: readonly DroppedFile[]): number {
  return new Set(dropped.map((d) => d.relativePath[0])).size;
}
import type { RendererClient } from './renderer-client.ts';

export interface DroppedFile {
  file: File;
  /** Path below the drop: ['photos', 'a.jpg'] for a dropped folder, ['a.jpg'] for a file. */
  relativePath: string[];
}

/** Files from a drop, walking dropped folders where the browser allows it. */
export async function collectDropped(dt: DataTransfer): Promise<DroppedFile[]> {
  const entries = [...dt.items]
    .filter((i) => i.kind === 'file')
    .map((i) => (typeof i.webkitGetAsEntry === 'function' ? i.webkitGetAsEntry() : null));
  if (entries.length > 0 && entries.every((e) => e !== null)) {
    const out: DroppedFile[] = [];
    for (const e of entries) await walk(e!, [], out);
    return out;
  }
  return [...dt.files].map((file) => ({ file, relativePath: [file.name] }));
}

async function walk(entry: FileSystemEntry, parents: string[], out: DroppedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    out.push({ file, relativePath: [...parents, entry.name] });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns batches; an empty batch ends the folder.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, [...parents, entry.name], out);
  }
}

function blobToBase64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(blob);
  });
}

export async function shareDropped(
  client: RendererClient,
  dropped: DroppedFile[],
  onProgress?: (sentBytes: number, totalBytes: number) => void,
  choices: ShareChoices = {},
): Promise<ShareResponse> {
  const { name, options } = choices;
  const paths = dropped.map((d) => client.pathForFile(d.file));
  if (paths.length > 0 && paths.every((p): p is string => p !== null)) {
    // Electron: the top-level items the user dropped (a folder's files share its root).
    return client.invoke('share', {
      paths: [...new Set(paths)],
      ...(name ? { name } : {}),
      ...(options ? { options } : {}),
    });
  }
  const files = dropped.map((d) => ({ relativePath: d.relativePath, sizeBytes: d.file.size }));
  const totalBytes = files.reduce((n, f) => n + f.sizeBytes, 0);
  const { uploadId, chunkBytes } = await client.invoke('uploadBegin', { files, ...(name ? { name } : {}) });
  let sent = 0;
  try {
    for (let i = 0; i < dropped.length; i++) {
      const file = dropped[i]!.file;
      for (let off = 0; off < file.size; off += chunkBytes) {
        const dataBase64 = await blobToBase64(file.slice(off, Math.min(off + chunkBytes, file.size)));
        await client.invoke('uploadChunk', { uploadId, fileIndex: i, offsetBytes: off, dataBase64 });
        sent += Math.min(chunkBytes, file.size - off);
        onProgress?.(sent, totalBytes);
      }
    }
    return await client.invoke('uploadFinish', { uploadId, ...(options ? { options } : {}) });
  } catch (err) {
    await client.invoke('uploadCancel', { uploadId }).catch(() => undefined);
    throw err;
  }
}

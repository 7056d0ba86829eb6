/** A synthetic drag-and-drop of one file onto an element (what a user's drop fires). */
import type { Locator } from '@playwright/test';

export async function dropFile(
  target: Locator,
  name: string,
  bytes: Buffer,
  mimeType = 'application/octet-stream',
): Promise<void> {
  const dataTransfer = await target.page().evaluateHandle(
    ({ name, base64, mimeType }) => {
      // Runs in the page (DOM types are not in the node tsconfig e2e uses).
      const g = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: unknown): void } };
        File: new (parts: Uint8Array[], name: string, options: { type: string }) => unknown;
      };
      const bin = atob(base64);
      const arr = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) arr[i] = bin.charCodeAt(i);
      const dt = new g.DataTransfer();
      dt.items.add(new g.File([arr], name, { type: mimeType }));
      return dt;
    },
    { name, base64: bytes.toString('base64'), mimeType },
  );
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
}

/** Drops a file of random bytes made inside the page (large files never cross the wire). */
export async function dropRandomFile(target: Locator, name: string, sizeBytes: number): Promise<void> {
  const dataTransfer = await target.page().evaluateHandle(
    ({ name, sizeBytes }) => {
      const g = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: unknown): void } };
        File: new (parts: Uint8Array[], name: string, options: { type: string }) => unknown;
      };
      const arr = new Uint8Array(sizeBytes);
      for (let off = 0; off < sizeBytes; off += 65_536)
        crypto.getRandomValues(arr.subarray(off, Math.min(sizeBytes, off + 65_536)));
      const dt = new g.DataTransfer();
      dt.items.add(new g.File([arr], name, { type: 'application/octet-stream' }));
      return dt;
    },
    { name, sizeBytes },
  );
  await target.dispatchEvent('dragenter', { dataTransfer });
  await target.dispatchEvent('dragover', { dataTransfer });
  await target.dispatchEvent('drop', { dataTransfer });
}

/**
 * One folder of this machine's disk for the web UI's path picker: a browser cannot hand
 * over file paths, so without this the web UI could only upload copies. Entries are read
 * with lstat (a symbolic link is listed as what it is, not followed), capped in number,
 * folders first; unreadable entries are skipped, an unreadable folder is an error with
 * its own code.
 */
import { lstat, readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { FolderListing } from '../../src-shared/contract/commands.ts';
import { ContractError, ERROR_WORDING } from '../../src-shared/contract/error-codes.ts';

/** Entries a listing carries; a folder with more says `truncated`. */
export const MAX_FOLDER_ENTRIES = 2000;

export async function listFolder(requested: string | undefined): Promise<FolderListing> {
  const dir = path.resolve(requested ?? homedir());
  if (requested !== undefined && !path.isAbsolute(requested)) {
    throw new ContractError(
      'bad-request',
      ERROR_WORDING['bad-request'],
      `not an absolute path: ${requested}`,
    );
  }
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new ContractError('file-not-found', ERROR_WORDING['file-not-found'], dir);
    if (code === 'EACCES' || code === 'EPERM')
      throw new ContractError('permission-denied', ERROR_WORDING['permission-denied'], dir);
    throw err;
  }
  const hidden = (name: string) => name.startsWith('.');
  names.sort((a, b) => Number(hidden(a)) - Number(hidden(b)) || a.localeCompare(b));
  const truncated = names.length > MAX_FOLDER_ENTRIES;
  const entries: FolderListing['entries'] = [];
  for (const name of names.slice(0, MAX_FOLDER_ENTRIES)) {
    try {
      const s = await lstat(path.join(dir, name));
      if (s.isDirectory()) entries.push({ name, kind: 'folder', sizeBytes: 0 });
      else if (s.isFile()) entries.push({ name, kind: 'file', sizeBytes: s.size });
      // Links, sockets, devices: nothing to share.
    } catch {
      // Gone or unreadable since readdir: leave it out.
    }
  }
  entries.sort((a, b) => Number(a.kind === 'file') - Number(b.kind === 'file'));
  const parent = path.dirname(dir);
  return { path: dir, parent: parent === dir ? null : parent, entries, truncated };
}

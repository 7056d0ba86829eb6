import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listFolder } from './list-folder.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tree(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'swarmdrop-list-'));
  dirs.push(dir);
  await mkdir(path.join(dir, 'photos'));
  await mkdir(path.join(dir, '.cache'));
  await writeFile(path.join(dir, 'b.txt'), 'xyz');
  await writeFile(path.join(dir, 'a.bin'), Buffer.alloc(10));
  await writeFile(path.join(dir, '.hidden'), '');
  await symlink('/etc/passwd', path.join(dir, 'link'));
  return dir;
}

describe('listFolder', () => {
  it('lists folders first, then files, hidden ones last, without following links', async () => {
    const dir = await tree();
    const listing = await listFolder(dir);
    expect(listing.path).toBe(dir);
    expect(listing.parent).toBe(path.dirname(dir));
    expect(listing.entries).toEqual([
      { name: 'photos', kind: 'folder', sizeBytes: 0 },
      { name: '.cache', kind: 'folder', sizeBytes: 0 },
      { name: 'a.bin', kind: 'file', sizeBytes: 10 },
      { name: 'b.txt', kind: 'file', sizeBytes: 3 },
      { name: '.hidden', kind: 'file', sizeBytes: 0 },
    ]);
    expect(listing.truncated).toBe(false);
  });

  it('has no parent at the root, and names what is wrong with a bad path', async () => {
    expect((await listFolder('/')).parent).toBeNull();
    const dir = await tree();
    await expect(listFolder(path.join(dir, 'missing'))).rejects.toMatchObject({ code: 'file-not-found' });
    await expect(listFolder(path.join(dir, 'a.bin'))).rejects.toMatchObject({ code: 'file-not-found' });
    await expect(listFolder('relative/path')).rejects.toMatchObject({ code: 'bad-request' });
  });
});

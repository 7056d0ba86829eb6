/**
 * The data dir holds resume data, settings, browser uploads and the daemon's access
 * token: other users of the machine have no business in it, so it is 0700.
 */
import { chmod, lstat, mkdir } from 'node:fs/promises';

/** Creates `dir` 0700, and narrows an existing one of ours to 0700. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const st = await lstat(dir);
  const ours = typeof process.getuid === 'function' && st.uid === process.getuid();
  if ((st.mode & 0o077) !== 0 && ours) await chmod(dir, 0o700);
}

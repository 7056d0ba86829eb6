/**
 * The daemon's access token, kept in `<data dir>/web-token` (mode 0600, in a 0700 data
 * dir) so the printed address keeps working across restarts and open tabs reconnect
 * after one. Only our own user can read it. A file another user could have read or
 * replaced (group/other bits, not ours, a symlink) or that holds anything but a token
 * is not trusted: a new token is written instead. `renew` makes a new one on purpose
 * (`swarmdrop daemon --new-token`), which locks out every address printed before.
 */
import { lstat, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { ensurePrivateDir } from '../service/private-dir.ts';
import { makeToken, TOKEN_PATTERN } from './web-security.ts';

export const TOKEN_FILE = 'web-token';

const ownUid = (): number | null => (typeof process.getuid === 'function' ? process.getuid() : null);

async function trustedToken(file: string): Promise<string | null> {
  let st;
  try {
    st = await lstat(file);
  } catch {
    return null;
  }
  if (!st.isFile()) return null;
  if (process.platform !== 'win32' && ((st.mode & 0o077) !== 0 || st.uid !== ownUid())) return null;
  const text = (await readFile(file, 'utf8')).trim();
  return TOKEN_PATTERN.test(text) ? text : null;
}

export async function loadAccessToken(
  dataDir: string,
  options: { renew?: boolean } = {},
): Promise<{ token: string; file: string; created: boolean }> {
  await ensurePrivateDir(dataDir);
  const file = path.join(dataDir, TOKEN_FILE);
  if (!options.renew) {
    const kept = await trustedToken(file);
    if (kept) return { token: kept, file, created: false };
  }
  const token = makeToken();
  // Written beside the target with 0600 from its creation ('wx': never through an
  // existing file or link), then renamed over it: no moment where others can read it.
  const temp = `${file}.${process.pid}.tmp`;
  await rm(temp, { force: true });
  const fh = await open(temp, 'wx', 0o600);
  try {
    await fh.writeFile(`${token}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(temp, file);
  return { token, file, created: true };
}

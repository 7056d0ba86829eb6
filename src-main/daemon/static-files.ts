/** Serves the renderer build (dist/renderer), confined to that folder, GET/HEAD only. */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
  /** Hashed asset names never change, so they may be cached for long. */
  immutable: boolean;
}

export async function readStatic(rootDir: string, urlPath: string): Promise<StaticFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const full = path.resolve(rootDir, rel);
  if (full !== rootDir && !full.startsWith(rootDir + path.sep)) return null;
  try {
    const st = await stat(full);
    if (!st.isFile()) return null;
    return {
      body: await readFile(full),
      contentType: TYPES[path.extname(full).toLowerCase()] ?? 'application/octet-stream',
      immutable: rel.startsWith('assets/'),
    };
  } catch {
    return null;
  }
}

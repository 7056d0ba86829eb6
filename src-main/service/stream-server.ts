/**
 * The Electron main process's loopback HTTP server for file streams (file-stream.ts): the
 * renderer's <video>/<audio> and "Open with…" players need a URL, and the app has no web
 * server. It listens on 127.0.0.1 only, answers nothing but `/api/stream/…`, and every
 * request must carry its random token (401 without, 403 with a wrong one), as the daemon's
 * API does: other users and web pages on this machine cannot read the files.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Session } from '../engine/session-api.ts';
import { parseStreamPath, serveFileStream, streamPath } from './file-stream.ts';

export interface StreamServerOptions {
  /** Loopback address to listen on (a setting of the host; 127.0.0.1 in the app). */
  host: string;
  /** 0: any free port. */
  port?: number;
  /** Default: 32 random bytes, hex. */
  token?: string;
}

const HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };

export class StreamServer {
  private readonly server: http.Server;
  readonly token: string;

  private constructor(
    private readonly session: Pick<Session, 'openFileReader'>,
    private readonly options: StreamServerOptions,
  ) {
    this.token = options.token ?? randomBytes(32).toString('hex');
    this.server = http.createServer((req, res) => void this.onRequest(req, res));
  }

  static async start(
    session: Pick<Session, 'openFileReader'>,
    options: StreamServerOptions,
  ): Promise<StreamServer> {
    const s = new StreamServer(session, options);
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(options.port ?? 0, options.host, () => {
        s.server.off('error', reject);
        resolve();
      });
    });
    return s;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The URL of file `fileIndex` of torrent `id`, token included. */
  urlFor(id: string, fileIndex: number): string {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${this.port}${streamPath(id, fileIndex)}?token=${this.token}`;
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stream.invalid');
    const token = url.searchParams.get('token') ?? req.headers['x-swarmdrop-token'];
    if (typeof token !== 'string' || token === '') {
      res.writeHead(401, { ...HEADERS, 'Content-Type': 'text/plain' }).end('access token required');
      return;
    }
    if (!sameToken(token, this.token)) {
      res.writeHead(403, { ...HEADERS, 'Content-Type': 'text/plain' }).end('wrong access token');
      return;
    }
    const target = parseStreamPath(url.pathname);
    if (!target) {
      res.writeHead(404, { ...HEADERS, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    await serveFileStream(this.session, target, req, res, HEADERS);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections?.();
  }
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

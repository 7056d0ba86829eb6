/**
 * The daemon's web host: HTTP for the renderer build and a WebSocket at /ws carrying the
 * same contract the Electron preload carries (DESIGN: one contract, two transports). The
 * transport holds no logic: each socket gets one ServiceConnection.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { clientFrameSchema, MAX_FRAME_BYTES, type ServerFrame } from '../../src-shared/contract/wire.ts';
import type { AppService } from '../service/app-service.ts';
import { contentSecurityPolicy, hostAllowed, isLoopbackHost, makeToken, socketAllowed, type AccessPolicy } from './web-security.ts';
import { readStatic } from './static-files.ts';

/** Past this much unsent data a slow tab misses the droppable events (status, detail). */
const SLOW_CLIENT_BYTES = 4 * 1024 * 1024;
const DROPPABLE = new Set(['status', 'detail']);

export interface WebServerOptions {
  host: string;
  port: number;
  rendererDir: string;
  /** Force a token even on loopback (tests); by default only beyond loopback. */
  token?: string | null;
}

export class WebServer {
  private readonly http: http.Server;
  private readonly wss: WebSocketServer;
  readonly policy: AccessPolicy;
  private closed = false;

  private constructor(
    private readonly service: AppService,
    private readonly options: WebServerOptions,
  ) {
    const loopbackOnly = isLoopbackHost(options.host);
    this.policy = { loopbackOnly, token: options.token !== undefined ? options.token : loopbackOnly ? null : makeToken() };
    this.http = http.createServer((req, res) => void this.onRequest(req, res));
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
    this.http.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
      if (url.pathname !== '/ws' || !socketAllowed(this.policy, req.headers.host, origin, url.searchParams.get('token'))) {
        socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
  }

  static async start(service: AppService, options: WebServerOptions): Promise<WebServer> {
    const server = new WebServer(service, options);
    await new Promise<void>((resolve, reject) => {
      server.http.once('error', reject);
      server.http.listen(options.port, options.host, () => {
        server.http.off('error', reject);
        resolve();
      });
    });
    return server;
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  /** The address to open, with the token when one is required. */
  get url(): string {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${this.port}/${this.policy.token ? `?token=${this.policy.token}` : ''}`;
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const headers: Record<string, string> = {
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'X-Frame-Options': 'DENY',
    };
    if (!hostAllowed(this.policy, req.headers.host)) {
      res.writeHead(403, headers).end('forbidden host');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const file = await readStatic(this.options.rendererDir, url.pathname);
    if (!file) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': file.contentType,
      'Content-Security-Policy': contentSecurityPolicy(req.headers.host ?? ''),
      'Cache-Control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  private onSocket(ws: WebSocket): void {
    const send = (frame: ServerFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const conn = this.service.connect((event, payload) => {
      if (DROPPABLE.has(event) && ws.bufferedAmount > SLOW_CLIENT_BYTES) return;
      send({ type: 'event', event, payload });
    });
    ws.on('message', (data, isBinary) => {
      let frame;
      try {
        if (isBinary) throw new Error('binary frame');
        frame = clientFrameSchema.parse(JSON.parse(data.toString()));
      } catch {
        // A malformed frame closes that one socket (CONTRIBUTING.md, errors).
        ws.close(1008, 'malformed frame');
        return;
      }
      void conn.invoke(frame.command, frame.request).then((result) => send({ type: 'result', id: frame.id, ...result }));
    });
    ws.on('close', () => conn.close());
    ws.on('error', () => conn.close());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeAllConnections?.();
  }
}

/**
 * The daemon's web host: HTTP for the renderer build and a WebSocket at /ws carrying the
 * same contract the Electron preload carries (one contract, two transports). The
 * transport holds no logic: each socket gets one ServiceConnection.
 *
 * Static files are public (they hold no secret, and a page opened without the token
 * must be able to say so); every `/api/` route and the WebSocket need the access token
 * (web-security.ts).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { WebSocketServer, type WebSocket } from 'ws';
import { clientFrameSchema, MAX_FRAME_BYTES, type ServerFrame } from '../../src-shared/contract/wire.ts';
import type { AppService } from '../service/app-service.ts';
import {
  contentSecurityPolicy,
  hostAllowed,
  isLoopbackHost,
  requestUrl,
  socketRefusal,
  tokenOf,
  tokenRefusal,
  type AccessPolicy,
} from './web-security.ts';
import { readStatic } from './static-files.ts';
import { parseStreamPath, serveFileStream, streamPath } from '../service/file-stream.ts';
import { isLoopbackIp } from '../protocol/ip-address.ts';

function cameOverLoopback(remoteAddress: string | undefined): boolean {
  try {
    return remoteAddress !== undefined && isLoopbackIp(remoteAddress);
  } catch {
    return false; // Not an address we can read: treat as remote.
  }
}

/** Past this much unsent data a slow tab misses the droppable events (status, detail). */
const SLOW_CLIENT_BYTES = 4 * 1024 * 1024;
const DROPPABLE = new Set(['status', 'detail']);

export interface WebServerOptions {
  host: string;
  port: number;
  rendererDir: string;
  /** The access token every API request and socket must show (access-token.ts). */
  token: string;
}

/** The address to print for a bind address: one a browser can open (never 0.0.0.0). */
export function openableHost(bindHost: string): string {
  if (bindHost === '0.0.0.0' || bindHost === '') return '127.0.0.1';
  if (bindHost === '::') return '[::1]';
  return bindHost.includes(':') ? `[${bindHost}]` : bindHost;
}

/** The LAN hosts a wildcard bind is reachable at (none for a specific bind; link-local left out). */
export function lanHosts(bindHost: string, interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>): string[] {
  if (bindHost !== '0.0.0.0' && bindHost !== '::') return [];
  return Object.values(interfaces)
    .flat()
    .filter(
      (i): i is os.NetworkInterfaceInfo =>
        i !== undefined &&
        !i.internal &&
        (bindHost === '::' || i.family === 'IPv4') &&
        !i.address.toLowerCase().startsWith('fe80'),
    )
    .map((i) => openableHost(i.address));
}

const API_PREFIX = '/api/';

export class WebServer {
  private readonly http: http.Server;
  private readonly wss: WebSocketServer;
  readonly policy: AccessPolicy;
  private closed = false;

  private constructor(
    private readonly service: AppService,
    private readonly options: WebServerOptions,
  ) {
    this.policy = { loopbackOnly: isLoopbackHost(options.host), token: options.token };
    this.http = http.createServer((req, res) => void this.onRequest(req, res));
    this.wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
    this.http.on('upgrade', (req, socket, head) => {
      const url = requestUrl(req);
      const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
      const refusal =
        url?.pathname === '/ws'
          ? socketRefusal(this.policy, req.headers.host, origin, tokenOf(req))
          : { status: 404, reason: 'not found' };
      if (refusal) {
        socket.end(
          `HTTP/1.1 ${refusal.status} ${http.STATUS_CODES[refusal.status]}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${refusal.reason}`,
        );
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) =>
        this.onSocket(ws, cameOverLoopback(req.socket.remoteAddress)),
      );
    });
  }

  static async start(service: AppService, options: WebServerOptions): Promise<WebServer> {
    const server = new WebServer(service, options);
    // The player's URLs: this origin, with the token (a <video> cannot send a header).
    service.streamLinks = (id, fileIndex) => `${streamPath(id, fileIndex)}?token=${options.token}`;
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

  /** The address to open, token included: loopback when bound to every interface. */
  get url(): string {
    return this.urlFor(openableHost(this.options.host));
  }

  /** Bound to every interface: the LAN addresses it is reachable at too (printed by the daemon). */
  otherUrls(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces()): string[] {
    return lanHosts(this.options.host, interfaces).map((h) => this.urlFor(h));
  }

  private urlFor(host: string): string {
    return `http://${host}:${this.port}/?token=${this.policy.token}`;
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
    const url = requestUrl(req);
    if (!url) {
      res.writeHead(400, { ...headers, 'Content-Type': 'text/plain' }).end('bad request target');
      return;
    }
    if (url.pathname.startsWith(API_PREFIX)) {
      this.onApiRequest(req, res, url, { ...headers, 'Cache-Control': 'no-store' });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    const file = await readStatic(this.options.rendererDir, url.pathname);
    if (!file) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': file.contentType,
      'Content-Security-Policy': contentSecurityPolicy(req.headers.host),
      'Cache-Control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  /**
   * `/api/…`: the token first, whatever the route (an unknown route without it is 401,
   * not 404), so no route can be added that forgets it. `/api/access` answers whether a
   * token is good: the page asks it when its socket fails, to tell "wrong address" from
   * "daemon away" (a refused upgrade's status is hidden from page scripts).
   */
  private onApiRequest(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    headers: Record<string, string>,
  ): void {
    const refusal = tokenRefusal(this.policy, tokenOf(req));
    if (refusal) {
      res.writeHead(refusal.status, { ...headers, 'Content-Type': 'text/plain' }).end(refusal.reason);
      return;
    }
    if (url.pathname === '/api/access' && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(204, headers).end();
      return;
    }
    const stream = parseStreamPath(url.pathname);
    if (stream) {
      void serveFileStream(this.service.session, stream, req, res, headers);
      return;
    }
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
  }

  /** `fromThisMachine`: the page connected over loopback, so it may open files here. */
  private onSocket(ws: WebSocket, fromThisMachine: boolean): void {
    const send = (frame: ServerFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const conn = this.service.connect(
      (event, payload) => {
        if (DROPPABLE.has(event) && ws.bufferedAmount > SLOW_CLIENT_BYTES) return;
        send({ type: 'event', event, payload });
      },
      { onThisMachine: fromThisMachine },
    );
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
      void conn
        .invoke(frame.command, frame.request)
        .then((result) => send({ type: 'result', id: frame.id, ...result }));
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

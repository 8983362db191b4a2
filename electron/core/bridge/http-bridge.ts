// The loopback HTTP bridge: the same API table the Electron preload reaches, served on 127.0.0.1 only,
// behind a per-run token, for the browser fallback and the browser tests. It also serves the built
// renderer and library media (thumbnails, originals) with the same token.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo, Socket } from 'node:net';
import type { Core } from '../core.ts';
import { downloadPath } from '../backup/exports-dir.ts';

export const TOKEN_HEADER = 'x-stylist-token';
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** How long a refused upload's socket keeps draining before it is closed regardless. */
const LINGER_MS = 2000;
/** The page is our own bundle; images come from this origin; nothing remote. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.woff2': 'font/woff2',
  '.zip': 'application/zip', '.csv': 'text/csv; charset=utf-8',
  '.webp': 'image/webp', '.jpg': 'image/jpeg', '.gif': 'image/gif', '.tif': 'image/tiff', '.avif': 'image/avif', '.heic': 'image/heic',
};

export interface BridgeOptions {
  core: Core;
  /** The built renderer (dist/renderer); when absent only the API and media are served. */
  staticDir?: string;
  port?: number;
  token?: string;
}

export interface Bridge {
  url: string;
  /** The address to open in a browser: the token travels in the fragment, which is never sent to the server. */
  pageUrl: string;
  token: string;
  close(): Promise<void>;
}

export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const token = options.token ?? crypto.randomBytes(24).toString('base64url');
  const server = http.createServer((req, res) => {
    handle(options, token, req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error: { code: 'internal', message: String(error) } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    pageUrl: `${url}/#token=${token}`,
    token,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

async function handle(options: BridgeOptions, token: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  try {
    decodeURIComponent(url.pathname); // every route decodes (part of) it: a malformed one is the client's error
  } catch {
    return send(res, 400, error('bad_request', 'malformed URL'));
  }
  // A page on another site could aim requests at this port: refuse anything that is not addressed to the
  // loopback host by name (DNS rebinding) or that comes from a foreign origin.
  const host = req.headers.host ?? '';
  if (!/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(host)) return send(res, 403, error('forbidden', 'wrong host'));
  const origin = req.headers.origin;
  if (origin && origin !== `http://${host}`) return send(res, 403, error('forbidden', 'cross-origin requests are refused'));

  if (url.pathname.startsWith('/api/')) {
    if (req.method !== 'POST') return send(res, 405, error('bad_request', 'use POST'));
    if (!tokenMatches(req.headers[TOKEN_HEADER], token)) return send(res, 401, error('unauthorized', 'missing or wrong token'));
    // Over the limit, by its word or by what arrives: refused, and the connection closed (after a short linger).
    const body = Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES ? null : await readBody(req);
    if (body === null) {
      res.setHeader('Connection', 'close');
      closeLingering(req.socket);
      return send(res, 413, error('bad_request', `request body over ${MAX_BODY_BYTES} bytes`));
    }
    let input: unknown;
    try {
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      return send(res, 400, error('bad_request', 'the body is not JSON'));
    }
    return send(res, 200, await options.core.dispatch(decodeURIComponent(url.pathname.slice(5)), input));
  }

  if (url.pathname.startsWith('/media/')) {
    if (!tokenMatches(url.searchParams.get('token') ?? undefined, token)) return send(res, 401, error('unauthorized', 'missing or wrong token'));
    const [, , kind, sha] = url.pathname.split('/');
    const file = kind === 'thumb' || kind === 'original' ? options.core.mediaFile(kind, sha ?? '') : null;
    if (!file) return send(res, 404, error('not_found', 'no such image'));
    return sendFile(res, file, 'private, max-age=31536000, immutable');
  }

  // Library exports and CSVs (the files of the library's exports/ folder, by exact name), as downloads.
  if (url.pathname.startsWith('/download/')) {
    if (!tokenMatches(url.searchParams.get('token') ?? undefined, token)) return send(res, 401, error('unauthorized', 'missing or wrong token'));
    const name = decodeURIComponent(url.pathname.slice('/download/'.length));
    const file = downloadPath(options.core.services.files.root, name);
    if (!file) return send(res, 404, error('not_found', 'no such export'));
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    res.setHeader('Content-Length', String(fs.statSync(file).size));
    return sendFile(res, file, 'no-store');
  }

  if (options.staticDir && req.method === 'GET') {
    const root = path.resolve(options.staticDir);
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) return send(res, 404, error('not_found', 'not found'));
    return sendFile(res, file, 'no-cache');
  }
  send(res, 404, error('not_found', 'not found'));
}

function tokenMatches(given: string | string[] | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Node closes a 'Connection: close' socket as soon as the answer is written (destroySoon). With the client
 * still sending, that close finds unread bytes and sends a reset, and a client that had not yet read the 413
 * (one busy uploading) loses it to the reset. Close this socket the lingering way instead, as Apache and nginx
 * do: send the answer and a FIN, drop whatever still arrives, and destroy once the client closes or
 * LINGER_MS have passed.
 */
function closeLingering(socket: Socket): void {
  socket.destroySoon = () => {
    socket.end();
    socket.resume();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    socket.once('close', () => clearTimeout(timer));
  };
}

function error(code: string, message: string) {
  return { ok: false, error: { code, message } };
}

function securityHeaders(res: http.ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  securityHeaders(res);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

function sendFile(res: http.ServerResponse, file: string, cache: string): void {
  securityHeaders(res);
  res.writeHead(200, { 'Content-Type': CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream', 'Cache-Control': cache });
  fs.createReadStream(file).pipe(res);
}

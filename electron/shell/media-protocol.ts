// The two privileged schemes of the window:
//   app://bundle/<path>                 the built renderer (dist/renderer), never anything outside it;
//   stylist-media://<kind>/<sha256>     an item's thumbnail or original, through core.mediaFile.
// URL decisions are pure functions (parseMediaUrl, resolveBundleFile) and the handlers take their
// dependencies as arguments, so all of it runs in plain Node under the unit tests.
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { protocol } from 'electron';
import type { CustomScheme, Protocol } from 'electron';
import { MEDIA_SCHEME } from '../../shared/api.ts';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, tryParseUrl } from './app-origin.ts';
import { ELECTRON_CONTENT_SECURITY_POLICY } from './security.ts';

export type MediaKind = 'thumb' | 'original';
export interface MediaRef {
  kind: MediaKind;
  sha256: string;
}

/**
 * Registered once, before `ready` (Electron only honours the last call, so both schemes go together).
 * standard: real origins (app://bundle) so 'self' in the CSP and the IPC sender check mean something;
 * secure: treated like https (no mixed-content downgrade); supportFetchAPI + corsEnabled: module scripts
 * and fetch() work, with CORS decided by our response headers (only media answers
 * Access-Control-Allow-Origin, and only to app://bundle); stream: bodies are streamed, not buffered.
 * Neither scheme bypasses the CSP.
 */
export const PRIVILEGED_SCHEMES: CustomScheme[] = [
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true, codeCache: true } },
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true } },
];

export function registerPrivilegedSchemes(target: Pick<Protocol, 'registerSchemesAsPrivileged'> = protocol): void {
  target.registerSchemesAsPrivileged(PRIVILEGED_SCHEMES);
}

const MEDIA_URL = new RegExp(`^${MEDIA_SCHEME}://(thumb|original)/([0-9a-f]{64})$`);

/**
 * `stylist-media://thumb/<sha>` or `stylist-media://original/<sha>` -> { kind, sha256 }; null for anything
 * else. The whole URL must be exactly that shape (no dot segments, no percent-encoding, no query, no
 * trailing slash), so no decoding or normalisation can ever turn it into another path.
 */
export function parseMediaUrl(url: unknown): MediaRef | null {
  if (typeof url !== 'string') return null;
  const match = MEDIA_URL.exec(url);
  if (!match) return null;
  return { kind: match[1] as MediaKind, sha256: match[2] as string };
}

/**
 * The file under `rootDir` that an `app://bundle/...` URL names, or null when the URL is not of the app's
 * origin or would leave `rootDir` (dot segments, encoded separators, NUL, ...). `/` is index.html.
 * Existence is not checked here.
 */
export function resolveBundleFile(url: unknown, rootDir: string): string | null {
  if (typeof url !== 'string') return null;
  // Refuse encoded separators, dots and NUL before decoding, and backslashes anywhere.
  if (/%(2f|5c|2e|00)/i.test(url) || url.includes('\\')) return null;
  const parsed = tryParseUrl(url);
  if (!parsed || parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST || parsed.username || parsed.password) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const segments = pathname.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s === '.' || s === '..')) return null;
  const rel = segments.length === 0 ? 'index.html' : segments.join('/');
  const root = path.resolve(rootDir);
  const file = path.resolve(root, rel);
  return file.startsWith(root + path.sep) ? file : null;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.webp': 'image/webp',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.avif': 'image/avif',
  '.heic': 'image/heic',
};

export function contentType(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function textResponse(status: number, message: string): Response {
  return new Response(message, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
  });
}

async function fileResponse(file: string, headers: Record<string, string>): Promise<Response> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch {
    return textResponse(404, 'not found');
  }
  if (!stat.isFile()) return textResponse(404, 'not found');
  const body = Readable.toWeb(fs.createReadStream(file)) as unknown as ReadableStream<Uint8Array>;
  return new Response(body, {
    status: 200,
    headers: { 'Content-Type': contentType(file), 'Content-Length': String(stat.size), 'X-Content-Type-Options': 'nosniff', ...headers },
  });
}

export interface MediaSource {
  mediaFile(kind: MediaKind, sha256: string): string | null;
}

/** Answers one `stylist-media://` request: the file when the URL is well formed and the core knows it, else 404. */
export async function handleMediaRequest(request: Pick<Request, 'url' | 'method'>, media: MediaSource): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'method not allowed');
  const ref = parseMediaUrl(request.url);
  if (!ref) return textResponse(404, 'not found');
  let file: string | null;
  try {
    file = media.mediaFile(ref.kind, ref.sha256);
  } catch {
    file = null;
  }
  if (!file) return textResponse(404, 'not found');
  return fileResponse(file, {
    'Cache-Control': 'private, max-age=31536000, immutable',
    // The page (app://bundle) may fetch() media too; nobody else may.
    'Access-Control-Allow-Origin': APP_ORIGIN,
  });
}

/** Answers one `app://` request from the built renderer folder; 404 for anything outside it. */
export async function handleAppRequest(request: Pick<Request, 'url' | 'method'>, rendererDir: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'method not allowed');
  const file = resolveBundleFile(request.url, rendererDir);
  if (!file) return textResponse(404, 'not found');
  return fileResponse(file, {
    'Cache-Control': 'no-cache',
    // Also set by the session's onHeadersReceived; set here too so the page is never served without it.
    'Content-Security-Policy': ELECTRON_CONTENT_SECURITY_POLICY,
  });
}

/** Installs both handlers on the default session's protocol (after `ready`). */
export function installProtocols(options: { media: MediaSource; rendererDir: string; log?: (message: string) => void }, target: Pick<Protocol, 'handle'> = protocol): void {
  const log = options.log ?? (() => {});
  const guard = (name: string, handler: (request: Request) => Promise<Response>) => async (request: Request) => {
    try {
      return await handler(request);
    } catch (error) {
      log(`${name} request failed: ${error instanceof Error ? error.message : String(error)}`);
      return textResponse(500, 'internal error');
    }
  };
  target.handle(APP_SCHEME, guard(APP_SCHEME, (request) => handleAppRequest(request, options.rendererDir)));
  target.handle(MEDIA_SCHEME, guard(MEDIA_SCHEME, (request) => handleMediaRequest(request, options.media)));
}

// The loopback bridge under hostile HTTP, beyond tests/unit/core/bridge.test.ts: the token only in its header,
// malformed URLs, oversized and never-ending bodies, deeply nested JSON, request smuggling, and slow clients
// that must not hold up anyone else.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCore } from '../../../electron/core/core.ts';
import type { Core } from '../../../electron/core/core.ts';
import { TOKEN_HEADER, startBridge } from '../../../electron/core/bridge/http-bridge.ts';
import type { Bridge } from '../../../electron/core/bridge/http-bridge.ts';
import { MODEL_DIR, requireModel, tempDir } from '../../helpers/kit.ts';

let core: Core;
let bridge: Bridge;
let port: number;
let cases = 0;

beforeAll(async () => {
  requireModel();
  core = openCore({ libraryDir: tempDir(), modelDir: MODEL_DIR, shell: 'browser', version: 'test' });
  bridge = await startBridge({ core });
  port = Number(new URL(bridge.url).port);
});
afterAll(async () => {
  console.log(`[reliability] bridge: ${cases} hostile HTTP requests answered as expected`);
  await bridge?.close();
  await core?.close();
});

/** Sends raw bytes on a new connection; resolves with the status line's code (0 if closed without one). */
function raw(request: string | Buffer, { end = true, timeoutMs = 5000 } = {}): Promise<{ status: number; body: string; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => reject(new Error('no answer')), timeoutMs);
    socket.on('data', (d) => (data += d.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0), body: data.split('\r\n\r\n').slice(1).join('\r\n\r\n'), socket });
    });
    socket.write(request);
    if (end) socket.end();
  });
}

/** A client that sends a request's head and reads nothing until its socket is resumed (one busy uploading). */
function uploader(head: string, { allowHalfOpen = false } = {}) {
  const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen });
  socket.pause();
  let answer = '';
  let error = '';
  socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
  const answered = new Promise<void>((resolve) => socket.on('data', (d) => ((answer += d.toString('latin1')), resolve())));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(head);
  return { socket, answered, closed, answer: () => answer, error: () => error };
}

function request(method: string, target: string, headers: Record<string, string>, body = ''): string {
  const lines = [`${method} ${target} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  if (body && !Object.keys(headers).some((h) => /content-length|transfer-encoding/i.test(h))) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

async function api(pathname: string, body: string, headers: Record<string, string> = { [TOKEN_HEADER]: bridge.token }) {
  cases++;
  return fetch(bridge.url + pathname, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
}

describe('bridge under hostile HTTP', () => {
  it('takes the token from its header only: not from the query string, a cookie, Authorization, or a doubled header', async () => {
    for (const [where, path, headers] of [
      ['query', `/api/people.list?token=${bridge.token}`, {}],
      ['cookie', '/api/people.list', { cookie: `token=${bridge.token}` }],
      ['authorization', '/api/people.list', { authorization: `Bearer ${bridge.token}` }],
    ] as const) {
      const res = await api(path, '{}', headers);
      expect(res.status, where).toBe(401);
    }
    cases++;
    const doubled = await raw(request('POST', '/api/people.list', { [TOKEN_HEADER]: bridge.token, [`${TOKEN_HEADER} `]: bridge.token }, '{}'));
    expect(doubled.status).not.toBe(200);
    expect((await api('/api/people.list', '{}')).status).toBe(200);
  });

  it('answers malformed URLs with a 4xx, not an internal error', async () => {
    for (const target of ['/api/%E0%A4%A', '/api/%', '/media/thumb/%ZZ', '/download/%E0%A4%A', '/%E0%A4%A']) {
      cases++;
      const res = await raw(request(target.startsWith('/api/') ? 'POST' : 'GET', `${target}${target.startsWith('/api/') ? '' : `?token=${bridge.token}`}`, { [TOKEN_HEADER]: bridge.token, 'Content-Type': 'application/json' }, target.startsWith('/api/') ? '{}' : ''));
      expect(res.status, target).toBeGreaterThanOrEqual(400);
      expect(res.status, target).toBeLessThan(500);
    }
    for (const method of ['__proto__', 'constructor', '..%2f..%2fapp.info', 'app.info%00', 'app.info/x', 'toString']) {
      const res = await api(`/api/${method}`, '{}');
      expect(await res.json(), method).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
  });

  it('refuses a body that says it is over the limit at once, without reading it', async () => {
    cases++;
    const t0 = performance.now();
    const client = uploader(request('POST', '/api/people.list', { [TOKEN_HEADER]: bridge.token, 'Content-Length': String(65 * 2 ** 20) }, '{'), { allowHalfOpen: true });
    client.socket.resume();
    await client.answered;
    expect(client.answer()).toMatch(/^HTTP\/1\.1 413/);
    expect(performance.now() - t0).toBeLessThan(2000);
    // The client sends nothing more and never closes its side; the server lets go after its linger (2 s), so
    // what the client writes later is met with a reset rather than read.
    await new Promise((r) => setTimeout(r, 2500));
    for (let i = 0; i < 40 && !client.error(); i++) {
      client.socket.write(' ');
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(client.error()).toMatch(/ECONNRESET|EPIPE/);
  });

  // Closing a socket with unread bytes sends a reset, and a reset makes a client that is still uploading
  // (so not yet reading) lose the answer it was sent. This client reads nothing until it has sent 80 MB.
  it('refuses a chunked body that grows past the limit with a 413 the uploading client receives, and stays up', async () => {
    cases++;
    const client = uploader(request('POST', '/api/people.list', { [TOKEN_HEADER]: bridge.token, 'Transfer-Encoding': 'chunked' }));
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    for (let i = 0; i < 80 && !client.socket.destroyed; i++) {
      client.socket.write(`${chunk.length.toString(16)}\r\n`);
      client.socket.write(chunk);
      if (!client.socket.write('\r\n')) await Promise.race([new Promise((r) => client.socket.once('drain', r)), client.closed]);
    }
    client.socket.resume();
    await Promise.race([client.answered, client.closed]);
    client.socket.destroy();
    expect(client.error()).toBe('');
    expect(client.answer()).toMatch(/^HTTP\/1\.1 413/);
    expect((await api('/api/people.list', '{}')).status).toBe(200);
  });

  it('parses a million-deep JSON body without falling over, and answers bad_request', async () => {
    const res = await api('/api/people.create', `{"name":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}`);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const bin = await api('/api/people.create', Buffer.from([0xff, 0xfe, 0x00, 0x7b]) as unknown as string);
    expect(bin.status).toBe(400);
  });

  it('refuses request smuggling (both Content-Length and Transfer-Encoding) and foreign hosts', async () => {
    cases += 3;
    const smuggle = await raw(request('POST', '/api/people.list', { [TOKEN_HEADER]: bridge.token, 'Content-Length': '4', 'Transfer-Encoding': 'chunked' }, '0\r\n\r\nGET / HTTP/1.1\r\n\r\n'));
    expect(smuggle.status).toBe(400);
    for (const host of ['localhost.evil.example', '127.0.0.1.nip.io']) {
      const res = await raw(`GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
      expect(res.status, host).toBe(403);
    }
    const nullOrigin = await api('/api/people.list', '{}', { [TOKEN_HEADER]: bridge.token, origin: 'null' });
    expect(nullOrigin.status).toBe(403);
  });

  it('slow clients (partial headers, partial bodies) do not hold up other requests', async () => {
    const slow: net.Socket[] = [];
    for (let i = 0; i < 40; i++) {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => {});
      s.write(i % 2 ? `POST /api/people.list HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${TOKEN_HEADER}: ${bridge.token}\r\nContent-Length: 1000\r\n\r\n{"na` : `POST /api/people.list HTTP/1.1\r\nHost: 127.0`);
      slow.push(s);
    }
    cases += slow.length;
    await new Promise((r) => setTimeout(r, 200));
    const t0 = performance.now();
    const answers = await Promise.all(Array.from({ length: 10 }, () => api('/api/people.list', '{}')));
    const ms = performance.now() - t0;
    slow.forEach((s) => s.destroy());
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(ms).toBeLessThan(2000);
    console.log(`[reliability] bridge: 10 calls answered in ${Math.round(ms)} ms while ${slow.length} slow clients held connections open`);
  });
});

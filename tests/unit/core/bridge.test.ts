import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import { openCore } from '../../../electron/core/core.ts';
import type { Core } from '../../../electron/core/core.ts';
import { TOKEN_HEADER, startBridge } from '../../../electron/core/bridge/http-bridge.ts';
import type { Bridge } from '../../../electron/core/bridge/http-bridge.ts';
import { MODEL_DIR, requireModel, tempDir } from '../../helpers/kit.ts';

let core: Core;
let bridge: Bridge;
const staticDir = tempDir();

beforeAll(async () => {
  requireModel();
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  core = openCore({ libraryDir: tempDir(), modelDir: MODEL_DIR, shell: 'browser', version: 'test' });
  bridge = await startBridge({ core, staticDir });
});
afterAll(async () => {
  await bridge?.close();
  await core?.close();
});

function post(pathname: string, body: string, headers: Record<string, string> = {}) {
  return fetch(bridge.url + pathname, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
}

/** fetch() will not let us forge Host; node:http will. */
function rawGet(pathname: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(bridge.url + pathname, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('loopback bridge', () => {
  it('listens on 127.0.0.1 only, and puts the token in the fragment of the page address', () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(bridge.pageUrl).toBe(`${bridge.url}/#token=${bridge.token}`);
    expect(bridge.token.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses API calls without the token or with a wrong one', async () => {
    const none = await post('/api/people.list', '{}');
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const wrong = await post('/api/people.list', '{}', { [TOKEN_HEADER]: bridge.token.slice(0, -1) + 'x' });
    expect(wrong.status).toBe(401);
    const get = await fetch(bridge.url + '/api/people.list', { headers: { [TOKEN_HEADER]: bridge.token } });
    expect(get.status).toBe(405);
  });

  it('answers API calls with the token through the same dispatch', async () => {
    const created = await post('/api/people.create', JSON.stringify({ name: 'Bo' }), { [TOKEN_HEADER]: bridge.token });
    expect(await created.json()).toMatchObject({ ok: true, value: { name: 'Bo' } });
    const bad = await post('/api/people.create', '{not json', { [TOKEN_HEADER]: bridge.token });
    expect(bad.status).toBe(400);
    const unknown = await post('/api/fs.readFile', '{}', { [TOKEN_HEADER]: bridge.token });
    expect(await unknown.json()).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('refuses foreign origins and hosts (DNS rebinding)', async () => {
    const cross = await post('/api/people.list', '{}', { [TOKEN_HEADER]: bridge.token, origin: 'http://evil.example' });
    expect(cross.status).toBe(403);
    expect(await rawGet('/', 'evil.example')).toBe(403);
    expect(await rawGet('/', new URL(bridge.url).host)).toBe(200);
  });

  it('serves media only with the token and only for well-formed hashes, and no file outside the static folder', async () => {
    expect((await fetch(`${bridge.url}/media/thumb/${'a'.repeat(64)}`)).status).toBe(401);
    expect((await fetch(`${bridge.url}/media/thumb/${'a'.repeat(64)}?token=${bridge.token}`)).status).toBe(404);
    expect((await fetch(`${bridge.url}/media/thumb/..%2f..%2flibrary.db?token=${bridge.token}`)).status).toBe(404);
    expect((await fetch(`${bridge.url}/..%2f..%2f..%2fetc%2fpasswd`)).status).toBe(404);
    const page = await fetch(`${bridge.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-security-policy')).not.toMatch(/unsafe|https?:/);
  });
});

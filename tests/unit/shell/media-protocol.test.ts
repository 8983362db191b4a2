import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MEDIA_SCHEME } from '../../../shared/api.ts';
import {
  PRIVILEGED_SCHEMES,
  handleAppRequest,
  handleMediaRequest,
  installProtocols,
  parseMediaUrl,
  registerPrivilegedSchemes,
  resolveBundleFile,
} from '../../../electron/shell/media-protocol.ts';
import { ELECTRON_CONTENT_SECURITY_POLICY } from '../../../electron/shell/security.ts';

const electron = vi.hoisted(() => ({
  protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
  shell: { openExternal: vi.fn() },
}));
vi.mock('electron', () => electron);

const SHA = 'ab'.repeat(32);

describe('parseMediaUrl', () => {
  it('reads the kind and the hash', () => {
    expect(parseMediaUrl(`stylist-media://thumb/${SHA}`)).toEqual({ kind: 'thumb', sha256: SHA });
    expect(parseMediaUrl(`stylist-media://original/${SHA}`)).toEqual({ kind: 'original', sha256: SHA });
  });

  it.each([
    'stylist-media://thumb/../../etc/passwd',
    'stylist-media://thumb/..%2f..%2fetc%2fpasswd',
    'stylist-media://thumb/%2e%2e/%2e%2e/etc/passwd',
    'stylist-media://thumb/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
    `stylist-media://thumb/../original/${SHA}`,
    `stylist-media://thumb/./${SHA}`,
    `stylist-media://thumb/${SHA}/../../x`,
    `stylist-media://thumb/${SHA}/`,
    `stylist-media://thumb//${SHA}`,
    `stylist-media://thumb/${SHA}?x=1`,
    `stylist-media://thumb/${SHA}#x`,
    `stylist-media://thumb/${SHA}%00.webp`,
    `stylist-media://thumb/${SHA.toUpperCase()}`,
    `stylist-media://thumb/${SHA.slice(1)}`,
    `stylist-media://thumb/${SHA}0`,
    `stylist-media://thumb/${SHA}.webp`,
    `stylist-media://THUMB/${SHA}`,
    `stylist-media://preview/${SHA}`,
    `stylist-media://thumb:80/${SHA}`,
    `stylist-media://user@thumb/${SHA}`,
    `stylist-media://thumb\\..\\..\\etc\\passwd`,
    `stylist-media:thumb/${SHA}`,
    `stylist-media:///thumb/${SHA}`,
    `app://thumb/${SHA}`,
    `file:///etc/passwd`,
    ` stylist-media://thumb/${SHA}`,
    `stylist-media://thumb/${SHA}\n`,
    '',
  ])('refuses %j', (url) => expect(parseMediaUrl(url)).toBeNull());

  it('refuses non-strings', () => {
    expect(parseMediaUrl(undefined)).toBeNull();
    expect(parseMediaUrl({ url: `stylist-media://thumb/${SHA}` })).toBeNull();
  });

  it('reads exactly what the preload produces', () => {
    const mediaUrl = (kind: 'thumb' | 'original', sha256: string) => `${MEDIA_SCHEME}://${kind}/${sha256}`;
    expect(parseMediaUrl(mediaUrl('original', SHA))).toEqual({ kind: 'original', sha256: SHA });
  });
});

describe('the app:// bundle', () => {
  let root: string;
  let outside: string;
  beforeAll(() => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'stylist-bundle-'));
    root = path.join(base, 'renderer');
    outside = path.join(base, 'secret.txt');
    fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Stylist</title>');
    fs.writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
    fs.writeFileSync(path.join(root, 'assets', 'a b.css'), 'body{}');
    fs.writeFileSync(outside, 'secret');
  });
  afterAll(() => fs.rmSync(path.dirname(root), { recursive: true, force: true }));

  it('maps the app origin into the folder', () => {
    expect(resolveBundleFile('app://bundle/index.html', root)).toBe(path.join(root, 'index.html'));
    expect(resolveBundleFile('app://bundle/', root)).toBe(path.join(root, 'index.html'));
    expect(resolveBundleFile('app://bundle', root)).toBe(path.join(root, 'index.html'));
    expect(resolveBundleFile('app://bundle/assets/index-abc.js?v=1#x', root)).toBe(path.join(root, 'assets', 'index-abc.js'));
    expect(resolveBundleFile('app://bundle/assets/a%20b.css', root)).toBe(path.join(root, 'assets', 'a b.css'));
  });

  it.each([
    'app://bundle/../secret.txt',
    'app://bundle/../../../../etc/passwd',
    'app://bundle/%2e%2e/secret.txt',
    'app://bundle/%2E%2E%2Fsecret.txt',
    'app://bundle/..%2fsecret.txt',
    'app://bundle/..%5csecret.txt',
    'app://bundle/assets/..\\..\\secret.txt',
    'app://bundle/index.html%00.js',
    'app://bundle/%E0%A4%A',
    'app://other/index.html',
    'app://bundle:1/index.html',
    'app://u:p@bundle/index.html',
    'file:///etc/passwd',
    'stylist-media://bundle/index.html',
  ])('refuses %j', (url) => {
    const file = resolveBundleFile(url, root);
    // Either refused outright, or (for dot segments the URL parser already removed) still inside the folder.
    if (file !== null) expect(file.startsWith(root + path.sep)).toBe(true);
    expect(file).not.toBe(outside);
  });

  it('serves index.html with the CSP, and 404s outside the folder', async () => {
    const ok = await handleAppRequest({ url: 'app://bundle/index.html', method: 'GET' }, root);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(ok.headers.get('content-security-policy')).toBe(ELECTRON_CONTENT_SECURITY_POLICY);
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await ok.text()).toContain('<title>Stylist</title>');

    const js = await handleAppRequest({ url: 'app://bundle/assets/index-abc.js', method: 'GET' }, root);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');

    for (const url of ['app://bundle/%2e%2e/secret.txt', 'app://bundle/missing.js', 'app://bundle/assets', 'app://evil/index.html']) {
      const res = await handleAppRequest({ url, method: 'GET' }, root);
      expect(res.status, url).toBe(404);
      expect(await res.text()).not.toContain('secret');
    }
    expect((await handleAppRequest({ url: 'app://bundle/index.html', method: 'POST' }, root)).status).toBe(405);
  });
});

describe('handleMediaRequest', () => {
  let dir: string;
  let thumb: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stylist-media-'));
    thumb = path.join(dir, `${SHA}.webp`);
    fs.writeFileSync(thumb, Buffer.from('RIFF0000WEBP'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const core = () => ({ mediaFile: vi.fn((kind: string, sha: string) => (kind === 'thumb' && sha === SHA ? thumb : null)) });

  it('serves a known item through core.mediaFile', async () => {
    const media = core();
    const res = await handleMediaRequest({ url: `stylist-media://thumb/${SHA}`, method: 'GET' }, media);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    expect(res.headers.get('access-control-allow-origin')).toBe('app://bundle');
    expect(Buffer.from(await res.arrayBuffer()).toString()).toBe('RIFF0000WEBP');
    expect(media.mediaFile).toHaveBeenCalledWith('thumb', SHA);
  });

  it('404s an unknown item, and never asks the core about a malformed URL', async () => {
    const media = core();
    expect((await handleMediaRequest({ url: `stylist-media://original/${SHA}`, method: 'GET' }, media)).status).toBe(404);
    media.mediaFile.mockClear();
    for (const url of ['stylist-media://thumb/../../etc/passwd', 'stylist-media://thumb/%2e%2e%2f%2e%2e%2fetc%2fpasswd', `stylist-media://thumb/${SHA}/..`]) {
      expect((await handleMediaRequest({ url, method: 'GET' }, media)).status).toBe(404);
    }
    expect(media.mediaFile).not.toHaveBeenCalled();
  });

  it('404s when the file went away, 404s when the core throws, 405s other methods', async () => {
    const gone = { mediaFile: () => path.join(dir, 'gone.webp') };
    expect((await handleMediaRequest({ url: `stylist-media://thumb/${SHA}`, method: 'GET' }, gone)).status).toBe(404);
    const throwing = { mediaFile: () => { throw new Error('db closed'); } };
    expect((await handleMediaRequest({ url: `stylist-media://thumb/${SHA}`, method: 'GET' }, throwing)).status).toBe(404);
    expect((await handleMediaRequest({ url: `stylist-media://thumb/${SHA}`, method: 'PUT' }, core())).status).toBe(405);
  });
});

describe('scheme registration', () => {
  it('registers app:// and stylist-media:// as standard, secure, fetch-capable in one call', () => {
    registerPrivilegedSchemes();
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledOnce();
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith(PRIVILEGED_SCHEMES);
    const byName = new Map(PRIVILEGED_SCHEMES.map((s) => [s.scheme, s.privileges]));
    for (const scheme of ['app', MEDIA_SCHEME]) {
      expect(byName.get(scheme)).toMatchObject({ standard: true, secure: true, supportFetchAPI: true });
      // Never bypass the page's CSP.
      expect(byName.get(scheme)?.bypassCSP).toBeFalsy();
    }
  });

  it('installs a handler per scheme; a handler that throws answers 500 instead of failing the request', async () => {
    const log = vi.fn();
    const thumb = path.join(os.tmpdir(), 'never-there.webp');
    installProtocols({ media: { mediaFile: () => thumb }, rendererDir: '/nonexistent', log });
    const calls = new Map(electron.protocol.handle.mock.calls.map((c) => [c[0] as string, c[1] as (r: unknown) => Promise<Response>]));
    expect([...calls.keys()].sort()).toEqual(['app', MEDIA_SCHEME].sort());
    expect((await calls.get('app')?.({ url: 'app://bundle/index.html', method: 'GET' }))?.status).toBe(404);
    expect((await calls.get(MEDIA_SCHEME)?.({ url: `stylist-media://thumb/${SHA}`, method: 'GET' }))?.status).toBe(404);
    const broken = { method: 'GET', get url(): string { throw new Error('boom'); } };
    expect((await calls.get('app')?.(broken))?.status).toBe(500);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('boom'));
  });
});

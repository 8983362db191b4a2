import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { Session, WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../../../electron/core/bridge/http-bridge.ts';
import {
  ELECTRON_CONTENT_SECURITY_POLICY,
  addSource,
  decideWindowOpen,
  externalUrlAllowed,
  hardenSession,
  hardenWebContents,
  isAllowedNavigation,
  permissionAllowed,
  withSecurityHeaders,
} from '../../../electron/shell/security.ts';

const electron = vi.hoisted(() => ({ shell: { openExternal: vi.fn(async () => {}) } }));
vi.mock('electron', () => electron);

describe('isAllowedNavigation', () => {
  it.each([
    'app://bundle/index.html',
    'app://bundle/',
    'app://bundle/index.html#/outfits',
    'app://bundle/assets/index-abc.js',
  ])('allows the app page %s', (url) => expect(isAllowedNavigation(url)).toBe(true));

  it.each([
    'https://example.com/',
    'http://127.0.0.1:5173/',
    'file:///etc/passwd',
    'file:///work/main/dist/renderer/index.html',
    'app://other/index.html',
    'app://bundle.evil.com/index.html',
    'app://bundle:8080/index.html',
    'app://user:pass@bundle/index.html',
    'stylist-media://thumb/' + 'a'.repeat(64),
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'about:blank',
    'chrome://settings',
    'devtools://devtools/bundled/inspector.html',
    '',
    'not a url',
  ])('refuses %s', (url) => expect(isAllowedNavigation(url)).toBe(false));

  it('refuses non-strings', () => {
    expect(isAllowedNavigation(undefined)).toBe(false);
    expect(isAllowedNavigation(null)).toBe(false);
    expect(isAllowedNavigation({ toString: () => 'app://bundle/' })).toBe(false);
  });
});

describe('externalUrlAllowed', () => {
  it.each(['https://example.com/', 'http://example.com/a?b=c', 'https://sharp.pixelplumbing.com/install'])('opens %s', (url) =>
    expect(externalUrlAllowed(url)).toBe(true),
  );
  it.each([
    'file:///etc/passwd',
    'smb://host/share',
    'ms-msdt:/id PCWDiagnostic',
    'javascript:alert(1)',
    'app://bundle/index.html',
    'stylist-media://thumb/x',
    'mailto:a@example.com',
    'https://user:pw@example.com/',
    'https:',
    '',
  ])('never hands %s to the OS', (url) => expect(externalUrlAllowed(url)).toBe(false));
});

describe('decideWindowOpen', () => {
  it('always denies a new window; web links go to the browser', () => {
    expect(decideWindowOpen('https://example.com/')).toEqual({ action: 'deny', openExternally: 'https://example.com/' });
    expect(decideWindowOpen('file:///etc/passwd')).toEqual({ action: 'deny', openExternally: null });
    expect(decideWindowOpen('app://bundle/index.html')).toEqual({ action: 'deny', openExternally: null });
  });
});

describe('permissions', () => {
  it.each(['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid', 'fullscreen', 'unknown'])('refuses %s', (p) =>
    expect(permissionAllowed(p)).toBe(false),
  );
});

describe('Content-Security-Policy', () => {
  const directives = new Map(ELECTRON_CONTENT_SECURITY_POLICY.split(';').map((d) => {
    const [name, ...sources] = d.trim().split(/\s+/);
    return [name as string, sources];
  }));

  it("is the bridge's policy plus the media scheme for images", () => {
    expect(directives.get('img-src')).toContain('stylist-media:');
    expect(ELECTRON_CONTENT_SECURITY_POLICY).toBe(addSource(CONTENT_SECURITY_POLICY, 'img-src', 'stylist-media:'));
  });

  it('allows no remote origin, no eval, no plugins', () => {
    expect(ELECTRON_CONTENT_SECURITY_POLICY).not.toMatch(/https?:|\*|unsafe-eval/);
    const local = new Set(["'self'", "'none'", 'data:', 'blob:', "'unsafe-inline'", 'stylist-media:']);
    for (const [name, sources] of directives) {
      for (const source of sources) expect(local.has(source), `${name} ${source}`).toBe(true);
    }
    expect(["'self'", "'none'"]).toContain(directives.get('default-src')?.join(' '));
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('addSource appends once, or creates the directive', () => {
    expect(addSource("img-src 'self'", 'img-src', 'x:')).toBe("img-src 'self' x:");
    expect(addSource("img-src 'self' x:", 'img-src', 'x:')).toBe("img-src 'self' x:");
    expect(addSource("default-src 'self'", 'img-src', 'x:')).toBe("default-src 'self'; img-src x:");
  });

  it('withSecurityHeaders replaces any CSP the response had, whatever its case', () => {
    const out = withSecurityHeaders({ 'content-security-policy': ['default-src *'], 'Content-Type': 'text/html' });
    expect(out).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [ELECTRON_CONTENT_SECURITY_POLICY],
      'X-Content-Type-Options': ['nosniff'],
    });
    expect(withSecurityHeaders(undefined)['Content-Security-Policy']).toEqual([ELECTRON_CONTENT_SECURITY_POLICY]);
  });
});

/** A stand-in webContents: real events, and the window-open handler kept for the test to call. */
function fakeContents() {
  const emitter = new EventEmitter() as EventEmitter & { setWindowOpenHandler: ReturnType<typeof vi.fn>; openHandler?: (d: { url: string }) => unknown };
  emitter.setWindowOpenHandler = vi.fn((h: (d: { url: string }) => unknown) => {
    emitter.openHandler = h;
  });
  return emitter;
}

function navigationEvent(url: string) {
  return { url, preventDefault: vi.fn() };
}

describe('hardenWebContents', () => {
  const setup = () => {
    const contents = fakeContents();
    const deps = { openExternal: vi.fn(async () => {}), log: vi.fn() };
    hardenWebContents(contents as unknown as WebContents, deps);
    return { contents, deps };
  };

  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])('%s: cancels anything but the app page', (name) => {
    const { contents } = setup();
    const away = navigationEvent('https://evil.example/');
    contents.emit(name, away, away.url);
    expect(away.preventDefault).toHaveBeenCalledOnce();
    const file = navigationEvent('file:///etc/passwd');
    contents.emit(name, file, file.url);
    expect(file.preventDefault).toHaveBeenCalledOnce();
    const home = navigationEvent('app://bundle/index.html');
    contents.emit(name, home, home.url);
    expect(home.preventDefault).not.toHaveBeenCalled();
  });

  it('reads the deprecated url argument when the event carries none', () => {
    const { contents } = setup();
    const event = { preventDefault: vi.fn() };
    contents.emit('will-navigate', event, 'https://evil.example/');
    expect(event.preventDefault).toHaveBeenCalledOnce();
  });

  it('blocks <webview>', () => {
    const { contents } = setup();
    const event = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', event, {}, { src: 'https://example.com' });
    expect(event.preventDefault).toHaveBeenCalledOnce();
  });

  it('denies every new window and opens only http(s) externally', () => {
    const { contents, deps } = setup();
    expect(contents.openHandler?.({ url: 'https://example.com/help' })).toEqual({ action: 'deny' });
    expect(deps.openExternal).toHaveBeenCalledWith('https://example.com/help');
    deps.openExternal.mockClear();
    for (const url of ['file:///etc/passwd', 'app://bundle/index.html', 'javascript:alert(1)', 'smb://x/y']) {
      expect(contents.openHandler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(deps.openExternal).not.toHaveBeenCalled();
  });

  it("uses electron's shell.openExternal by default", () => {
    const contents = fakeContents();
    hardenWebContents(contents as unknown as WebContents);
    contents.openHandler?.({ url: 'https://example.com/' });
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://example.com/');
  });
});

describe('hardenSession', () => {
  it('refuses every permission request and check, and sets the CSP on responses', () => {
    const handlers: Record<string, (...args: never[]) => unknown> = {};
    const ses = {
      setPermissionRequestHandler: (h: never) => (handlers.request = h),
      setPermissionCheckHandler: (h: never) => (handlers.check = h),
      setDevicePermissionHandler: (h: never) => (handlers.device = h),
      webRequest: { onHeadersReceived: (h: never) => (handlers.headers = h) },
    };
    hardenSession(ses as unknown as Session, { log: () => {} });

    const callback = vi.fn();
    (handlers.request as unknown as (w: unknown, p: string, cb: (ok: boolean) => void) => void)({}, 'media', callback);
    expect(callback).toHaveBeenCalledWith(false);
    expect((handlers.check as unknown as (w: unknown, p: string) => boolean)({}, 'notifications')).toBe(false);
    expect((handlers.device as unknown as (d: unknown) => boolean)({})).toBe(false);

    const headersCallback = vi.fn();
    (handlers.headers as unknown as (d: unknown, cb: (r: unknown) => void) => void)({ url: 'app://bundle/index.html', responseHeaders: { 'Content-Type': ['text/html'] } }, headersCallback);
    expect(headersCallback).toHaveBeenCalledWith({ responseHeaders: expect.objectContaining({ 'Content-Security-Policy': [ELECTRON_CONTENT_SECURITY_POLICY] }) });
  });
});

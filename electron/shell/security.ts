// The window's security, as Signal and Actual do it: the page may only ever show the app's own bundle;
// links to the web open in the person's browser (http and https only); no new windows, no <webview>, no
// permissions (camera, notifications, ...), and a Content-Security-Policy on every response.
// Each decision is a pure function so the unit tests check the exact rules the shell applies.
import { shell } from 'electron';
import type { Session, WebContents } from 'electron';
import { MEDIA_SCHEME } from '../../shared/api.ts';
import { CONTENT_SECURITY_POLICY } from '../core/bridge/http-bridge.ts';
import { isAppUrl, tryParseUrl } from './app-origin.ts';

/**
 * The bridge's policy (the same page, served over HTTP for the browser fallback), with the one thing the
 * Electron window needs on top: images from the media scheme (`stylist-media://thumb/<sha>`).
 */
export const ELECTRON_CONTENT_SECURITY_POLICY = addSource(CONTENT_SECURITY_POLICY, 'img-src', `${MEDIA_SCHEME}:`);

/** Adds one source to a CSP directive (creating the directive if absent), leaving the rest as is. */
export function addSource(policy: string, directive: string, source: string): string {
  const parts = policy.split(';').map((p) => p.trim()).filter((p) => p.length > 0);
  let found = false;
  const out = parts.map((part) => {
    const [name, ...sources] = part.split(/\s+/);
    if (name !== directive) return part;
    found = true;
    return sources.includes(source) ? part : [name, ...sources, source].join(' ');
  });
  if (!found) out.push(`${directive} ${source}`);
  return out.join('; ');
}

/** May the window (or any frame in it) navigate to this URL? Only to the app's own page. */
export function isAllowedNavigation(url: unknown): boolean {
  return isAppUrl(url);
}

/** May this URL be handed to the operating system's browser? Only plain http(s) addresses, no user info. */
export function externalUrlAllowed(url: unknown): boolean {
  const parsed = tryParseUrl(url);
  if (!parsed) return false;
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  return parsed.hostname.length > 0;
}

export type WindowOpenDecision = { action: 'deny'; openExternally: string | null };

/** `window.open` and `target=_blank` links: never a new Electron window; web links go to the browser. */
export function decideWindowOpen(url: unknown): WindowOpenDecision {
  return { action: 'deny', openExternally: externalUrlAllowed(url) && typeof url === 'string' ? url : null };
}

/** Every permission request and check (camera, microphone, notifications, geolocation, HID, ...) is refused. */
export function permissionAllowed(_permission: string): false {
  return false;
}

/** The response headers with our CSP in place of any the response carried (header names are case-insensitive). */
export function withSecurityHeaders(headers: Record<string, string | string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === 'content-security-policy' || lower === 'x-content-type-options') continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  out['Content-Security-Policy'] = [ELECTRON_CONTENT_SECURITY_POLICY];
  out['X-Content-Type-Options'] = ['nosniff'];
  return out;
}

export interface SecurityDeps {
  openExternal(url: string): Promise<void>;
  log(message: string): void;
}

const defaultDeps = (): SecurityDeps => ({
  openExternal: (url) => shell.openExternal(url),
  log: (message) => console.warn(`[security] ${message}`),
});

type Preventable = { preventDefault(): void };

/** Applies the navigation, new-window and <webview> rules to one webContents (every one the app creates). */
export function hardenWebContents(contents: WebContents, deps: SecurityDeps = defaultDeps()): void {
  const guard = (kind: string) => (event: Preventable & { url?: string }, legacyUrl?: unknown) => {
    const url = typeof event.url === 'string' ? event.url : legacyUrl;
    if (isAllowedNavigation(url)) return;
    event.preventDefault();
    deps.log(`${kind} to ${String(url).slice(0, 200)} refused`);
  };
  contents.on('will-navigate', guard('navigation'));
  contents.on('will-frame-navigate', guard('frame navigation'));
  contents.on('will-redirect', guard('redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    deps.log('<webview> refused');
  });
  contents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url);
    if (decision.openExternally) {
      deps.openExternal(decision.openExternally).catch((error: unknown) => deps.log(`could not open ${decision.openExternally}: ${String(error)}`));
    } else {
      deps.log(`new window for ${String(url).slice(0, 200)} refused`);
    }
    return { action: decision.action };
  });
}

/** Refuses every permission and puts the CSP on every response of the session. */
export function hardenSession(ses: Session, deps: Pick<SecurityDeps, 'log'> = defaultDeps()): void {
  ses.setPermissionRequestHandler((_contents, permission, callback) => {
    deps.log(`permission ${permission} refused`);
    callback(permissionAllowed(permission));
  });
  ses.setPermissionCheckHandler((_contents, permission) => permissionAllowed(permission));
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withSecurityHeaders(details.responseHeaders) });
  });
}

// Where the window's own page lives. The built renderer is served over a privileged custom scheme
// (`app://bundle/...`, as Actual Budget does) instead of file://, so the page has a clean origin of its own
// for its Content-Security-Policy and for the IPC sender check, and can reach no other local file.
// Pure: no electron import, so tests and every shell module can share it.

export const APP_SCHEME = 'app';
export const APP_HOST = 'bundle';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;
export const PRODUCT_NAME = 'Desktop Stylist';

/** Parses a URL, or null when it is not one. */
export function tryParseUrl(url: unknown): URL | null {
  if (typeof url !== 'string' || url.length === 0 || url.length > 8192) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * True for a URL of the app's own page: `app://bundle/...`, with no user info and no port. Compared by
 * scheme and host, because Node's URL gives every non-special scheme the opaque origin 'null'.
 */
export function isAppUrl(url: unknown): boolean {
  const parsed = tryParseUrl(url);
  return (
    parsed !== null &&
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

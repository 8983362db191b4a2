// How the window reaches the core. Two transports provide the same StylistApi object:
//  1. Electron: the preload exposes it on `window.stylist` (API_GLOBAL).
//  2. Browser / tests: the loopback HTTP bridge, authenticated with a token handed over in the URL fragment.
// Everything else in the renderer talks to a StylistClient, which unwraps ApiResults and throws StylistError.
//
// Only types are imported from the contract: importing values would pull zod into the page bundle.
import type {
  API_GLOBAL,
  ApiError,
  ApiErrorCode,
  ApiInput,
  ApiMethod,
  ApiResult,
  ApiResults,
  StylistApi,
} from '../../../shared/api.ts';

/** Same literal as the contract's API_GLOBAL; the type annotation makes tsc fail if the two ever drift apart. */
export const API_GLOBAL_NAME: typeof API_GLOBAL = 'stylist';
/** sessionStorage key holding the bridge token, so reloads keep working after the fragment is removed. */
export const TOKEN_STORAGE_KEY = 'stylist.bridgeToken';

/** Error codes the UI can see: the contract's, plus 'transport' for failures before the core answered. */
export type StylistErrorCode = ApiErrorCode | 'transport';

/** The one error type the UI shows. `method` says which call failed. */
export class StylistError extends Error {
  readonly code: StylistErrorCode;
  readonly method: string | null;

  constructor(code: StylistErrorCode, message: string, method: string | null = null) {
    super(message);
    this.name = 'StylistError';
    this.code = code;
    this.method = method;
  }
}

export type Transport = 'electron' | 'http';

export interface ResolvedApi {
  api: StylistApi;
  transport: Transport;
}

/** The parts of the browser environment the resolver touches; injectable for tests. */
export interface ApiEnvironment {
  window: Record<string, unknown>;
  location: Pick<Location, 'hash' | 'pathname' | 'search' | 'origin'>;
  history: Pick<History, 'replaceState' | 'state'>;
  sessionStorage: Pick<Storage, 'getItem' | 'setItem'>;
  fetch: typeof fetch;
}

function browserEnvironment(): ApiEnvironment {
  return {
    window: window as unknown as Record<string, unknown>,
    location: window.location,
    history: window.history,
    sessionStorage: window.sessionStorage,
    fetch: window.fetch.bind(window),
  };
}

function isStylistApi(value: unknown): value is StylistApi {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<StylistApi>;
  return typeof candidate.call === 'function' && typeof candidate.mediaUrl === 'function';
}

/**
 * Picks the transport: the preload's object when present, else the HTTP bridge with a token taken from
 * `#token=...` (then kept in sessionStorage and removed from the address bar).
 */
export function resolveApi(env: ApiEnvironment = browserEnvironment()): ResolvedApi {
  const exposed = env.window[API_GLOBAL_NAME];
  if (isStylistApi(exposed)) return { api: guardApi(exposed), transport: 'electron' };
  const token = takeBridgeToken(env);
  return { api: createHttpApi({ token, fetch: env.fetch, baseUrl: env.location.origin }), transport: 'http' };
}

/** Reads the token from the fragment (storing it and scrubbing it from the URL) or, after a reload, from sessionStorage. */
export function takeBridgeToken(env: Pick<ApiEnvironment, 'location' | 'history' | 'sessionStorage'>): string | null {
  const hash = env.location.hash.startsWith('#') ? env.location.hash.slice(1) : env.location.hash;
  const fromHash = new URLSearchParams(hash).get('token');
  if (fromHash) {
    try {
      env.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromHash);
    } catch {
      // Storage can be disabled; the token still works for this page load.
    }
    // Drop the whole fragment: it only ever carries the token, which must not linger in the address bar or history.
    env.history.replaceState(env.history.state, '', env.location.pathname + env.location.search);
    return fromHash;
  }
  try {
    return env.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

function failure(code: ApiErrorCode, message: string): { ok: false; error: ApiError } {
  return { ok: false, error: { code, message } };
}

function isApiResult(value: unknown): value is ApiResult<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { ok?: unknown; error?: unknown };
  if (v.ok === true) return 'value' in v;
  if (v.ok !== false || typeof v.error !== 'object' || v.error === null) return false;
  const e = v.error as { code?: unknown; message?: unknown };
  return typeof e.code === 'string' && typeof e.message === 'string';
}

export interface HttpApiOptions {
  token: string | null;
  fetch: typeof fetch;
  /** Origin of the bridge, e.g. "http://127.0.0.1:4321"; '' means same origin. */
  baseUrl?: string;
}

const NO_TOKEN_MESSAGE =
  'This page has no access token. Open the address the Stylist app printed (it ends in #token=…).';

/** The HTTP bridge transport: `POST /api/<method>` with `x-stylist-token`, and `/media/<kind>/<sha>?token=`. */
export function createHttpApi(options: HttpApiOptions): StylistApi {
  const base = (options.baseUrl ?? '').replace(/\/+$/, '');
  const doFetch = options.fetch;
  const token = options.token;

  async function call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiResult<ApiResults[M]>> {
    if (!token) return failure('unavailable', NO_TOKEN_MESSAGE);
    let response: Response;
    try {
      response = await doFetch(`${base}/api/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-stylist-token': token },
        body: JSON.stringify(input),
      });
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      return failure('unavailable', `Could not reach the Stylist core (${why}). Is the app still running?`);
    }
    let body: unknown = undefined;
    try {
      body = await response.json();
    } catch {
      // Not JSON: handled below.
    }
    if (isApiResult(body)) return body as ApiResult<ApiResults[M]>;
    if (response.status === 401) {
      return failure('unauthorized', 'The Stylist core refused this page’s access token. Open the address the app printed again.');
    }
    if (response.status === 403) {
      return failure('forbidden', 'The Stylist core refused this request (HTTP 403).');
    }
    return failure('internal', `Unexpected answer from the Stylist core (HTTP ${response.status}).`);
  }

  function mediaUrl(kind: 'thumb' | 'original', sha256: string): string {
    return `${base}/media/${kind}/${encodeURIComponent(sha256)}?token=${encodeURIComponent(token ?? '')}`;
  }

  function downloadUrl(fileName: string): string {
    return `${base}/download/${encodeURIComponent(fileName)}?token=${encodeURIComponent(token ?? '')}`;
  }

  return { call, mediaUrl, downloadUrl };
}

/** Wraps the preload's object so a rejected IPC promise or a malformed answer becomes a typed failure too. */
function guardApi(api: StylistApi): StylistApi {
  return {
    async call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiResult<ApiResults[M]>> {
      let result: unknown;
      try {
        result = await api.call(method, input);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        return failure('unavailable', `The Stylist core did not answer (${why}).`);
      }
      if (isApiResult(result)) return result as ApiResult<ApiResults[M]>;
      return failure('internal', 'Unexpected answer from the Stylist core.');
    },
    mediaUrl: (kind, sha256) => api.mediaUrl(kind, sha256),
    ...(api.downloadUrl ? { downloadUrl: (fileName: string) => api.downloadUrl!(fileName) } : {}),
  };
}

/** What views use: results unwrapped, failures thrown as StylistError. */
export interface StylistClient {
  readonly api: StylistApi;
  call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiResults[M]>;
  mediaUrl(kind: 'thumb' | 'original', sha256: string): string;
  /** Where the page can download a file of the library's exports/ folder; null where the transport serves no downloads. */
  downloadUrl(fileName: string): string | null;
}

export function unwrap<T>(result: ApiResult<T>, method: string | null = null): T {
  if (result.ok) return result.value;
  throw new StylistError(result.error.code, result.error.message, method);
}

export function createClient(api: StylistApi): StylistClient {
  return {
    api,
    async call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiResults[M]> {
      let result: ApiResult<ApiResults[M]>;
      try {
        result = await api.call(method, input);
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        throw new StylistError('transport', why, method);
      }
      return unwrap(result, method);
    },
    mediaUrl: (kind, sha256) => api.mediaUrl(kind, sha256),
    downloadUrl: (fileName) => api.downloadUrl?.(fileName) ?? null,
  };
}

/** Text for the error banner. */
export function describeError(error: unknown): { title: string; detail: string } {
  if (error instanceof StylistError) {
    const titles: Record<StylistErrorCode, string> = {
      bad_request: 'The request was refused',
      unauthorized: 'Not signed in to the Stylist core',
      forbidden: 'Not allowed',
      not_found: 'Not found',
      conflict: 'Conflict',
      unavailable: 'The Stylist core is unavailable',
      internal: 'Something went wrong in the Stylist core',
      transport: 'Could not talk to the Stylist core',
    };
    return { title: titles[error.code] ?? 'Error', detail: error.message };
  }
  if (error instanceof Error) return { title: 'Something went wrong', detail: error.message };
  return { title: 'Something went wrong', detail: String(error) };
}

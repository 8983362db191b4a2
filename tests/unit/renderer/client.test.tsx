// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StylistApi } from '../../../shared/api.ts';
import {
  StylistError,
  TOKEN_STORAGE_KEY,
  createClient,
  createHttpApi,
  describeError,
  resolveApi,
  type ApiEnvironment,
} from '../../../renderer/src/api/client.ts';
import { createFakeApi, Fail, ME } from './fake-api.ts';

const SHA = 'ab'.repeat(32);

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function makeEnv(over: { hash?: string; stored?: string | null; window?: Record<string, unknown> } = {}) {
  const storage = new Map<string, string>();
  if (over.stored) storage.set(TOKEN_STORAGE_KEY, over.stored);
  const replaceState = vi.fn();
  const fetchMock = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => jsonResponse({ ok: true, value: [ME] }));
  const env: ApiEnvironment = {
    window: over.window ?? {},
    location: { hash: over.hash ?? '', pathname: '/index.html', search: '?x=1', origin: 'http://127.0.0.1:4321' },
    history: { replaceState, state: null },
    sessionStorage: {
      getItem: (key) => storage.get(key) ?? null,
      setItem: (key, value) => void storage.set(key, value),
    },
    fetch: fetchMock as unknown as typeof fetch,
  };
  return { env, storage, replaceState, fetchMock };
}

describe('transport choice', () => {
  it('uses the preload object when window.stylist is there, and never touches fetch', async () => {
    const preload = createFakeApi();
    const { env, fetchMock } = makeEnv({ hash: '#token=ignored', window: { stylist: preload } });
    const { api, transport } = resolveApi(env);
    expect(transport).toBe('electron');
    expect(await api.call('people.list', {})).toEqual({ ok: true, value: [ME] });
    expect(preload.callsTo('people.list')).toEqual([{}]);
    expect(api.mediaUrl('thumb', SHA)).toBe(`/media/thumb/${SHA}`);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('turns a rejected IPC call into a typed failure', async () => {
    const preload: StylistApi = {
      call: () => Promise.reject(new Error('channel closed')),
      mediaUrl: () => '',
    };
    const { api } = resolveApi(makeEnv({ window: { stylist: preload } }).env);
    const result = await api.call('people.list', {});
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('unavailable');
      expect(result.error.message).toContain('channel closed');
    }
  });

  it('falls back to the HTTP bridge when there is no preload object', () => {
    const { env } = makeEnv({ hash: '#token=t0k', window: { stylist: 'not an api' } });
    expect(resolveApi(env).transport).toBe('http');
  });
});

describe('bridge token', () => {
  it('takes the token from the fragment, keeps it in sessionStorage and removes it from the address bar', async () => {
    const { env, storage, replaceState, fetchMock } = makeEnv({ hash: '#token=s3cret-T0ken' });
    const { api } = resolveApi(env);
    expect(storage.get(TOKEN_STORAGE_KEY)).toBe('s3cret-T0ken');
    expect(replaceState).toHaveBeenCalledTimes(1);
    expect(replaceState.mock.calls[0]?.[2]).toBe('/index.html?x=1');

    const result = await api.call('people.list', {});
    expect(result).toEqual({ ok: true, value: [ME] });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('http://127.0.0.1:4321/api/people.list');
    expect(init?.method).toBe('POST');
    expect((init?.headers as Record<string, string>)['x-stylist-token']).toBe('s3cret-T0ken');
    expect(init?.body).toBe('{}');
    expect(api.mediaUrl('thumb', SHA)).toBe(`http://127.0.0.1:4321/media/thumb/${SHA}?token=s3cret-T0ken`);
    expect(api.mediaUrl('original', SHA)).toBe(`http://127.0.0.1:4321/media/original/${SHA}?token=s3cret-T0ken`);
  });

  it('after a reload (no fragment) reads the token back from sessionStorage', async () => {
    const { env, replaceState, fetchMock } = makeEnv({ hash: '', stored: 'kept' });
    const { api } = resolveApi(env);
    expect(replaceState).not.toHaveBeenCalled();
    await api.call('app.info', {});
    expect((fetchMock.mock.calls[0]?.[1]?.headers as Record<string, string>)['x-stylist-token']).toBe('kept');
  });

  it('works against the real jsdom location, history and sessionStorage', () => {
    window.sessionStorage.clear();
    window.history.replaceState(null, '', '/?view=1#token=abc-123');
    const fetchSpy = vi.fn();
    const { api, transport } = resolveApi({
      window: window as unknown as Record<string, unknown>,
      location: window.location,
      history: window.history,
      sessionStorage: window.sessionStorage,
      fetch: fetchSpy as unknown as typeof fetch,
    });
    expect(transport).toBe('http');
    expect(window.location.hash).toBe('');
    expect(window.location.search).toBe('?view=1');
    expect(window.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('abc-123');
    expect(api.mediaUrl('thumb', SHA)).toContain('token=abc-123');
  });

  it('without any token, calls fail with a clear typed error and nothing is sent', async () => {
    const { env, fetchMock } = makeEnv();
    const { api } = resolveApi(env);
    const result = await api.call('people.list', {});
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('unavailable');
      expect(result.error.message).toMatch(/access token/);
    }
    expect(fetchMock).not.toHaveBeenCalled();
  });
});

describe('HTTP answers', () => {
  const call = async (response: Response | Error) => {
    const fetchMock = vi.fn(async () => {
      if (response instanceof Error) throw response;
      return response;
    });
    const api = createHttpApi({ token: 't', fetch: fetchMock as unknown as typeof fetch, baseUrl: '' });
    return api.call('people.list', {});
  };

  it('passes typed errors through unchanged', async () => {
    expect(await call(jsonResponse({ ok: false, error: { code: 'bad_request', message: 'name: too long' } }))).toEqual({
      ok: false,
      error: { code: 'bad_request', message: 'name: too long' },
    });
  });

  it('maps a bare 401 to unauthorized, other garbage to internal, network errors to unavailable', async () => {
    const r401 = await call(new Response('nope', { status: 401 }));
    expect(!r401.ok && r401.error.code).toBe('unauthorized');
    const r500 = await call(new Response('<html>', { status: 500 }));
    expect(!r500.ok && r500.error.code).toBe('internal');
    const down = await call(new TypeError('Failed to fetch'));
    expect(!down.ok && down.error.code).toBe('unavailable');
    expect(!down.ok && down.error.message).toContain('Failed to fetch');
  });

  it('uses same-origin paths when no base URL is given', async () => {
    const fetchMock = vi.fn(async () => jsonResponse({ ok: true, value: [] }));
    const api = createHttpApi({ token: 'tok', fetch: fetchMock as unknown as typeof fetch });
    await api.call('judgements.list', { personId: 3 });
    expect(fetchMock.mock.calls[0]).toEqual([
      '/api/judgements.list',
      expect.objectContaining({ body: JSON.stringify({ personId: 3 }) }),
    ]);
    expect(api.mediaUrl('thumb', SHA)).toBe(`/media/thumb/${SHA}?token=tok`);
  });
});

describe('typed client', () => {
  beforeEach(() => vi.spyOn(console, 'error').mockImplementation(() => {}));
  afterEach(() => vi.restoreAllMocks());

  it('unwraps values and throws StylistError for failures', async () => {
    const api = createFakeApi({ 'people.create': () => new Fail('conflict', 'That name is taken') });
    const client = createClient(api);
    expect(await client.call('people.list', {})).toEqual([ME]);
    const error = await client.call('people.create', { name: 'Me' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StylistError);
    expect(error).toMatchObject({ code: 'conflict', message: 'That name is taken', method: 'people.create' });
    expect(describeError(error)).toEqual({ title: 'Conflict', detail: 'That name is taken' });
  });

  it('turns a throwing transport into a StylistError too', async () => {
    const client = createClient({ call: () => Promise.reject(new Error('boom')), mediaUrl: () => '' });
    await expect(client.call('app.info', {})).rejects.toMatchObject({ code: 'transport', message: 'boom' });
  });
});

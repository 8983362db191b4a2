import { describe, expect, it, vi } from 'vitest';
import { IPC_CHANNEL } from '../../../shared/api.ts';
import type { ApiResult } from '../../../shared/api.ts';
import { createIpcHandler, isTrustedSender, parseIpcMessage, registerIpc } from '../../../electron/shell/ipc.ts';

const electron = vi.hoisted(() => ({ ipcMain: { handle: vi.fn(), removeHandler: vi.fn() } }));
vi.mock('electron', () => electron);

const fromApp = { senderFrame: { url: 'app://bundle/index.html' } };
const ok: ApiResult<unknown> = { ok: true, value: { version: '0.1.0' } };

function setup() {
  const dispatch = vi.fn(async (_method: unknown, _input: unknown): Promise<ApiResult<unknown>> => ok);
  const log = vi.fn();
  return { dispatch, log, handle: createIpcHandler(dispatch, log) };
}

describe('parseIpcMessage', () => {
  it('accepts { method, input }', () => {
    expect(parseIpcMessage({ method: 'people.list', input: {} })).toEqual({ method: 'people.list', input: {} });
    expect(parseIpcMessage({ method: 'app.info', input: undefined })).toEqual({ method: 'app.info', input: undefined });
    expect(parseIpcMessage({ method: 'app.info' })).toEqual({ method: 'app.info', input: undefined });
    expect(parseIpcMessage(Object.assign(Object.create(null) as object, { method: 'app.info', input: 1 }))).toEqual({ method: 'app.info', input: 1 });
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a string', 'people.list'],
    ['a number', 42],
    ['an array', ['people.list', {}]],
    ['no method', { input: {} }],
    ['a numeric method', { method: 1, input: {} }],
    ['an empty method', { method: '', input: {} }],
    ['a huge method', { method: 'x'.repeat(101), input: {} }],
    ['an extra key', { method: 'people.list', input: {}, token: 'x' }],
    ['a class instance', new (class { method = 'people.list'; input = {}; })()],
    ['a Map', new Map([['method', 'people.list']])],
  ])('refuses %s', (_what, message) => expect(parseIpcMessage(message)).toBeNull());
});

describe('isTrustedSender', () => {
  it('trusts only the app page', () => {
    expect(isTrustedSender(fromApp)).toBe(true);
    expect(isTrustedSender({ senderFrame: { url: 'app://bundle/#/outfits' } })).toBe(true);
    for (const url of ['https://evil.example/', 'file:///work/main/dist/renderer/index.html', 'app://evil/index.html', 'app://bundle.evil/', 'about:blank', 'devtools://devtools/', '']) {
      expect(isTrustedSender({ senderFrame: { url } }), url).toBe(false);
    }
    expect(isTrustedSender({ senderFrame: null })).toBe(false);
    expect(isTrustedSender({ get senderFrame(): { url: string } { throw new Error('Render frame was disposed'); } })).toBe(false);
  });
});

describe('createIpcHandler', () => {
  it('passes a well-formed message from the app page to core.dispatch and returns its result', async () => {
    const { dispatch, handle } = setup();
    await expect(handle(fromApp, { method: 'people.create', input: { name: 'Ada' } })).resolves.toEqual(ok);
    expect(dispatch).toHaveBeenCalledWith('people.create', { name: 'Ada' });
  });

  it('lets the core judge the method name and the input (unknown methods included)', async () => {
    const { dispatch, handle } = setup();
    await handle(fromApp, { method: 'no.such.method', input: { anything: true } });
    expect(dispatch).toHaveBeenCalledWith('no.such.method', { anything: true });
  });

  it.each([undefined, null, 'people.list', 7, [], { input: {} }, { method: 3 }, { method: 'people.list', input: {}, extra: 1 }])(
    'answers bad_request to the malformed message %j, without throwing or dispatching',
    async (message) => {
      const { dispatch, handle } = setup();
      const result = await handle(fromApp, message);
      expect(result).toEqual({ ok: false, error: { code: 'bad_request', message: expect.any(String) } });
      expect(dispatch).not.toHaveBeenCalled();
    },
  );

  it.each([
    { senderFrame: { url: 'https://evil.example/' } },
    { senderFrame: { url: 'file:///etc/passwd' } },
    { senderFrame: { url: 'app://other/index.html' } },
    { senderFrame: null },
  ])('answers forbidden to a foreign sender frame %j', async (event) => {
    const { dispatch, handle, log } = setup();
    const result = await handle(event, { method: 'people.list', input: {} });
    expect(result).toEqual({ ok: false, error: { code: 'forbidden', message: expect.any(String) } });
    expect(dispatch).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalled();
  });

  it('turns a dispatch that throws into an internal error, never a rejection', async () => {
    const dispatch = vi.fn(async () => {
      throw new Error('boom');
    });
    const handle = createIpcHandler(dispatch);
    await expect(handle(fromApp, { method: 'people.list', input: {} })).resolves.toEqual({ ok: false, error: { code: 'internal', message: 'people.list failed' } });
  });
});

describe('registerIpc', () => {
  it('handles exactly one channel, IPC_CHANNEL, and can remove it', async () => {
    const dispatch = vi.fn(async (): Promise<ApiResult<unknown>> => ok);
    const unregister = registerIpc({ dispatch });
    expect(electron.ipcMain.handle).toHaveBeenCalledOnce();
    const [channel, listener] = electron.ipcMain.handle.mock.calls[0] as [string, (event: unknown, message: unknown) => Promise<unknown>];
    expect(channel).toBe(IPC_CHANNEL);
    await expect(listener(fromApp, { method: 'app.info', input: {} })).resolves.toEqual(ok);
    await expect(listener({ senderFrame: { url: 'https://evil.example/' } }, { method: 'app.info', input: {} })).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } });
    unregister();
    expect(electron.ipcMain.removeHandler).toHaveBeenCalledWith(IPC_CHANNEL);
  });
});

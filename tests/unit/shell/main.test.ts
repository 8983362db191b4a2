// The main process's wiring, with Electron and the core replaced by stand-ins: what happens before
// `ready`, what `ready` sets up, how a failure to open the core is shown, and that quitting closes the core.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNEL, MEDIA_SCHEME } from '../../../shared/api.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const h = await vi.hoisted(async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const calls: string[] = [];
  const state = { lock: true, ready: Promise.resolve() as Promise<void> };
  class FakeApp extends Emitter {
    isPackaged = false;
    setPath = vi.fn();
    getPath = vi.fn(() => '/fake/user-data');
    getVersion = vi.fn(() => '9.8.7');
    enableSandbox = vi.fn(() => calls.push('enableSandbox'));
    requestSingleInstanceLock = vi.fn(() => state.lock);
    whenReady = vi.fn(() => {
      calls.push('whenReady');
      return state.ready;
    });
    quit = vi.fn();
    exit = vi.fn();
  }
  class FakeWindow extends Emitter {
    static instances: FakeWindow[] = [];
    static getAllWindows = () => FakeWindow.instances;
    options: unknown;
    webContents = {};
    loadURL = vi.fn(async (_url: string) => {});
    show = vi.fn();
    focus = vi.fn();
    restore = vi.fn();
    isMinimized = vi.fn(() => false);
    constructor(options: unknown) {
      super();
      this.options = options;
      FakeWindow.instances.push(this);
    }
  }
  const session = {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
    webRequest: { onHeadersReceived: vi.fn() },
  };
  const electron = {
    app: new FakeApp(),
    BrowserWindow: FakeWindow,
    dialog: { showErrorBox: vi.fn() },
    session: { defaultSession: session },
    protocol: { registerSchemesAsPrivileged: vi.fn(() => calls.push('registerSchemesAsPrivileged')), handle: vi.fn() },
    ipcMain: { handle: vi.fn(), removeHandler: vi.fn() },
    shell: { openExternal: vi.fn() },
  };
  const core = {
    dispatch: vi.fn(async () => ({ ok: true, value: null })),
    mediaFile: vi.fn(() => null),
    services: { provider: () => null },
    close: vi.fn(async () => {}),
  };
  const openCore = vi.fn((_options: unknown): unknown => core);
  return { calls, state, electron, core, openCore, FakeApp, FakeWindow };
});

vi.mock('electron', () => h.electron);
vi.mock('../../../electron/core/core.ts', () => ({ openCore: h.openCore }));

async function loadMain() {
  vi.resetModules();
  await import('../../../electron/shell/main.ts');
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 20));

beforeEach(() => {
  h.calls.length = 0;
  h.state.lock = true;
  h.state.ready = Promise.resolve();
  h.electron.app = new h.FakeApp();
  h.FakeWindow.instances = [];
  h.openCore.mockImplementation(() => h.core);
  vi.stubEnv('STYLIST_LIBRARY', '/tmp/stylist-test-library');
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  const realExists = fs.existsSync;
  vi.spyOn(fs, 'existsSync').mockImplementation((p) => (String(p).endsWith(path.join('dist', 'renderer', 'index.html')) ? true : realExists(p)));
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  vi.clearAllMocks();
});

describe('main process', () => {
  it('registers the privileged schemes and the sandbox before ready', async () => {
    h.state.ready = new Promise(() => {}); // never ready
    await loadMain();
    expect(h.calls.slice(0, 3)).toEqual(['enableSandbox', 'registerSchemesAsPrivileged', 'whenReady']);
    expect(h.electron.app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(h.openCore).not.toHaveBeenCalled();
  });

  it('on ready: opens the core, hardens the session, serves both schemes, handles IPC, opens the window on app://', async () => {
    await loadMain();
    await flush();
    expect(h.openCore).toHaveBeenCalledWith(expect.objectContaining({
      libraryDir: path.resolve('/tmp/stylist-test-library'),
      modelDir: path.join(repo, 'models', 'generated'),
      shell: 'electron',
      version: '9.8.7',
    }));
    const session = h.electron.session.defaultSession;
    expect(session.setPermissionRequestHandler).toHaveBeenCalled();
    expect(session.setPermissionCheckHandler).toHaveBeenCalled();
    expect(session.webRequest.onHeadersReceived).toHaveBeenCalled();
    expect(h.electron.protocol.handle.mock.calls.map((c) => c[0]).sort()).toEqual(['app', MEDIA_SCHEME].sort());
    expect(h.electron.ipcMain.handle).toHaveBeenCalledWith(IPC_CHANNEL, expect.any(Function));

    expect(h.FakeWindow.instances).toHaveLength(1);
    const win = h.FakeWindow.instances[0] as InstanceType<typeof h.FakeWindow>;
    expect(win.options).toMatchObject({
      show: false,
      webPreferences: { preload: path.join(repo, 'dist', 'electron', 'shell', 'preload.cjs'), sandbox: true, contextIsolation: true, nodeIntegration: false },
    });
    expect(win.loadURL).toHaveBeenCalledWith('app://bundle/index.html');
    win.emit('ready-to-show');
    expect(win.show).toHaveBeenCalled();
    expect(h.electron.dialog.showErrorBox).not.toHaveBeenCalled();
  });

  it('applies the web-contents rules to every webContents created', async () => {
    await loadMain();
    await flush();
    const contents = Object.assign(new EventEmitter(), { setWindowOpenHandler: vi.fn() });
    h.electron.app.emit('web-contents-created', {}, contents);
    expect(contents.setWindowOpenHandler).toHaveBeenCalled();
    expect(contents.listenerCount('will-navigate')).toBe(1);
    expect(contents.listenerCount('will-attach-webview')).toBe(1);
  });

  it('closes the core on quit, then quits', async () => {
    await loadMain();
    await flush();
    const event = { preventDefault: vi.fn() };
    h.electron.app.emit('before-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(h.core.close).toHaveBeenCalledOnce();
    await flush();
    expect(h.electron.app.quit).toHaveBeenCalled();
    // The second before-quit (from that app.quit) goes through.
    const again = { preventDefault: vi.fn() };
    h.electron.app.emit('before-quit', again);
    expect(again.preventDefault).not.toHaveBeenCalled();
    expect(h.core.close).toHaveBeenCalledOnce();
  });

  it('shows why the core could not open, then exits', async () => {
    h.openCore.mockImplementation(() => {
      throw new Error('The image model is not provisioned: /x/mobilenet_v2_imagenet.onnx is missing. Run `npm run provision` (see README).');
    });
    await loadMain();
    await flush();
    expect(h.electron.dialog.showErrorBox).toHaveBeenCalledWith('Desktop Stylist cannot start', expect.stringContaining('not provisioned'));
    expect(h.electron.app.exit).toHaveBeenCalledWith(1);
    expect(h.FakeWindow.instances).toHaveLength(0);
  });

  it('says so when the window files are not built', async () => {
    vi.mocked(fs.existsSync).mockImplementation(() => false);
    await loadMain();
    await flush();
    expect(h.electron.dialog.showErrorBox).toHaveBeenCalledWith('Desktop Stylist cannot start', expect.stringContaining('npm run build'));
    expect(h.openCore).not.toHaveBeenCalled();
    expect(h.electron.app.exit).toHaveBeenCalledWith(1);
  });

  it('leaves when another instance holds the lock', async () => {
    h.state.lock = false;
    await loadMain();
    await flush();
    expect(h.electron.app.quit).toHaveBeenCalled();
    expect(h.electron.app.whenReady).not.toHaveBeenCalled();
    expect(h.openCore).not.toHaveBeenCalled();
  });
});

// The Electron main process: app lifecycle and wiring only. Everything that computes lives in the core
// (electron/core, no electron import); this file opens it, serves the window over app:// and
// stylist-media://, relays IPC to core.dispatch, and closes the core on quit.
import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, dialog, session } from 'electron';
import type { Core } from '../core/core.ts';
import { APP_ENTRY_URL, PRODUCT_NAME } from './app-origin.ts';
import { registerIpc } from './ipc.ts';
import { installProtocols, registerPrivilegedSchemes } from './media-protocol.ts';
import { resolveShellPaths } from './paths.ts';
import { hardenSession, hardenWebContents } from './security.ts';
import { createWindowOptions } from './window-options.ts';

const log = (message: string) => console.log(`[stylist] ${message}`);

// A test (or a person) may keep the whole profile elsewhere; this must happen before `ready` and before the
// single-instance lock, which lives in userData.
if (process.env.STYLIST_USER_DATA) app.setPath('userData', path.resolve(process.env.STYLIST_USER_DATA));

// Everything below that must precede `ready`.
app.enableSandbox();
registerPrivilegedSchemes();

let core: Core | null = null;
let mainWindow: BrowserWindow | null = null;
let preloadPath: string | null = null;
let quitting = false;

if (!app.requestSingleInstanceLock()) {
  // Another instance owns this library: it gets focused (see 'second-instance') and this one leaves.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  // Every webContents the app ever creates gets the same rules, not only the main window's.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (core && BrowserWindow.getAllWindows().length === 0) createWindow().catch(fail);
  });
  app.on('before-quit', (event) => {
    if (!core) return;
    // Close the core (cancel imports, stop the model worker, close SQLite) before the process goes.
    event.preventDefault();
    const closing = core;
    core = null;
    quitting = true;
    closing
      .close()
      .catch((error: unknown) => log(`closing the core failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => app.quit());
  });
  app.whenReady().then(start).catch(fail);
}

async function start(): Promise<void> {
  const paths = resolveShellPaths({
    shellDir: import.meta.dirname,
    isPackaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    userDataPath: app.getPath('userData'),
    env: process.env,
  });
  let opened: Core;
  try {
    if (!fs.existsSync(path.join(paths.rendererDir, 'index.html'))) {
      throw new Error(`The window's files are missing: ${path.join(paths.rendererDir, 'index.html')}. Run \`npm run build\`.`);
    }
    // Loaded here rather than imported at the top, so a native module that fails to load is reported in
    // the error box like any other failure to open the library.
    const { openCore } = await import('../core/core.ts');
    opened = openCore({ libraryDir: paths.libraryDir, modelDir: paths.modelDir, shell: 'electron', version: app.getVersion(), log, updateDescriptions: true });
  } catch (error) {
    fail(error);
    return;
  }
  core = opened;
  log(`library: ${paths.libraryDir}; models: ${paths.modelDir}`);
  log(`execution provider: ${opened.services.provider() ?? 'chosen when the image model first loads (on the first import); logged then'}`);

  hardenSession(session.defaultSession);
  installProtocols({ media: opened, rendererDir: paths.rendererDir, log });
  registerIpc(opened, log);
  preloadPath = paths.preloadPath;
  await createWindow();
}

async function createWindow(): Promise<void> {
  if (!preloadPath) throw new Error('createWindow before start');
  const window = new BrowserWindow(createWindowOptions({ preloadPath }));
  mainWindow = window;
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  try {
    await window.loadURL(APP_ENTRY_URL);
  } catch (error) {
    if (!quitting) fail(error);
  }
}

function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  log(`cannot start: ${error instanceof Error ? (error.stack ?? message) : message}`);
  dialog.showErrorBox(`${PRODUCT_NAME} cannot start`, message);
  const closing = core;
  core = null;
  void (closing?.close() ?? Promise.resolve()).finally(() => app.exit(1));
}

// The main window's options, as a pure function so a unit test can check the very object the shell uses.
// Every security-relevant web preference is set explicitly, even where Electron's default is already safe,
// so a change of default (or a careless edit) shows up in review and in the test.
import path from 'node:path';
import type { BrowserWindowConstructorOptions } from 'electron';
import { PRODUCT_NAME } from './app-origin.ts';

export interface WindowOptionsInput {
  /** Absolute path of the compiled, self-contained preload (dist/electron/shell/preload.cjs). */
  preloadPath: string;
}

/** The page's background, painted before the first frame so the window never flashes white. */
export const WINDOW_BACKGROUND = '#f6f4f1';

export function createWindowOptions({ preloadPath }: WindowOptionsInput): BrowserWindowConstructorOptions {
  if (!path.isAbsolute(preloadPath)) throw new Error(`the preload path must be absolute: ${preloadPath}`);
  return {
    title: PRODUCT_NAME,
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 700,
    backgroundColor: WINDOW_BACKGROUND,
    // Shown on 'ready-to-show', once the page has painted.
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      // The page and the preload live in separate JavaScript worlds; only contextBridge crosses.
      contextIsolation: true,
      // The renderer runs in Chromium's sandbox; the preload only gets a tiny `require('electron')`.
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      // Dropping a photo on the window is handled by the page; it must never navigate to file://.
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
    },
  };
}

// Where the shell finds things, as a pure function of what Electron reports (tested without Electron).
// The compiled shell lives in dist/electron/shell/ both in the source tree and inside app.asar, so the
// renderer and the preload are found relative to it; the models travel as extraResources when packaged.
// (When the shell's source is loaded directly, as the unit tests do, electron/shell/ maps to the same places.)
import path from 'node:path';

export interface ShellPathInput {
  /** Folder of the running main.js (dist/electron/shell). */
  shellDir: string;
  isPackaged: boolean;
  /** process.resourcesPath */
  resourcesPath: string;
  /** app.getPath('userData') */
  userDataPath: string;
  env: Record<string, string | undefined>;
}

export interface ShellPaths {
  libraryDir: string;
  modelDir: string;
  rendererDir: string;
  preloadPath: string;
}

export function resolveShellPaths(input: ShellPathInput): ShellPaths {
  const upTwo = path.resolve(input.shellDir, '..', '..');
  // <root>/dist/electron/shell (compiled, in the tree or in app.asar) or <root>/electron/shell (source).
  const root = path.basename(upTwo) === 'dist' ? path.dirname(upTwo) : upTwo;
  const distDir = path.join(root, 'dist');
  const library = input.env.STYLIST_LIBRARY;
  return {
    libraryDir: library ? path.resolve(library) : path.join(input.userDataPath, 'library'),
    // Packaged: electron-builder's extraResources copies models/generated to <resources>/models.
    // From the tree: <repo>/models/generated, where `npm run provision` puts them.
    modelDir: input.isPackaged ? path.join(input.resourcesPath, 'models') : path.join(root, 'models', 'generated'),
    rendererDir: path.join(distDir, 'renderer'),
    // Always the compiled CommonJS preload (see preload.cts).
    preloadPath: path.join(distDir, 'electron', 'shell', 'preload.cjs'),
  };
}

// Where things live when the core runs from the source tree (CLI, browser fallback, tests).
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const GENERATED_MODELS_DIR = path.join(REPO_ROOT, 'models', 'generated');
export const RENDERER_DIST_DIR = path.join(REPO_ROOT, 'dist', 'renderer');

/** The person's library: STYLIST_LIBRARY, or the platform's usual place for app data. */
export function defaultLibraryDir(): string {
  if (process.env.STYLIST_LIBRARY) return path.resolve(process.env.STYLIST_LIBRARY);
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Desktop Stylist', 'library');
    case 'win32':
      return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Desktop Stylist', 'library');
    default:
      return path.join(process.env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'desktop-stylist', 'library');
  }
}

// Where the core puts files it writes for the person: exports/ (library zips and CSVs the window offers for
// download) and backups/ (timestamped library zips, and the copy of the database taken before an import).
// Both live inside the library folder; only exports/ is served for download, by exact file name.
import fs from 'node:fs';
import path from 'node:path';

export const EXPORTS_DIRNAME = 'exports';
export const BACKUPS_DIRNAME = 'backups';
/** Exports older than this are removed when a new one is written: they were made to be downloaded. */
export const EXPORT_MAX_AGE_MS = 24 * 3600_000;
/** The only names the download route serves. */
const DOWNLOAD_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}\.(zip|csv)$/;

export function exportsDir(libraryRoot: string): string {
  return path.join(libraryRoot, EXPORTS_DIRNAME);
}

export function backupsDir(libraryRoot: string): string {
  return path.join(libraryRoot, BACKUPS_DIRNAME);
}

/** "stylist-library-2025-11-24T06-34-23-123Z.zip": sortable, and valid on every file system. */
export function timestampedName(prefix: string, ext: string, now = new Date()): string {
  return `${prefix}-${now.toISOString().replace(/[:.]/g, '-')}.${ext}`;
}

/** The file behind a download URL, or null for any name that is not a finished file of exports/. */
export function downloadPath(libraryRoot: string, fileName: string): string | null {
  if (!DOWNLOAD_NAME.test(fileName) || fileName.includes('..')) return null;
  const dir = exportsDir(libraryRoot);
  const file = path.join(dir, fileName);
  if (path.dirname(file) !== dir) return null;
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  return stat?.isFile() ? file : null;
}

/** Removes exports (and unfinished .part files) older than EXPORT_MAX_AGE_MS; returns how many. */
export function pruneExports(libraryRoot: string, now = Date.now()): number {
  const dir = exportsDir(libraryRoot);
  let removed = 0;
  for (const name of fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name)) {
    try {
      const file = path.join(dir, name);
      if (now - fs.statSync(file).mtimeMs > EXPORT_MAX_AGE_MS) {
        fs.rmSync(file, { force: true });
        removed++;
      }
    } catch {
      // Gone already, or not ours to remove: left alone.
    }
  }
  return removed;
}

export function ensureDir(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

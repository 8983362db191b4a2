// A library as one zip: what `library.export` and `library.backup` write and `library.import` reads.
//
//   manifest.json          format, format version, schema version, app version, counts (read first on import)
//   library.db             a consistent copy of the database (SQLite's online backup, taken while the app runs)
//   items.csv              the items, for a spreadsheet
//   originals/ab/<sha256>.<ext>, thumbs/ab/<sha256>.webp    the photos, stored as they are
//   house-style/*          the outfit model the library was taught, if any
//
// The copy of the database is taken first, and the photos listed from that copy, so the zip is consistent
// even while an import runs. Files are streamed into the zip, never held whole in memory.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import type { LibraryFiles } from '../library/library-files.ts';
import { HOUSE_STYLE_DIRNAME } from '../compat/store.ts';
import { itemsCsv } from './items-csv.ts';
import { ZipAbort, ZipWriter } from './zip-writer.ts';

export const ARCHIVE_FORMAT = 'desktop-stylist-library';
export const ARCHIVE_FORMAT_VERSION = 1;
export const MANIFEST_ENTRY = 'manifest.json';
export const DATABASE_ENTRY = 'library.db';

export interface ArchiveManifest {
  format: typeof ARCHIVE_FORMAT;
  formatVersion: number;
  /** The database's PRAGMA user_version. */
  schemaVersion: number;
  appVersion: string;
  createdAt: string;
  people: number;
  items: number;
  /** Originals the database names but the library folder did not have (left out of the zip). */
  missing: string[];
}

export interface ArchiveProgress {
  phase: 'snapshot' | 'writing';
  done: number;
  total: number;
}

export interface WriteArchiveOptions {
  db: Database;
  files: LibraryFiles;
  /** The zip to write; must not exist. Written as `<target>.part` and renamed when whole. */
  target: string;
  appVersion: string;
  onProgress?: (p: ArchiveProgress) => void;
  shouldStop?: () => boolean;
}

/** The photo files of an item, as zip entry names and paths in the library. */
export function mediaEntries(files: LibraryFiles, sha256: string, ext: string): { original: { entry: string; file: string }; thumb: { entry: string; file: string } } | null {
  const original = files.mediaPath('original', sha256, ext);
  const thumb = files.mediaPath('thumb', sha256);
  if (!original || !thumb) return null;
  return {
    original: { entry: `originals/${sha256.slice(0, 2)}/${sha256}.${ext}`, file: original },
    thumb: { entry: `thumbs/${sha256.slice(0, 2)}/${sha256}.webp`, file: thumb },
  };
}

export async function writeLibraryArchive(options: WriteArchiveOptions): Promise<{ bytes: number; manifest: ArchiveManifest }> {
  const { db, files, target } = options;
  const stop = () => options.shouldStop?.() ?? false;
  if (fs.existsSync(target)) throw new Error(`${target} exists already`);
  const work = path.join(files.root, 'tmp', `export-${crypto.randomUUID()}`);
  fs.mkdirSync(work, { recursive: true });
  const partial = `${target}.part`;
  let writer: ZipWriter | null = null;
  try {
    // 1. A consistent copy of the database, page by page (the API keeps answering meanwhile).
    options.onProgress?.({ phase: 'snapshot', done: 0, total: 1 });
    const snapshotFile = path.join(work, DATABASE_ENTRY);
    await db.backup(snapshotFile, {
      progress: ({ totalPages, remainingPages }) => {
        options.onProgress?.({ phase: 'snapshot', done: totalPages - remainingPages, total: totalPages });
        // Throwing is how a backup is abandoned (returning 0 would only pause it).
        if (stop()) throw new ZipAbort();
        return 200;
      },
    });
    if (stop()) throw new ZipAbort();

    // 2. What goes in, listed from the copy.
    const snapshot = new BetterSqlite3(snapshotFile, { readonly: true });
    let manifest: ArchiveManifest;
    let csv: string;
    const entries: { entry: string; file: string; size: number }[] = [];
    try {
      const rows = snapshot.prepare('SELECT sha256, ext FROM items ORDER BY id').all() as { sha256: string; ext: string }[];
      const missing: string[] = [];
      for (const row of rows) {
        const media = mediaEntries(files, row.sha256, row.ext);
        if (!media) continue;
        const original = fs.statSync(media.original.file, { throwIfNoEntry: false });
        if (!original) {
          missing.push(media.original.entry);
          continue;
        }
        entries.push({ ...media.original, size: original.size });
        const thumb = fs.statSync(media.thumb.file, { throwIfNoEntry: false });
        if (thumb) entries.push({ ...media.thumb, size: thumb.size });
      }
      const houseStyle = path.join(files.root, HOUSE_STYLE_DIRNAME);
      for (const e of fs.existsSync(houseStyle) ? fs.readdirSync(houseStyle, { withFileTypes: true }) : []) {
        if (!e.isFile() || e.name.startsWith('.')) continue;
        const file = path.join(houseStyle, e.name);
        entries.push({ entry: `${HOUSE_STYLE_DIRNAME}/${e.name}`, file, size: fs.statSync(file).size });
      }
      const count = (sql: string) => (snapshot.prepare(sql).get() as { n: number }).n;
      manifest = {
        format: ARCHIVE_FORMAT,
        formatVersion: ARCHIVE_FORMAT_VERSION,
        schemaVersion: snapshot.pragma('user_version', { simple: true }) as number,
        appVersion: options.appVersion,
        createdAt: new Date().toISOString(),
        people: count('SELECT count(*) AS n FROM people WHERE deleted_at IS NULL'),
        items: rows.length - missing.length,
        missing,
      };
      csv = itemsCsv(snapshot).csv;
    } finally {
      snapshot.close();
    }

    // 3. The zip, manifest first.
    const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2));
    const csvBytes = Buffer.from(csv);
    const total = manifestBytes.length + fs.statSync(snapshotFile).size + csvBytes.length + entries.reduce((sum, e) => sum + e.size, 0);
    writer = await ZipWriter.create(partial);
    const report = () => options.onProgress?.({ phase: 'writing', done: writer!.bytesIn, total });
    await writer.addBytes(MANIFEST_ENTRY, manifestBytes, { compress: true });
    await writer.addFile(DATABASE_ENTRY, snapshotFile, { compress: true, shouldStop: stop });
    await writer.addBytes('items.csv', csvBytes, { compress: true });
    report();
    for (const e of entries) {
      if (stop()) throw new ZipAbort();
      await writer.addFile(e.entry, e.file, { compress: e.entry.startsWith(`${HOUSE_STYLE_DIRNAME}/`), shouldStop: stop });
      report();
    }
    await writer.finish();
    if (fs.existsSync(target)) throw new Error(`${target} appeared while the export was written; it was left alone`);
    fs.renameSync(partial, target);
    return { bytes: fs.statSync(target).size, manifest };
  } catch (error) {
    await writer?.close();
    fs.rmSync(partial, { force: true });
    throw error;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

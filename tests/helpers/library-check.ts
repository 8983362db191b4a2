// What a library must look like after anything (a crash, a full disk, hostile input): the SQLite file is
// intact, every item row has its original (whose bytes hash to its name), its thumbnail (or is its own) and an embedding of
// the backbone's size, and no media file is left without its row. Shared by the reliability tests.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Core } from '../../electron/core/core.ts';
import { sha256Hex } from '../../electron/core/library/library-files.ts';
import { OWN_THUMBNAIL_MAX_BYTES } from '../../electron/core/vision/decode.ts';
import { recountOverlapSql, recountOwnersSql } from '../../electron/core/db/facet-counts.ts';

export const EMBEDDING_BYTES = 1280 * 4;

/** Everything wrong with an open library, as sentences; [] when it is whole. */
export function libraryProblems(core: Core, options: { orphans?: boolean; hashContents?: boolean } = {}): string[] {
  const { db, files } = core.services;
  const problems: string[] = [];
  const integrity = db.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
  const fk = db.pragma('foreign_key_check') as unknown[];
  if (fk.length) problems.push(`foreign_key_check: ${JSON.stringify(fk).slice(0, 200)}`);
  const rows = db.prepare('SELECT sha256, ext, length(e.embedding) AS bytes FROM items i LEFT JOIN item_embeddings e ON e.item_id = i.id').all() as { sha256: string; ext: string; bytes: number | null }[];
  for (const r of rows) {
    if (r.bytes !== EMBEDDING_BYTES) problems.push(`item ${r.sha256.slice(0, 8)}: embedding of ${r.bytes} bytes`);
    const original = files.mediaPath('original', r.sha256, r.ext)!;
    // A small photo is its own thumbnail (decode.ts): then the thumbnail served is the original.
    const thumb = core.mediaFile('thumb', r.sha256);
    if (!fs.existsSync(original)) problems.push(`item ${r.sha256.slice(0, 8)}: original missing`);
    else if (options.hashContents !== false && sha256Hex(fs.readFileSync(original)) !== r.sha256) problems.push(`item ${r.sha256.slice(0, 8)}: original does not match its hash`);
    if (!thumb || fs.statSync(thumb).size === 0) problems.push(`item ${r.sha256.slice(0, 8)}: thumbnail missing`);
    else if (thumb === original && fs.statSync(thumb).size > OWN_THUMBNAIL_MAX_BYTES) problems.push(`item ${r.sha256.slice(0, 8)}: thumbnail missing (the original is too big to stand in)`);
  }
  problems.push(...keptCountsProblems(db));
  if (options.orphans !== false) {
    const known = new Set(rows.map((r) => r.sha256));
    for (const f of mediaFiles(files.root)) {
      if (!known.has(path.basename(f).slice(0, 64))) problems.push(`orphan file ${path.relative(files.root, f)}`);
    }
    const tmp = path.join(files.root, 'tmp');
    if (fs.existsSync(tmp) && fs.readdirSync(tmp).length) problems.push(`tmp/ not empty: ${fs.readdirSync(tmp).join(', ').slice(0, 200)}`);
  }
  return problems;
}

export function mediaFiles(root: string): string[] {
  return ['originals', 'thumbs'].flatMap((dir) => {
    const abs = path.join(root, dir);
    if (!fs.existsSync(abs)) return [];
    return fs
      .readdirSync(abs, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name));
  });
}

/** A hash of every row of every table, in rowid order: equal before and after means nothing changed. */
export function contentChecksum(db: Database): string {
  const hash = crypto.createHash('sha256');
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  for (const t of tables) {
    const q = `"${t.replace(/"/g, '""')}"`;
    hash.update(`\u0000${t}\u0000`);
    // WITHOUT ROWID tables have no rowid: order by every column instead.
    const cols = (db.prepare(`SELECT name FROM pragma_table_info('${t.replace(/'/g, "''")}')`).pluck().all() as string[]).map((c) => `"${c}"`);
    for (const row of db.prepare(`SELECT * FROM ${q} ORDER BY ${cols.join(', ')}`).raw().iterate() as Iterable<unknown[]>) {
      for (const v of row) hash.update(Buffer.isBuffer(v) ? v : `${typeof v}:${String(v)}\u0001`);
    }
  }
  return hash.digest('hex');
}

/** Sets every file's times under `dir` back by `ms`: "the app is opened again later", past the leftover grace. */
export function backdate(dir: string, ms = 24 * 3600_000): void {
  const when = new Date(Date.now() - ms);
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) fs.utimesSync(path.join(e.parentPath, e.name), when, when);
}

/** Where the filter-chip counts the triggers keep differ from a recount of the wardrobes ([] when equal). */
export function keptCountsProblems(db: Database): string[] {
  const kept = (table: string, owner: string, hex: string) =>
    db.prepare(`SELECT ${owner} AS owner, archived, facet, key, n, ${hex} AS hex FROM ${table} WHERE n != 0 ORDER BY 1, 2, 3, 4`).all();
  const recount = (sql: string, owner: string, hex: string) => db.prepare(`SELECT ${owner} AS owner, archived, facet, key, n, ${hex} AS hex FROM (${sql}) ORDER BY 1, 2, 3, 4`).all();
  const problems: string[] = [];
  const compare = (what: string, a: unknown[], b: unknown[]) => {
    const [ja, jb] = [JSON.stringify(a), JSON.stringify(b)];
    if (ja !== jb) problems.push(`${what}: kept ${ja.slice(0, 300)} but recounted ${jb.slice(0, 300)}`);
  };
  compare('wardrobe_facet_counts', kept('wardrobe_facet_counts', 'owner_id', 'hex'), recount(recountOwnersSql(), 'owner_id', 'hex'));
  compare('catalogue_overlap_counts', kept('catalogue_overlap_counts', 'person_id', 'NULL'), recount(recountOverlapSql(), 'person_id', 'NULL'));
  return problems;
}

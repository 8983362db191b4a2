// The items of a library (or of one person's wardrobe) as CSV, for a spreadsheet: RFC 4180 quoting, CRLF
// line ends, a UTF-8 byte order mark (so Excel reads accents right), and text cells that a spreadsheet
// would run as a formula (=, +, -, @) prefixed with an apostrophe.
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import type { ExportedFile, Item } from '../../../shared/api.ts';
import type { LibraryFiles } from '../library/library-files.ts';
import { ensureDir, exportsDir, pruneExports, timestampedName } from './exports-dir.ts';

export const CSV_COLUMNS = ['item_id', 'file_name', 'type', 'type_source', 'type_confidence', 'colours', 'tags', 'people', 'archived', 'sha256', 'created_at'] as const;

interface CsvRow {
  id: number;
  file_name: string;
  type: string;
  type_source: string;
  type_confidence: number;
  colors_json: string;
  tags_json: string;
  sha256: string;
  created_at: string;
  people: string | null;
  archived: string | null;
}

/** Rows of the whole library (items in a wardrobe of someone not deleted), or of one person's wardrobe and catalogue. */
export function itemsCsv(db: Database, personId?: number): { csv: string; rows: number } {
  const live = 'w.deleted_at IS NULL AND p.deleted_at IS NULL';
  const scope =
    personId === undefined
      ? `EXISTS (SELECT 1 FROM wardrobe w JOIN people p ON p.id = w.person_id WHERE w.item_id = i.id AND ${live})`
      : `EXISTS (SELECT 1 FROM wardrobe w WHERE w.item_id = i.id AND w.deleted_at IS NULL
           AND (w.person_id = @personId OR w.person_id = (SELECT uses_catalogue_id FROM people WHERE id = @personId)))`;
  const rows = db
    .prepare(
      `SELECT i.id, i.file_name, i.type, i.type_source, i.type_confidence, i.colors_json, i.tags_json, i.sha256, i.created_at,
         (SELECT group_concat(p.name, '; ') FROM wardrobe w JOIN people p ON p.id = w.person_id WHERE w.item_id = i.id AND ${live}) AS people,
         (SELECT group_concat(p.name || ': ' || coalesce(w.archive_reason, 'archived'), '; ') FROM wardrobe w JOIN people p ON p.id = w.person_id
            WHERE w.item_id = i.id AND w.archived_at IS NOT NULL AND ${live}) AS archived
       FROM items i WHERE ${scope} ORDER BY i.id`,
    )
    .all(personId === undefined ? {} : { personId }) as CsvRow[];
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    const colors = (JSON.parse(r.colors_json) as Item['colors']).map((c) => c.name);
    const tags = (JSON.parse(r.tags_json) as Item['tags']).map((t) => t.label);
    lines.push(
      [r.id, r.file_name, r.type, r.type_source, Number(r.type_confidence.toFixed(3)), colors.join('; '), tags.join(' | '), r.people ?? '', r.archived ?? '', r.sha256, r.created_at]
        .map(csvCell)
        .join(','),
    );
  }
  return { csv: `\uFEFF${lines.join('\r\n')}\r\n`, rows: rows.length };
}

export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Writes the CSV into the library's exports/ folder (served for download by name). */
export function writeItemsCsv(db: Database, files: LibraryFiles, person?: { id: number; name: string }): ExportedFile & { rows: number } {
  const { csv, rows } = itemsCsv(db, person?.id);
  const slug = person ? person.name.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || `person-${person.id}` : 'library';
  const dir = ensureDir(exportsDir(files.root));
  pruneExports(files.root);
  const fileName = timestampedName(`stylist-items-${slug}`, 'csv');
  const file = path.join(dir, fileName);
  const bytes = Buffer.from(csv, 'utf8');
  files.writeAtomic(file, bytes);
  return { path: file, fileName, bytes: bytes.length, downloadable: true, rows };
}

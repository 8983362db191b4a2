// Opens a library's SQLite file: WAL, foreign keys, and the schema brought up to date. A library made by a
// newer version of the app is refused rather than guessed at; before migrating an existing library, a
// backup copy is written next to it.
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations.ts';
import type { Migration } from './migrations.ts';

export class LibraryFromFutureError extends Error {
  constructor(found: number, supported: number) {
    super(
      `This library was written by a newer version of the app (schema ${found}; this version reads up to ${supported}). ` +
        'Update the app to open it; the library was not changed.',
    );
    this.name = 'LibraryFromFutureError';
  }
}

export function openDatabase(file: string, migrations: readonly Migration[] = MIGRATIONS): Database {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new BetterSqlite3(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // A row replaced by INSERT OR REPLACE fires its delete triggers only with this on: the kept counts need them.
    db.pragma('recursive_triggers = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, file, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Database, file: string, migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration list is not numbered 1..n: ${m.version} at position ${i + 1}`);
  });
  const latest = migrations.at(-1)?.version ?? 0;
  const current = schemaVersion(db);
  if (current > latest) throw new LibraryFromFutureError(current, latest);
  if (current === latest) return;
  if (current > 0) backUp(db, file, current);
  for (const m of migrations.slice(current)) {
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  if (current > 0) reclaimFreedPages(db);
}

/**
 * A migration that moves data between tables (schema 4 moved every embedding) leaves the old pages free: the
 * file would stay twice its size. VACUUM is atomic (a crash leaves the migrated file as it was); if another
 * process holds the library open it is skipped, and the free pages are reused by later imports.
 */
function reclaimFreedPages(db: Database): void {
  const free = db.pragma('freelist_count', { simple: true }) as number;
  const pages = db.pragma('page_count', { simple: true }) as number;
  if (free < 0.25 * pages) return;
  try {
    db.exec('VACUUM');
    // VACUUM went through the WAL: give its space back too.
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && String(error.code).startsWith('SQLITE_BUSY'))) throw error;
  }
}

/** A consistent copy taken with SQLite's online backup (VACUUM INTO works while WAL readers exist). */
function backUp(db: Database, file: string, version: number): void {
  const target = `${file}.v${version}-${new Date().toISOString().replace(/[:.]/g, '-')}.bak`;
  db.exec(`VACUUM INTO '${target.replace(/'/g, "''")}'`);
}

export { LATEST_SCHEMA_VERSION };

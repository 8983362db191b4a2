// Forward-only schema migrations. Append new ones at the end; never edit one that has shipped:
// libraries out in the world were made by it. Each runs in its own transaction that also sets
// PRAGMA user_version, so a library is always at exactly one known version.
import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'people, items, wardrobes, judgements',
    up(db) {
      db.exec(`
        CREATE TABLE people (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL,
          created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
          archived_at TEXT
        );
        -- One row per distinct photo (content hash); people share items through wardrobe.
        CREATE TABLE items (
          id INTEGER PRIMARY KEY,
          sha256 TEXT NOT NULL UNIQUE,
          file_name TEXT NOT NULL,
          ext TEXT NOT NULL,
          width INTEGER NOT NULL,
          height INTEGER NOT NULL,
          type TEXT NOT NULL,
          type_confidence REAL NOT NULL,
          type_source TEXT NOT NULL CHECK (type_source IN ('predicted', 'user')),
          tags_json TEXT NOT NULL,
          colors_json TEXT NOT NULL,
          embedding BLOB NOT NULL,
          created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        CREATE TABLE wardrobe (
          person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
          item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
          added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
          PRIMARY KEY (person_id, item_id)
        ) WITHOUT ROWID;
        CREATE INDEX wardrobe_by_item ON wardrobe(item_id);
        CREATE TABLE judgements (
          id INTEGER PRIMARY KEY,
          person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
          verdict TEXT NOT NULL CHECK (verdict IN ('like', 'dislike')),
          item_ids_json TEXT NOT NULL,
          created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        CREATE INDEX judgements_by_person ON judgements(person_id, id);
      `);
    },
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

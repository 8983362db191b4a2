// Forward-only schema migrations. Append new ones at the end; never edit one that has shipped:
// libraries out in the world were made by it. After adding one, make its fixture library
// (node tests/fixtures/make-library-fixture.ts) so the upgrade test covers it. Each runs in its own transaction that also sets
// PRAGMA user_version, so a library is always at exactly one known version.
import type { Database } from 'better-sqlite3';
import { facetCountsSchema } from './facet-counts.ts';

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
  {
    version: 2,
    name: 'archive, delete with undo, catalogues, person model versions',
    up(db) {
      db.exec(`
        -- A catalogue (a boutique's stock) is a wardrobe that belongs to no one; people may draw on it.
        ALTER TABLE people ADD COLUMN kind TEXT NOT NULL DEFAULT 'person' CHECK (kind IN ('person', 'catalogue'));
        ALTER TABLE people ADD COLUMN uses_catalogue_id INTEGER REFERENCES people(id) ON DELETE SET NULL;
        -- Deleting is undoable: rows are marked, and purged only when the person empties the bin.
        ALTER TABLE people ADD COLUMN deleted_at TEXT;
        ALTER TABLE wardrobe ADD COLUMN archived_at TEXT;
        ALTER TABLE wardrobe ADD COLUMN archive_reason TEXT;
        ALTER TABLE wardrobe ADD COLUMN deleted_at TEXT;
        ALTER TABLE judgements ADD COLUMN undone_at TEXT;
        -- Every fine-tuned version of a person's model; the current one is the newest not rolled back.
        CREATE TABLE person_models (
          id INTEGER PRIMARY KEY,
          person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
          created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
          judgements_used INTEGER NOT NULL,
          last_judgement_id INTEGER,
          weights BLOB NOT NULL,
          metrics_json TEXT NOT NULL DEFAULT '{}',
          rolled_back_at TEXT
        );
        CREATE INDEX person_models_by_person ON person_models(person_id, id);
      `);
    },
  },
  {
    version: 3,
    name: 'item heads: fine label and hash codes',
    up(db) {
      db.exec(`
        -- From the trained item heads (models/heads): the fine label within the type, the K-bit code of the
        -- item's type (K/8 bytes) that "more like this" compares, and every type's code concatenated in
        -- GARMENT_TYPES order, so a corrected type takes its code without running a model. NULL for items
        -- imported without heads.
        ALTER TABLE items ADD COLUMN fine_label TEXT;
        ALTER TABLE items ADD COLUMN fine_confidence REAL;
        ALTER TABLE items ADD COLUMN code BLOB;
        ALTER TABLE items ADD COLUMN codes BLOB;
        CREATE INDEX items_by_type ON items(type);
      `);
    },
  },
  {
    version: 4,
    name: 'embeddings in a table of their own; wardrobes indexed in listing order; colours and tags as rows; filter-chip counts kept',
    up(db) {
      db.exec(`
        -- The 5 KB embedding made every item row span overflow pages, so listing a wardrobe read them all.
        -- Item rows now hold only what a listing shows (the 112-byte codes stay: setType reads them in place).
        CREATE TABLE item_embeddings (
          item_id INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
          embedding BLOB NOT NULL
        );
        INSERT INTO item_embeddings (item_id, embedding) SELECT id, embedding FROM items;
        ALTER TABLE items DROP COLUMN embedding;
        -- A wardrobe in listing order (newest first, then id): a page is read from the index (keyset or
        -- offset) instead of sorting every row. It covers the filters (deleted_at too, though always NULL
        -- here: without it SQLite looks up every row to test it), so counting 20,000 rows reads only the index.
        CREATE INDEX wardrobe_listing ON wardrobe(person_id, added_at, item_id, archived_at, deleted_at) WHERE deleted_at IS NULL;
        -- Each item's colour names and tags as rows, kept from its JSON by a trigger (items are never updated
        -- after insert): the wardrobe's filter chips count them and filters look them up without parsing the
        -- JSON of every item (items.counts of 20,000 items took most of a second).
        CREATE TABLE item_colors (
          item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
          name TEXT NOT NULL,
          hex TEXT,
          PRIMARY KEY (item_id, name)
        ) WITHOUT ROWID;
        CREATE TABLE item_tags (
          item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
          label TEXT NOT NULL,
          p REAL NOT NULL,
          PRIMARY KEY (item_id, label)
        ) WITHOUT ROWID;
        CREATE TRIGGER item_facets AFTER INSERT ON items BEGIN
          INSERT INTO item_colors (item_id, name, hex)
            SELECT new.id, json_extract(value, '$.name'), json_extract(value, '$.hex') FROM json_each(new.colors_json)
            WHERE json_extract(value, '$.name') IS NOT NULL
            ON CONFLICT DO UPDATE SET hex = min(hex, excluded.hex);
          INSERT INTO item_tags (item_id, label, p)
            SELECT new.id, json_extract(value, '$.label'), coalesce(json_extract(value, '$.p'), 0) FROM json_each(new.tags_json)
            WHERE json_extract(value, '$.label') IS NOT NULL
            ON CONFLICT DO UPDATE SET p = max(p, excluded.p);
        END;
        INSERT INTO item_colors (item_id, name, hex)
          SELECT i.id, json_extract(c.value, '$.name'), json_extract(c.value, '$.hex') FROM items i, json_each(i.colors_json) c
          WHERE json_extract(c.value, '$.name') IS NOT NULL
          ON CONFLICT DO UPDATE SET hex = min(hex, excluded.hex);
        INSERT INTO item_tags (item_id, label, p)
          SELECT i.id, json_extract(t.value, '$.label'), coalesce(json_extract(t.value, '$.p'), 0) FROM items i, json_each(i.tags_json) t
          WHERE json_extract(t.value, '$.label') IS NOT NULL
          ON CONFLICT DO UPDATE SET p = max(p, excluded.p);
      `);
      // The filter chips' counts, kept by triggers (see facet-counts.ts).
      db.exec(facetCountsSchema());
    },
  },
  {
    version: 5,
    name: 'the models that described each item',
    up(db) {
      db.exec(`
        -- Which image model and item heads computed the item's embedding, type, fine label and codes (the models
        -- key, vision/models-key.ts). When the app ships other models, the items with another key are described
        -- again from their originals, in the background (library/redescribe.ts). NULL: stored before the key was
        -- recorded, so described once more.
        ALTER TABLE items ADD COLUMN models TEXT;
      `);
    },
  },
  {
    version: 6,
    name: 'the garment a dislike names',
    up(db) {
      db.exec(`
        -- A dislike may name the garment of the outfit that is wrong ("not this one"): one of item_ids_json.
        ALTER TABLE judgements ADD COLUMN blamed_item_id INTEGER;
      `);
    },
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

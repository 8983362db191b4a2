// Every earlier schema version's library (a small fixture made by that version of the app) opens in this
// version: migrated forward, backed up first, nothing lost.
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openCore } from '../../../electron/core/core.ts';
import { schemaVersion } from '../../../electron/core/db/database.ts';
import { LATEST_SCHEMA_VERSION } from '../../../electron/core/db/migrations.ts';
import { REPO_ROOT } from '../../../electron/core/paths.ts';
import { MODEL_DIR, requireModel, tempDir } from '../../helpers/kit.ts';
import { keptCountsProblems } from '../../helpers/library-check.ts';

const FIXTURES = path.join(REPO_ROOT, 'tests', 'fixtures', 'libraries');
/** Each item's embedding by photo hash, wherever the schema keeps it (items.embedding before version 4). */
const embeddings = (db: Database): Record<string, string> => {
  const inItems = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('items') as string[]).includes('embedding');
  const sql = inItems ? 'SELECT sha256, embedding FROM items' : 'SELECT i.sha256, e.embedding FROM items i LEFT JOIN item_embeddings e ON e.item_id = i.id';
  return Object.fromEntries((db.prepare(sql).all() as { sha256: string; embedding: Buffer | null }[]).map((r) => [r.sha256, r.embedding?.toString('hex') ?? 'missing']));
};

const versions = fs.readdirSync(FIXTURES).map((d) => Number(/^v(\d+)$/.exec(d)?.[1])).filter(Boolean).sort((a, b) => a - b);

describe('library upgrades', () => {
  it('has a fixture library for every schema version up to the latest', () => {
    expect(versions).toEqual(Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it.each(versions)('opens a library made by schema version %i', async (version) => {
    requireModel();
    const dir = tempDir();
    fs.cpSync(path.join(FIXTURES, `v${version}`), dir, { recursive: true });
    const before = new BetterSqlite3(path.join(dir, 'library.db'), { readonly: true });
    const embeddingsBefore = embeddings(before);
    before.close();
    const core = openCore({ libraryDir: dir, modelDir: MODEL_DIR, shell: 'browser', version: 'test' });
    try {
      const { db, repo, people, judgements } = core.services;
      expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const [person] = people.list();
      expect(person?.name).toBe('Fixture Person');
      const items = repo.listItems(person!.id, {}, 0, 10).items;
      expect(items.map((i) => i.fileName).sort()).toEqual(['shoe.jpg', 'tee.jpg']);
      for (const item of items) expect(core.mediaFile('original', item.sha256)).not.toBeNull();
      // Every embedding comes through, byte for byte, and suggestions are built from them.
      expect(Object.keys(embeddingsBefore)).toHaveLength(2);
      expect(embeddings(db)).toEqual(embeddingsBefore);
      expect(repo.wardrobeWithEmbeddings(person!.id).map((c) => c.embedding.length)).toEqual([1280, 1280]);
      // The filter chips count the colours and tags the items' JSON names (rows of their own from schema 4).
      const counts = repo.counts(person!.id, false);
      expect(counts.total).toBe(2);
      expect(counts.byColor.reduce((n, c) => n + c.count, 0)).toBe(items.reduce((n, i) => n + new Set(i.colors.map((c) => c.name)).size, 0));
      expect(counts.byTag.length).toBeGreaterThan(0);
      // Kept by triggers from schema 4: equal to counting every item, and still so after a write.
      expect(counts).toEqual(repo.recount(person!.id, false));
      repo.setArchived(person!.id, [items[0]!.id], 'sold');
      expect(repo.counts(person!.id, true)).toEqual(repo.recount(person!.id, true));
      expect(keptCountsProblems(db)).toEqual([]);
      expect(judgements.list(person!.id)).toHaveLength(1);
      const backups = fs.readdirSync(dir).filter((f) => f.endsWith('.bak'));
      expect(backups.length).toBe(version < LATEST_SCHEMA_VERSION ? 1 : 0);
    } finally {
      await core.close();
    }
  });
});

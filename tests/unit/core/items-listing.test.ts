// items.list reads pages from the wardrobe_listing index (keyset or offset) instead of grouping and sorting
// every row. These tests hold it to the query it replaced (every visible row grouped per item, ordered by the
// latest time it entered the wardrobe or the catalogue, then id) on seeded wardrobes with everything that
// makes that hard: items in both a person's wardrobe and their catalogue, ties in time, archived and deleted
// rows, and filters on the item. items.counts is held to the JSON-parsing queries it replaced.
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/core/db/database.ts';
import { ItemsRepo } from '../../../electron/core/library/items-repo.ts';
import type { ItemFilter, NewItem } from '../../../electron/core/library/items-repo.ts';
import { PeopleRepo } from '../../../electron/core/library/people-repo.ts';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';
import type { GarmentType, ItemsCursor } from '../../../shared/api.ts';
import { tempDir } from '../../helpers/kit.ts';

const TYPES: GarmentType[] = ['top', 'bottom', 'shoes', 'dress'];
const COLORS = ['navy', 'black', 'white'];
const TAGS = ['jersey', 'denim', 'sandal'];

let db: Database;
let repo: ItemsRepo;
let ann: number;
let bo: number;

/** The query items.list ran before the index (schema 3): the reference order and membership. */
function reference(personId: number, filter: ItemFilter): { id: number; archiveReason: string | null }[] {
  const where = [
    '(w.person_id = @personId OR w.person_id = (SELECT uses_catalogue_id FROM people WHERE id = @personId)) AND w.deleted_at IS NULL',
    filter.archived ? 'w.archived_at IS NOT NULL' : 'w.archived_at IS NULL',
    filter.type ? 'i.type = @type' : '',
    filter.color ? "EXISTS (SELECT 1 FROM json_each(i.colors_json) c WHERE json_extract(c.value, '$.name') = @color)" : '',
    filter.tag ? "EXISTS (SELECT 1 FROM json_each(i.tags_json) t WHERE json_extract(t.value, '$.label') = @tag AND json_extract(t.value, '$.p') >= 0.05)" : '',
  ]
    .filter(Boolean)
    .join(' AND ');
  // The archive reason of the row the item is listed from: the latest, the person's own on a tie.
  return db
    .prepare(
      `SELECT i.id, (SELECT w2.archive_reason FROM wardrobe w2 WHERE w2.item_id = i.id AND ${where.replace(/\bw\./g, 'w2.')}
                      ORDER BY w2.added_at DESC, w2.person_id = @personId DESC LIMIT 1) AS archiveReason
       FROM items i JOIN wardrobe w ON w.item_id = i.id WHERE ${where} GROUP BY i.id ORDER BY max(w.added_at) DESC, i.id DESC`,
    )
    .all({ personId, type: filter.type, color: filter.color, tag: filter.tag }) as { id: number; archiveReason: string | null }[];
}

beforeAll(() => {
  db = openDatabase(path.join(tempDir(), 'library.db'));
  const people = new PeopleRepo(db);
  repo = new ItemsRepo(db);
  ann = people.create('Ann').id;
  bo = people.create('Bo').id;
  const shop = people.create('Shop', 'catalogue').id;
  people.setCatalogue(ann, shop);
  const rng = new Rng(11);
  const items: NewItem[] = Array.from({ length: 400 }, (_, n) => ({
    sha256: n.toString(16).padStart(64, '0'),
    fileName: `${n}.jpg`,
    ext: 'jpg',
    width: 10,
    height: 10,
    type: TYPES[rng.int(TYPES.length)]!,
    typeConfidence: 0.9,
    tags: [
      { label: TAGS[rng.int(TAGS.length)]!, p: rng.next() < 0.8 ? 0.5 : 0.01 },
      { label: TAGS[rng.int(TAGS.length)]!, p: rng.next() < 0.5 ? 0.2 : 0.02 },
    ],
    colors: [
      { hex: `#00000${rng.int(10)}`, name: COLORS[rng.int(COLORS.length)]!, share: 0.7 },
      { hex: `#ffffff`, name: COLORS[rng.int(COLORS.length)]!, share: 0.3 },
    ],
    embedding: new Float32Array(4).fill(n),
  }));
  const ids = repo.insertBatch(bo, items, []);
  // Few distinct times, so many rows tie; Ann and the shop share a third of their items.
  const time = () => `2025-01-${String(1 + rng.int(9)).padStart(2, '0')}T00:00:00.000Z`;
  const add = db.prepare('INSERT INTO wardrobe (person_id, item_id, added_at, archived_at, archive_reason, deleted_at) VALUES (?, ?, ?, ?, ?, ?)');
  for (const id of ids) {
    const u = rng.next();
    // Half the shared items entered both at the same time: the person's own row (its archive reason) wins.
    const at = time();
    const same = rng.next() < 0.5;
    for (const owner of u < 0.35 ? [ann] : u < 0.65 ? [shop] : u < 0.95 ? [ann, shop] : []) {
      const archived = rng.next() < 0.3;
      add.run(owner, id, same ? at : time(), archived ? time() : null, archived ? (owner === ann ? 'sold' : 'donated') : null, rng.next() < 0.08 ? time() : null);
    }
  }
});

const FILTERS: ItemFilter[] = [{}, { archived: true }, { type: 'top' }, { color: 'navy' }, { tag: 'denim', type: 'bottom' }, { archived: true, color: 'black' }];

describe('items.list paging', () => {
  it.each(FILTERS)('lists what the grouped query listed, in its order, with its archive reasons (%j)', (filter) => {
    for (const personId of [ann, bo]) {
      const want = reference(personId, filter);
      const page = repo.listItems(personId, filter, 0, 1000);
      expect(page.total).toBe(want.length);
      expect(page.items.map((i) => ({ id: i.id, archiveReason: i.archiveReason }))).toEqual(want);
      expect(page.next).toBeNull();
    }
  });

  it.each(FILTERS)('keyset pages and offset pages put together are the whole listing (%j)', (filter) => {
    const want = reference(ann, filter).map((r) => r.id);
    expect(want.length).toBeGreaterThan(5);
    for (const size of [2, 7, 50]) {
      const byCursor: number[] = [];
      let after: ItemsCursor | undefined;
      for (;;) {
        const page = repo.listItems(ann, filter, 0, size, after);
        expect(page.total).toBe(want.length);
        byCursor.push(...page.items.map((i) => i.id));
        if (!page.next) break;
        after = page.next;
      }
      expect(byCursor).toEqual(want);
      for (let offset = 0; offset < want.length + size; offset += size) {
        expect(repo.listItems(ann, filter, offset, size).items.map((i) => i.id)).toEqual(want.slice(offset, offset + size));
      }
    }
  });

  it.each([false, true])('counts types, colours and tags as the JSON-parsing queries did (archived: %s)', (archived) => {
    const where = `(w.person_id = @personId OR w.person_id = (SELECT uses_catalogue_id FROM people WHERE id = @personId)) AND w.deleted_at IS NULL AND w.archived_at IS ${archived ? 'NOT ' : ''}NULL`;
    const from = `FROM items i JOIN wardrobe w ON w.item_id = i.id WHERE ${where}`;
    for (const personId of [ann, bo]) {
      const counts = repo.counts(personId, archived);
      const byType = db.prepare(`SELECT i.type, count(DISTINCT i.id) AS n ${from} GROUP BY i.type`).all({ personId }) as { type: GarmentType; n: number }[];
      expect(Object.entries(counts.byType).filter(([, n]) => n > 0)).toEqual(expect.arrayContaining(byType.map((r) => [r.type, r.n])));
      expect(counts.total).toBe(reference(personId, { archived }).length);
      expect(counts.byColor).toEqual(
        db
          .prepare(
            `SELECT json_extract(c.value, '$.name') AS name, min(json_extract(c.value, '$.hex')) AS hex, count(DISTINCT i.id) AS count
             FROM items i JOIN wardrobe w ON w.item_id = i.id, json_each(i.colors_json) c WHERE ${where} AND json_extract(c.value, '$.name') IS NOT NULL GROUP BY 1 ORDER BY 3 DESC, 1`,
          )
          .all({ personId }),
      );
      expect(counts.byTag).toEqual(
        db
          .prepare(
            `SELECT json_extract(t.value, '$.label') AS label, count(DISTINCT i.id) AS count
             FROM items i JOIN wardrobe w ON w.item_id = i.id, json_each(i.tags_json) t WHERE ${where} AND json_extract(t.value, '$.label') IS NOT NULL AND json_extract(t.value, '$.p') >= 0.05
             GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 40`,
          )
          .all({ personId }),
      );
    }
  });

  it('reads a page from the index, never sorting the wardrobe', () => {
    const plans: { sql: string; plan: string }[] = [];
    const prepare = db.prepare.bind(db);
    db.prepare = ((sql: string) => {
      if (/wardrobe_listing/.test(sql)) {
        const params = { personId: ann, catalogueId: 3, type: 'top', afterAt: '2025-01-05', afterId: 100, offset: 0, fetch: 51, window: 51 };
        plans.push({ sql, plan: (prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail).join('; ') });
      }
      return prepare(sql);
    }) as typeof db.prepare;
    try {
      repo.listItems(ann, {}, 0, 50, { addedAt: '2025-01-05T00:00:00.000Z', itemId: 100 });
      repo.listItems(bo, { type: 'top' }, 0, 50);
    } finally {
      db.prepare = prepare;
    }
    expect(plans.length).toBeGreaterThan(0);
    for (const { sql, plan } of plans) {
      expect(plan).toMatch(/USING (COVERING )?INDEX wardrobe_listing/);
      // Counting (the total of every page) reads the index alone, never a row per item.
      if (/^SELECT count/.test(sql) && !/CROSS JOIN items/.test(sql)) expect(plan).toContain('USING COVERING INDEX wardrobe_listing');
      // The only sorts allowed are of the two bounded arms merged for a person with a catalogue.
      expect(plan.replace(/SCAN \(subquery-\d+\); USE TEMP B-TREE FOR ORDER BY/g, '')).not.toContain('TEMP B-TREE');
    }
  });
});

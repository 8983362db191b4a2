// The filter-chip counts are kept by triggers (db/facet-counts.ts) instead of counted on each call. Seeded
// random writes on a real SQLite library (imports into people and catalogues, archive, delete and restore,
// retype, catalogues switched, colours and tags changed, items and people deleted outright) and after every
// one: items.counts equals the recount over every visible item for every person, archived or not, and the
// kept tables equal a recount of the wardrobes.
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/core/db/database.ts';
import { ItemsRepo } from '../../../electron/core/library/items-repo.ts';
import type { NewItem } from '../../../electron/core/library/items-repo.ts';
import { PeopleRepo } from '../../../electron/core/library/people-repo.ts';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';
import { GARMENT_TYPES } from '../../../shared/api.ts';
import type { ArchiveReason } from '../../../shared/api.ts';
import { keptCountsProblems } from '../../helpers/library-check.ts';
import { tempDir } from '../../helpers/kit.ts';

const OPERATIONS = 400;
const COLORS = ['navy', 'black', 'white', 'red'];
const TAGS = ['jersey', 'denim', 'sandal', 'wool', 'cardigan'];

describe('kept filter-chip counts', () => {
  const dbs: Database[] = [];
  afterAll(() => dbs.forEach((db) => db.close()));

  it(`equal a recount after each of ${OPERATIONS} random writes`, () => {
    const rng = new Rng(606);
    const db = openDatabase(path.join(tempDir('stylist-facet-counts-'), 'library.db'));
    dbs.push(db);
    const repo = new ItemsRepo(db);
    const people = new PeopleRepo(db);
    const persons = [0, 1, 2, 3].map((i) => people.create(`Person ${i}`).id);
    const catalogues = [0, 1].map((i) => people.create(`Shop ${i}`, 'catalogue').id);
    let made = 0;
    const newItem = (): NewItem => {
      const hex = () => `#${rng.int(0x1000000).toString(16).padStart(6, '0')}`;
      // Repeated colour names and tag labels within one item too (the JSON can hold them; rows keep one).
      const colors = Array.from({ length: rng.int(4) }, () => ({ name: rng.pick(COLORS), hex: hex(), share: 0.3 }));
      const tags = Array.from({ length: rng.int(5) }, () => ({ label: rng.pick(TAGS), p: rng.pick([0.01, 0.04, 0.05, 0.2, 0.9]) }));
      return {
        sha256: `item-${made++}`.padEnd(64, '0'),
        fileName: 'x.jpg',
        ext: 'jpg',
        width: 1,
        height: 1,
        type: rng.pick(GARMENT_TYPES),
        typeConfidence: 0.5,
        tags,
        colors,
        embedding: new Float32Array(4),
      };
    };
    const owners = () => [...persons, ...catalogues];
    const itemIds = () => db.prepare('SELECT id FROM items').pluck().all() as number[];
    const rowsOf = (owner: number, where: string) => db.prepare(`SELECT item_id FROM wardrobe WHERE person_id = ? AND ${where}`).pluck().all(owner) as number[];
    /** A row of a table at a seeded random position (the seed decides, not SQLite's random()). */
    const at = (table: string) => ({ at: rng.int(Math.max(1, db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number)) });
    const some = <T,>(xs: T[]) => rng.shuffle([...xs]).slice(0, 1 + rng.int(Math.min(6, xs.length)));

    const ops: [string, () => void][] = [
      ['import', () => repo.insertBatch(rng.pick(owners()), Array.from({ length: 1 + rng.int(6) }, newItem), some(itemIds()).slice(0, rng.int(4)))],
      ['archive', () => {
        const owner = rng.pick(owners());
        const ids = rowsOf(owner, 'deleted_at IS NULL');
        if (ids.length) repo.setArchived(owner, some(ids), rng.pick<ArchiveReason | null>(['sold', 'donated', null]));
      }],
      ['delete', () => {
        const owner = rng.pick(owners());
        const ids = rowsOf(owner, 'deleted_at IS NULL');
        if (ids.length) repo.remove(owner, some(ids));
      }],
      ['restore', () => {
        const owner = rng.pick(owners());
        const ids = rowsOf(owner, 'deleted_at IS NOT NULL');
        if (ids.length) repo.restore(owner, some(ids));
      }],
      ['retype', () => {
        const ids = itemIds();
        if (ids.length) repo.setType(rng.pick(ids), rng.pick(GARMENT_TYPES));
      }],
      ['switch catalogue', () => {
        // A catalogue may draw on another one, or on itself (which adds nothing).
        const who = rng.pick(owners());
        people.setCatalogue(who, rng.next() < 0.25 ? null : rng.pick(catalogues));
      }],
      ['tag probability crosses the threshold', () => {
        const tag = db.prepare('SELECT item_id, label FROM item_tags ORDER BY 1, 2 LIMIT 1 OFFSET @at').get(at('item_tags')) as { item_id: number; label: string } | undefined;
        if (tag) db.prepare('UPDATE item_tags SET p = ? WHERE item_id = ? AND label = ?').run(rng.pick([0.01, 0.05, 0.5]), tag.item_id, tag.label);
      }],
      ['tag added or removed', () => {
        const ids = itemIds();
        if (!ids.length) return;
        if (rng.next() < 0.5) db.prepare('INSERT OR REPLACE INTO item_tags (item_id, label, p) VALUES (?, ?, ?)').run(rng.pick(ids), rng.pick(TAGS), rng.pick([0.02, 0.3]));
        else db.prepare('DELETE FROM item_tags WHERE (item_id, label) IN (SELECT item_id, label FROM item_tags ORDER BY 1, 2 LIMIT 1 OFFSET @at)').run(at('item_tags'));
      }],
      ['colour changed', () => {
        const ids = itemIds();
        if (!ids.length) return;
        const r = rng.next();
        if (r < 0.4) db.prepare('INSERT OR REPLACE INTO item_colors (item_id, name, hex) VALUES (?, ?, ?)').run(rng.pick(ids), rng.pick(COLORS), rng.pick(['#000001', '#ffffff', null]));
        else if (r < 0.7) db.prepare('DELETE FROM item_colors WHERE (item_id, name) IN (SELECT item_id, name FROM item_colors ORDER BY 1, 2 LIMIT 1 OFFSET @at)').run(at('item_colors'));
        else db.prepare('UPDATE item_colors SET hex = @hex WHERE (item_id, name) IN (SELECT item_id, name FROM item_colors ORDER BY 1, 2 LIMIT 1 OFFSET @at)').run({ hex: `#${rng.int(1000)}`, ...at('item_colors') });
      }],
      ['item deleted', () => {
        const ids = itemIds();
        if (ids.length > 10) db.prepare('DELETE FROM items WHERE id = ?').run(rng.pick(ids));
      }],
      ['wardrobe row purged', () => db.prepare('DELETE FROM wardrobe WHERE (person_id, item_id) IN (SELECT person_id, item_id FROM wardrobe ORDER BY 1, 2 LIMIT 1 OFFSET @at)').run(at('wardrobe'))],
    ];
    const tried = new Map<string, number>();
    let withOverlap = 0;
    let withArchived = 0;
    for (let step = 0; step < OPERATIONS; step++) {
      // Imports twice as often early on, so there is something to change.
      const [name, op] = step < 20 ? ops[0]! : rng.pick(ops);
      op();
      tried.set(name, (tried.get(name) ?? 0) + 1);
      if (step === OPERATIONS / 2) {
        // A person deleted outright (the bin emptied of them), and a catalogue others draw on.
        db.prepare('DELETE FROM people WHERE id = ?').run(persons.pop()!);
        db.prepare('DELETE FROM people WHERE id = ?').run(catalogues.pop()!);
        tried.set('person deleted', 2);
      }
      for (const id of owners()) {
        for (const archived of [false, true]) {
          expect(repo.counts(id, archived), `after ${name} (step ${step}), person ${id}, archived ${archived}`).toEqual(repo.recount(id, archived));
        }
      }
      expect(keptCountsProblems(db), `after ${name} (step ${step})`).toEqual([]);
      if (db.prepare('SELECT count(*) FROM catalogue_overlap_counts WHERE n > 0').pluck().get()) withOverlap++;
      if (db.prepare('SELECT count(*) FROM wardrobe_facet_counts WHERE n > 0 AND archived = 1').pluck().get()) withArchived++;
    }
    console.log(`kept counts checked after ${OPERATIONS} random writes (${withOverlap} with items in both a wardrobe and its catalogue): ${[...tried].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    expect(tried.size).toBe(ops.length + 1);
    // The counts covered something: items in both a wardrobe and its catalogue, archived ones.
    expect(withOverlap).toBeGreaterThan(OPERATIONS / 4);
    expect(withArchived).toBeGreaterThan(OPERATIONS / 4);
  });
});

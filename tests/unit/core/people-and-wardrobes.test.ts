// People, catalogues, archive / delete with undo, and undoable judgements, on a real SQLite file.
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../electron/core/db/database.ts';
import { ItemsRepo, NotFoundError } from '../../../electron/core/library/items-repo.ts';
import type { NewItem } from '../../../electron/core/library/items-repo.ts';
import { JudgementError, JudgementsRepo } from '../../../electron/core/library/judgements-repo.ts';
import { PeopleRepo } from '../../../electron/core/library/people-repo.ts';
import type { GarmentType } from '../../../shared/api.ts';
import { tempDir } from '../../helpers/kit.ts';

let db: Database;
let people: PeopleRepo;
let items: ItemsRepo;
let judgements: JudgementsRepo;

const item = (n: number, type: GarmentType): NewItem => ({
  sha256: n.toString(16).padStart(64, '0'), fileName: `${n}.jpg`, ext: 'jpg', width: 10, height: 10, type, typeConfidence: 0.9,
  tags: [], colors: [], embedding: new Float32Array(4).fill(n),
});

beforeEach(() => {
  db = openDatabase(path.join(tempDir(), 'library.db'));
  people = new PeopleRepo(db);
  items = new ItemsRepo(db);
  judgements = new JudgementsRepo(db, items);
});

describe('people', () => {
  it('creates, renames, archives and deletes with undo', () => {
    const ann = people.create('Ann');
    const bo = people.create('Bo');
    expect(people.rename(ann.id, 'Anna').name).toBe('Anna');
    people.setArchived(bo.id, true);
    expect(people.list().map((p) => p.name)).toEqual(['Anna']);
    expect(people.list({ includeArchived: true }).map((p) => [p.name, p.archived])).toEqual([['Anna', false], ['Bo', true]]);
    people.delete(ann.id);
    expect(() => people.get(ann.id)).toThrow(NotFoundError);
    expect(people.list({ includeArchived: true }).map((p) => p.name)).toEqual(['Bo']);
    expect(people.restore(ann.id).name).toBe('Anna');
    expect(() => people.restore(ann.id)).toThrow(NotFoundError);
    expect(() => people.rename(424242, 'x')).toThrow(NotFoundError);
  });
});

describe('wardrobes', () => {
  it('archives with a reason, removes with undo, and hides both from outfit building', () => {
    const ann = people.create('Ann');
    const [top, bottom, shoes] = items.insertBatch(ann.id, [item(1, 'top'), item(2, 'bottom'), item(3, 'shoes')], []);
    items.setArchived(ann.id, [top!], 'donated');
    expect(items.listItems(ann.id, {}, 0, 10).total).toBe(2);
    const archived = items.listItems(ann.id, { archived: true }, 0, 10).items;
    expect(archived.map((i) => [i.id, i.archiveReason])).toEqual([[top, 'donated']]);
    expect(items.wardrobeWithEmbeddings(ann.id).map((c) => c.item.id).sort()).toEqual([bottom, shoes]);
    expect(items.outfitWardrobe(ann.id)).toEqual(items.wardrobeWithEmbeddings(ann.id).map((c) => ({ id: c.item.id, type: c.item.type })));
    items.remove(ann.id, [bottom!]);
    expect(items.listItems(ann.id, {}, 0, 10).items.map((i) => i.id)).toEqual([shoes]);
    expect(() => items.remove(ann.id, [bottom!])).toThrow(NotFoundError);
    items.restore(ann.id, [bottom!]);
    items.setArchived(ann.id, [top!], null);
    expect(items.listItems(ann.id, {}, 0, 10).total).toBe(3);
  });

  it('lets a person draw on a catalogue without owning its items', () => {
    const shop = people.create('Boutique stock', 'catalogue');
    const ann = people.create('Ann');
    const [dress] = items.insertBatch(shop.id, [item(10, 'dress')], []);
    const [shoes] = items.insertBatch(ann.id, [item(11, 'shoes')], []);
    expect(items.allVisible(ann.id, [dress!, shoes!])).toBe(false);
    people.setCatalogue(ann.id, shop.id);
    expect(items.allVisible(ann.id, [dress!, shoes!])).toBe(true);
    expect(items.wardrobeWithEmbeddings(ann.id).map((c) => c.item.type).sort()).toEqual(['dress', 'shoes']);
    expect(items.outfitWardrobe(ann.id).map((c) => c.type).sort()).toEqual(['dress', 'shoes']);
    expect(() => items.remove(ann.id, [dress!])).toThrow(NotFoundError); // not hers to remove
    expect(() => people.setCatalogue(ann.id, ann.id)).toThrow(NotFoundError); // a person is no catalogue
  });
});

describe('judgements', () => {
  it('are recorded only on visible items, and undone judgements no longer stand', () => {
    const ann = people.create('Ann');
    const bo = people.create('Bo');
    const ids = items.insertBatch(ann.id, [item(1, 'top'), item(2, 'bottom'), item(3, 'shoes')], []);
    const like = judgements.record(ann.id, ids, 'like');
    const dislike = judgements.record(ann.id, ids.slice(0, 2), 'dislike');
    expect(() => judgements.record(bo.id, ids, 'like')).toThrow(NotFoundError);
    expect(judgements.undo(ann.id, dislike.id).id).toBe(dislike.id);
    expect(judgements.list(ann.id)).toEqual([like]);
    expect(() => judgements.undo(ann.id, dislike.id)).toThrow(NotFoundError);
    expect(() => judgements.undo(bo.id, like.id)).toThrow(NotFoundError);
  });

  it('keep the garment a dislike names, which must be one of its outfit, and only of a dislike', () => {
    const ann = people.create('Ann');
    const ids = items.insertBatch(ann.id, [item(1, 'top'), item(2, 'bottom'), item(3, 'shoes'), item(4, 'shoes')], []);
    const outfit = ids.slice(0, 3);
    const blamed = judgements.record(ann.id, outfit, 'dislike', ids[1]);
    expect(blamed.blamedItemId).toBe(ids[1]);
    expect(judgements.record(ann.id, outfit, 'dislike')).not.toHaveProperty('blamedItemId');
    expect(() => judgements.record(ann.id, outfit, 'like', ids[1])).toThrow(JudgementError);
    expect(() => judgements.record(ann.id, outfit, 'dislike', ids[3])).toThrow(JudgementError);
    expect(judgements.list(ann.id).map((j) => j.blamedItemId)).toEqual([ids[1], undefined]);
    // The judged outfits of an item carry it too (an item's page, saved looks).
    expect(items.judgedOutfits(ann.id, { itemId: ids[1]!, verdict: 'dislike' }, 10).map((o) => o.judgement.blamedItemId)).toEqual([undefined, ids[1]]);
  });

  it('name the garment of a dislike already recorded, or take the name back', () => {
    const ann = people.create('Ann');
    const bo = people.create('Bo');
    const ids = items.insertBatch(ann.id, [item(1, 'top'), item(2, 'bottom'), item(3, 'shoes'), item(4, 'shoes')], []);
    const outfit = ids.slice(0, 3);
    const dislike = judgements.record(ann.id, outfit, 'dislike');
    const like = judgements.record(ann.id, outfit, 'like');
    expect(judgements.blame(ann.id, dislike.id, ids[2]!)).toEqual({ ...dislike, blamedItemId: ids[2] });
    expect(judgements.list(ann.id)[0]!.blamedItemId).toBe(ids[2]);
    expect(judgements.blame(ann.id, dislike.id, null)).toEqual(dislike);
    expect(() => judgements.blame(ann.id, dislike.id, ids[3]!)).toThrow(JudgementError);
    expect(() => judgements.blame(ann.id, like.id, ids[0]!)).toThrow(JudgementError);
    expect(() => judgements.blame(bo.id, dislike.id, ids[0]!)).toThrow(NotFoundError);
    judgements.undo(ann.id, dislike.id);
    expect(() => judgements.blame(ann.id, dislike.id, ids[0]!)).toThrow(NotFoundError);
  });
});

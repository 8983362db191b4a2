// Items, wardrobes and judgements as rows: the only module that writes SQL for them.
import type { Database } from 'better-sqlite3';
import type { GarmentType, Item, Judgement, Person } from '../../../shared/api.ts';
import { GARMENT_TYPES } from '../../../shared/api.ts';

export interface NewItem {
  sha256: string;
  fileName: string;
  ext: string;
  width: number;
  height: number;
  type: GarmentType;
  typeConfidence: number;
  tags: Item['tags'];
  colors: Item['colors'];
  embedding: Float32Array;
}

interface ItemRow {
  id: number;
  sha256: string;
  file_name: string;
  ext: string;
  width: number;
  height: number;
  type: string;
  type_confidence: number;
  type_source: 'predicted' | 'user';
  tags_json: string;
  colors_json: string;
  created_at: string;
}

const ITEM_COLUMNS = 'i.id, i.sha256, i.file_name, i.ext, i.width, i.height, i.type, i.type_confidence, i.type_source, i.tags_json, i.colors_json, i.created_at';

export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} was not found`);
    this.name = 'NotFoundError';
  }
}

export function toItem(row: ItemRow): Item {
  return {
    id: row.id,
    type: (GARMENT_TYPES as readonly string[]).includes(row.type) ? (row.type as GarmentType) : 'unknown',
    typeConfidence: row.type_confidence,
    typeSource: row.type_source,
    fileName: row.file_name,
    sha256: row.sha256,
    width: row.width,
    height: row.height,
    tags: JSON.parse(row.tags_json) as Item['tags'],
    colors: JSON.parse(row.colors_json) as Item['colors'],
    createdAt: row.created_at,
  };
}

export function embeddingToBlob(e: Float32Array): Buffer {
  return Buffer.from(e.buffer, e.byteOffset, e.byteLength);
}

export function blobToEmbedding(b: Buffer): Float32Array {
  // Copy: the Buffer may share a pool and is not guaranteed to be 4-byte aligned.
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export class ItemsRepo {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  // --- people
  listPeople(): Person[] {
    return this.db
      .prepare('SELECT id, name, created_at AS createdAt FROM people WHERE archived_at IS NULL ORDER BY id')
      .all() as Person[];
  }

  createPerson(name: string): Person {
    return this.db
      .prepare('INSERT INTO people (name) VALUES (?) RETURNING id, name, created_at AS createdAt')
      .get(name) as Person;
  }

  requirePerson(personId: number): void {
    if (!this.db.prepare('SELECT 1 FROM people WHERE id = ?').get(personId)) throw new NotFoundError(`person ${personId}`);
  }

  // --- items
  itemIdBySha(sha256: string): number | null {
    const row = this.db.prepare('SELECT id FROM items WHERE sha256 = ?').get(sha256) as { id: number } | undefined;
    return row?.id ?? null;
  }

  /** Inserts a batch of new items and adds them (and already known ones) to a wardrobe, in one transaction. */
  insertBatch(personId: number, items: NewItem[], knownItemIds: number[]): number[] {
    const insert = this.db.prepare(`
      INSERT INTO items (sha256, file_name, ext, width, height, type, type_confidence, type_source, tags_json, colors_json, embedding)
      VALUES (@sha256, @fileName, @ext, @width, @height, @type, @typeConfidence, 'predicted', @tags, @colors, @embedding)
      ON CONFLICT (sha256) DO UPDATE SET sha256 = excluded.sha256
      RETURNING id`);
    const own = this.db.prepare('INSERT OR IGNORE INTO wardrobe (person_id, item_id) VALUES (?, ?)');
    return this.db.transaction(() => {
      const ids = items.map((it) => {
        const { id } = insert.get({
          ...it,
          tags: JSON.stringify(it.tags),
          colors: JSON.stringify(it.colors),
          embedding: embeddingToBlob(it.embedding),
        }) as { id: number };
        return id;
      });
      for (const id of [...ids, ...knownItemIds]) own.run(personId, id);
      return ids;
    })();
  }

  listItems(personId: number, type: GarmentType | undefined, offset: number, limit: number): { items: Item[]; total: number } {
    const where = 'w.person_id = @personId' + (type ? ' AND i.type = @type' : '');
    const params = { personId, type, offset, limit };
    const rows = this.db
      .prepare(`SELECT ${ITEM_COLUMNS} FROM items i JOIN wardrobe w ON w.item_id = i.id WHERE ${where} ORDER BY w.added_at DESC, i.id DESC LIMIT @limit OFFSET @offset`)
      .all(params) as ItemRow[];
    const { total } = this.db.prepare(`SELECT count(*) AS total FROM items i JOIN wardrobe w ON w.item_id = i.id WHERE ${where}`).get(params) as { total: number };
    return { items: rows.map(toItem), total };
  }

  getItem(itemId: number): Item {
    const row = this.db.prepare(`SELECT ${ITEM_COLUMNS} FROM items i WHERE i.id = ?`).get(itemId) as ItemRow | undefined;
    if (!row) throw new NotFoundError(`item ${itemId}`);
    return toItem(row);
  }

  originalExt(sha256: string): string | null {
    const row = this.db.prepare('SELECT ext FROM items WHERE sha256 = ?').get(sha256) as { ext: string } | undefined;
    return row?.ext ?? null;
  }

  setType(itemId: number, type: GarmentType): Item {
    const changed = this.db.prepare("UPDATE items SET type = ?, type_confidence = 1, type_source = 'user' WHERE id = ?").run(type, itemId);
    if (changed.changes === 0) throw new NotFoundError(`item ${itemId}`);
    return this.getItem(itemId);
  }

  /** A person's items with their embeddings, for outfit search. */
  wardrobeWithEmbeddings(personId: number): { item: Item; embedding: Float32Array }[] {
    const rows = this.db
      .prepare(`SELECT ${ITEM_COLUMNS}, i.embedding FROM items i JOIN wardrobe w ON w.item_id = i.id WHERE w.person_id = ?`)
      .all(personId) as (ItemRow & { embedding: Buffer })[];
    return rows.map((r) => ({ item: toItem(r), embedding: blobToEmbedding(r.embedding) }));
  }

  // --- judgements
  recordJudgement(personId: number, itemIds: number[], verdict: 'like' | 'dislike'): Judgement {
    const owned = this.db.prepare('SELECT count(*) AS n FROM wardrobe WHERE person_id = ? AND item_id IN (SELECT value FROM json_each(?))').get(personId, JSON.stringify(itemIds)) as { n: number };
    if (owned.n !== new Set(itemIds).size) throw new NotFoundError(`an item of this outfit in person ${personId}'s wardrobe`);
    const row = this.db
      .prepare('INSERT INTO judgements (person_id, verdict, item_ids_json) VALUES (?, ?, ?) RETURNING id, person_id, verdict, item_ids_json, created_at')
      .get(personId, verdict, JSON.stringify(itemIds)) as JudgementRow;
    return toJudgement(row);
  }

  listJudgements(personId: number): Judgement[] {
    const rows = this.db
      .prepare('SELECT id, person_id, verdict, item_ids_json, created_at FROM judgements WHERE person_id = ? ORDER BY id')
      .all(personId) as JudgementRow[];
    return rows.map(toJudgement);
  }
}

interface JudgementRow {
  id: number;
  person_id: number;
  verdict: 'like' | 'dislike';
  item_ids_json: string;
  created_at: string;
}

function toJudgement(r: JudgementRow): Judgement {
  return { id: r.id, personId: r.person_id, verdict: r.verdict, itemIds: JSON.parse(r.item_ids_json) as number[], createdAt: r.created_at };
}

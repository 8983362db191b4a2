// Items, wardrobes and judgements as rows: the only module that writes SQL for them.
import type { Database } from 'better-sqlite3';
import type { ArchiveReason, GarmentType, Item, ItemCounts, Judgement, JudgedOutfit } from '../../../shared/api.ts';
import { GARMENT_TYPES } from '../../../shared/api.ts';
import { CodeIndex } from '../heads/hamming.ts';
import { FloatIndex } from '../heads/float-scan.ts';

export interface NewItem {
  sha256: string;
  fileName: string;
  ext: string;
  width: number;
  height: number;
  type: GarmentType;
  typeConfidence: number;
  /** From the item heads (heads/): the fine label within the type, and the binary codes. */
  fineLabel?: string | null;
  fineConfidence?: number | null;
  /** The code of the item's type (bits / 8 bytes), what "more like this" compares. */
  code?: Uint8Array | null;
  /** The codes of every garment type, concatenated (a corrected type takes its code from here). */
  codes?: Uint8Array | null;
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
  archive_reason?: string | null;
}

/** Wardrobe rows a person sees: their own and those of the catalogue they draw on, minus deleted ones. */
const VISIBLE_TO_PERSON =
  '(w.person_id = @personId OR w.person_id = (SELECT uses_catalogue_id FROM people WHERE id = @personId)) AND w.deleted_at IS NULL';

const ITEM_COLUMNS = 'i.id, i.sha256, i.file_name, i.ext, i.width, i.height, i.type, i.type_confidence, i.type_source, i.tags_json, i.colors_json, i.created_at';

/** Tags below this probability are not offered as filters (ImageNet's tail guesses are noise). */
export const TAG_MIN_P = 0.05;
/** At most this many tags are counted for the filter chips. */
const MAX_TAG_COUNTS = 40;

export interface ItemFilter {
  type?: GarmentType;
  /** A dominant colour's name. */
  color?: string;
  /** A tag's label (with p >= TAG_MIN_P). */
  tag?: string;
  archived?: boolean;
}

function filterWhere(filter: ItemFilter): string {
  return [
    VISIBLE_TO_PERSON,
    filter.archived ? 'w.archived_at IS NOT NULL' : 'w.archived_at IS NULL',
    filter.type ? 'i.type = @type' : '',
    filter.color ? "EXISTS (SELECT 1 FROM json_each(i.colors_json) c WHERE json_extract(c.value, '$.name') = @color)" : '',
    filter.tag ? `EXISTS (SELECT 1 FROM json_each(i.tags_json) t WHERE json_extract(t.value, '$.label') = @tag AND json_extract(t.value, '$.p') >= ${TAG_MIN_P})` : '',
  ]
    .filter(Boolean)
    .join(' AND ');
}

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
    archiveReason: (row.archive_reason as ArchiveReason | null | undefined) ?? null,
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

  // --- items
  itemIdBySha(sha256: string): number | null {
    const row = this.db.prepare('SELECT id FROM items WHERE sha256 = ?').get(sha256) as { id: number } | undefined;
    return row?.id ?? null;
  }

  /** Inserts a batch of new items and adds them (and already known ones) to a wardrobe, in one transaction. */
  insertBatch(personId: number, items: NewItem[], knownItemIds: number[]): number[] {
    const insert = this.db.prepare(`
      INSERT INTO items (sha256, file_name, ext, width, height, type, type_confidence, type_source, tags_json, colors_json, embedding, fine_label, fine_confidence, code, codes)
      VALUES (@sha256, @fileName, @ext, @width, @height, @type, @typeConfidence, 'predicted', @tags, @colors, @embedding, @fineLabel, @fineConfidence, @code, @codes)
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
          fineLabel: it.fineLabel ?? null,
          fineConfidence: it.fineConfidence ?? null,
          code: it.code ? Buffer.from(it.code) : null,
          codes: it.codes ? Buffer.from(it.codes) : null,
        }) as { id: number };
        return id;
      });
      for (const id of [...ids, ...knownItemIds]) own.run(personId, id);
      return ids;
    })();
  }

  listItems(personId: number, filter: ItemFilter, offset: number, limit: number): { items: Item[]; total: number } {
    const where = filterWhere(filter);
    const params = { personId, type: filter.type, color: filter.color, tag: filter.tag, offset, limit };
    const rows = this.db
      .prepare(`SELECT ${ITEM_COLUMNS}, w.archive_reason FROM items i JOIN wardrobe w ON w.item_id = i.id WHERE ${where} GROUP BY i.id ORDER BY max(w.added_at) DESC, i.id DESC LIMIT @limit OFFSET @offset`)
      .all(params) as ItemRow[];
    const { total } = this.db.prepare(`SELECT count(DISTINCT i.id) AS total FROM items i JOIN wardrobe w ON w.item_id = i.id WHERE ${where}`).get(params) as { total: number };
    return { items: rows.map(toItem), total };
  }

  /** How many of the person's items (archived or not) there are per type, colour name and tag. */
  counts(personId: number, archived: boolean): ItemCounts {
    const where = filterWhere({ archived });
    const from = `FROM items i JOIN wardrobe w ON w.item_id = i.id WHERE ${where}`;
    const byType = Object.fromEntries(GARMENT_TYPES.map((t) => [t, 0])) as Record<GarmentType, number>;
    for (const row of this.db.prepare(`SELECT i.type AS type, count(DISTINCT i.id) AS n ${from} GROUP BY i.type`).all({ personId }) as { type: string; n: number }[]) {
      const type = (GARMENT_TYPES as readonly string[]).includes(row.type) ? (row.type as GarmentType) : 'unknown';
      byType[type] += row.n;
    }
    const { total } = this.db.prepare(`SELECT count(DISTINCT i.id) AS total ${from}`).get({ personId }) as { total: number };
    const byColor = this.db
      .prepare(
        `SELECT json_extract(c.value, '$.name') AS name, min(json_extract(c.value, '$.hex')) AS hex, count(DISTINCT i.id) AS count
         FROM items i JOIN wardrobe w ON w.item_id = i.id, json_each(i.colors_json) c WHERE ${where} AND json_extract(c.value, '$.name') IS NOT NULL
         GROUP BY 1 ORDER BY 3 DESC, 1`,
      )
      .all({ personId }) as ItemCounts['byColor'];
    const byTag = this.db
      .prepare(
        `SELECT json_extract(t.value, '$.label') AS label, count(DISTINCT i.id) AS count
         FROM items i JOIN wardrobe w ON w.item_id = i.id, json_each(i.tags_json) t WHERE ${where} AND json_extract(t.value, '$.label') IS NOT NULL AND json_extract(t.value, '$.p') >= ${TAG_MIN_P}
         GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${MAX_TAG_COUNTS}`,
      )
      .all({ personId }) as ItemCounts['byTag'];
    return { total, byType, byColor, byTag };
  }

  /** One item as a person sees it (their archive reason); NotFoundError unless it is in their wardrobe or catalogue. */
  getForPerson(personId: number, itemId: number): Item {
    const row = this.db
      .prepare(`SELECT ${ITEM_COLUMNS}, w.archive_reason FROM items i JOIN wardrobe w ON w.item_id = i.id WHERE ${VISIBLE_TO_PERSON} AND i.id = @itemId ORDER BY w.person_id = @personId DESC LIMIT 1`)
      .get({ personId, itemId }) as ItemRow | undefined;
    if (!row) throw new NotFoundError(`item ${itemId} in person ${personId}'s wardrobe`);
    return toItem(row);
  }

  /** The person's standing judgements with their items, newest first; only those holding `itemId` when given. */
  judgedOutfits(personId: number, filter: { itemId?: number; verdict?: Judgement['verdict'] }, limit: number): JudgedOutfit[] {
    const rows = this.db
      .prepare(
        `SELECT id, person_id, verdict, item_ids_json, created_at FROM judgements
         WHERE person_id = @personId AND undone_at IS NULL
           ${filter.verdict ? 'AND verdict = @verdict' : ''}
           ${filter.itemId ? 'AND EXISTS (SELECT 1 FROM json_each(item_ids_json) j WHERE j.value = @itemId)' : ''}
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({ personId, verdict: filter.verdict, itemId: filter.itemId, limit }) as { id: number; person_id: number; verdict: Judgement['verdict']; item_ids_json: string; created_at: string }[];
    const judgements: Judgement[] = rows.map((r) => ({ id: r.id, personId: r.person_id, verdict: r.verdict, itemIds: JSON.parse(r.item_ids_json) as number[], createdAt: r.created_at }));
    const ids = [...new Set(judgements.flatMap((j) => j.itemIds))];
    const items = new Map<number, Item>();
    if (ids.length > 0) {
      // Archive reasons as this person sees them; an item that left every wardrobe still shows.
      const itemRows = this.db
        .prepare(
          `SELECT ${ITEM_COLUMNS}, (SELECT w.archive_reason FROM wardrobe w WHERE w.item_id = i.id AND ${VISIBLE_TO_PERSON} ORDER BY w.person_id = @personId DESC LIMIT 1) AS archive_reason
           FROM items i WHERE i.id IN (SELECT value FROM json_each(@ids))`,
        )
        .all({ personId, ids: JSON.stringify(ids) }) as ItemRow[];
      for (const row of itemRows) items.set(row.id, toItem(row));
    }
    return judgements.map((judgement) => ({ judgement, items: judgement.itemIds.flatMap((id) => items.get(id) ?? []) }));
  }

  /** Archive (sold, donated, lost, ...) or bring back items of a person's own wardrobe. */
  setArchived(personId: number, itemIds: number[], reason: ArchiveReason | null): number {
    const set = reason ? "archived_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), archive_reason = @reason" : 'archived_at = NULL, archive_reason = NULL';
    return this.updateOwned(personId, itemIds, set, { reason });
  }

  /** Takes items out of a person's wardrobe; undoable with restore until the bin is emptied. */
  remove(personId: number, itemIds: number[]): number {
    return this.updateOwned(personId, itemIds, "deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')", {}, 'deleted_at IS NULL');
  }

  restore(personId: number, itemIds: number[]): number {
    return this.updateOwned(personId, itemIds, 'deleted_at = NULL', {}, 'deleted_at IS NOT NULL');
  }

  private updateOwned(personId: number, itemIds: number[], set: string, extra: Record<string, unknown>, condition = 'deleted_at IS NULL'): number {
    return this.db.transaction(() => {
      const { changes } = this.db
        .prepare(`UPDATE wardrobe SET ${set} WHERE person_id = @personId AND ${condition} AND item_id IN (SELECT value FROM json_each(@ids))`)
        .run({ personId, ids: JSON.stringify(itemIds), ...extra });
      if (changes !== new Set(itemIds).size) throw new NotFoundError(`${new Set(itemIds).size - changes} of these items in person ${personId}'s wardrobe`);
      return changes;
    })();
  }

  /** Whether every item is in the person's wardrobe (or the catalogue they draw on), not deleted. */
  allVisible(personId: number, itemIds: number[]): boolean {
    const ids = [...new Set(itemIds)];
    const { n } = this.db
      .prepare(`SELECT count(DISTINCT w.item_id) AS n FROM wardrobe w WHERE ${VISIBLE_TO_PERSON} AND w.item_id IN (SELECT value FROM json_each(@ids))`)
      .get({ personId, ids: JSON.stringify(ids) }) as { n: number };
    return n === ids.length;
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
    // The code follows the type: the corrected type's head already coded the item at import (codes holds
    // every type's code, in GARMENT_TYPES order). A fine label predicted within another type no longer applies.
    const changed = this.db
      .prepare(
        `UPDATE items SET
           fine_label = CASE WHEN type = @type THEN fine_label END,
           fine_confidence = CASE WHEN type = @type THEN fine_confidence END,
           code = CASE WHEN codes IS NULL THEN code ELSE substr(codes, @t * (length(codes) / @types) + 1, length(codes) / @types) END,
           type = @type, type_confidence = 1, type_source = 'user'
         WHERE id = @itemId`,
      )
      .run({ type, itemId, t: GARMENT_TYPES.indexOf(type), types: GARMENT_TYPES.length });
    if (changed.changes === 0) throw new NotFoundError(`item ${itemId}`);
    return this.getItem(itemId);
  }

  /**
   * "More like this": the k items of the same type nearest to an item by Hamming distance between their
   * codes (exact, see heads/hamming.ts), nearest first; among the items a person sees when personId is given,
   * else among all items still in some wardrobe. Items imported before the heads existed have no code; for
   * those the cosine of the backbone embeddings ranks instead.
   */
  similarItems(itemId: number, k: number, personId?: number): Item[] {
    const self = this.db.prepare('SELECT type, code, embedding FROM items WHERE id = ?').get(itemId) as { type: string; code: Buffer | null; embedding: Buffer } | undefined;
    if (!self) throw new NotFoundError(`item ${itemId}`);
    const visible = personId === undefined ? 'w.deleted_at IS NULL' : VISIBLE_TO_PERSON;
    const candidates = (column: 'code' | 'embedding') =>
      `SELECT i.id, i.${column} AS value FROM items i WHERE i.type = @type AND i.id != @itemId AND i.${column} IS NOT NULL
         AND EXISTS (SELECT 1 FROM wardrobe w WHERE w.item_id = i.id AND ${visible}) ORDER BY i.id`;
    const params = { type: self.type, itemId, personId };
    const ids = self.code
      ? nearestByCode(this.db.prepare(candidates('code')).all(params) as { id: number; value: Buffer }[], self.code, k)
      : nearestByEmbedding(this.db.prepare(candidates('embedding')).all(params) as { id: number; value: Buffer }[], blobToEmbedding(self.embedding), k);
    if (ids.length === 0) return [];
    const rows = this.db.prepare(`SELECT ${ITEM_COLUMNS} FROM items i WHERE i.id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as ItemRow[];
    const byId = new Map(rows.map((r) => [r.id, toItem(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** The items outfits are built from for a person (own wardrobe + catalogue, not archived), with embeddings. */
  wardrobeWithEmbeddings(personId: number): { item: Item; embedding: Float32Array }[] {
    const rows = this.db
      .prepare(`SELECT ${ITEM_COLUMNS}, i.embedding FROM items i JOIN wardrobe w ON w.item_id = i.id WHERE ${VISIBLE_TO_PERSON} AND w.archived_at IS NULL GROUP BY i.id`)
      .all({ personId }) as (ItemRow & { embedding: Buffer })[];
    return rows.map((r) => ({ item: toItem(r), embedding: blobToEmbedding(r.embedding) }));
  }
}

function nearestByCode(rows: { id: number; value: Buffer }[], query: Buffer, k: number): number[] {
  const sameLength = rows.filter((r) => r.value.byteLength === query.byteLength);
  if (sameLength.length === 0 || query.byteLength % 4 !== 0) return [];
  const index = CodeIndex.from(sameLength.map((r) => new Uint8Array(r.value)), query.byteLength * 8);
  return index.topK(new Uint8Array(query), k).map((r) => sameLength[r.position]!.id);
}

function nearestByEmbedding(rows: { id: number; value: Buffer }[], query: Float32Array, k: number): number[] {
  if (rows.length === 0) return [];
  const index = FloatIndex.from(rows.map((r) => blobToEmbedding(r.value)), query.length);
  return index.topK(query, k).map((r) => rows[r.position]!.id);
}

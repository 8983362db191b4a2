// Items, wardrobes and judgements as rows: the only module that writes SQL for them.
import type { Database } from 'better-sqlite3';
import type { ArchiveReason, GarmentType, Item } from '../../../shared/api.ts';
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
  archive_reason?: string | null;
}

/** Wardrobe rows a person sees: their own and those of the catalogue they draw on, minus deleted ones. */
const VISIBLE_TO_PERSON =
  '(w.person_id = @personId OR w.person_id = (SELECT uses_catalogue_id FROM people WHERE id = @personId)) AND w.deleted_at IS NULL';

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

  listItems(personId: number, filter: { type?: GarmentType; archived?: boolean }, offset: number, limit: number): { items: Item[]; total: number } {
    const where = [VISIBLE_TO_PERSON, filter.archived ? 'w.archived_at IS NOT NULL' : 'w.archived_at IS NULL', filter.type ? 'i.type = @type' : ''].filter(Boolean).join(' AND ');
    const params = { personId, type: filter.type, offset, limit };
    const rows = this.db
      .prepare(`SELECT ${ITEM_COLUMNS}, w.archive_reason FROM items i JOIN wardrobe w ON w.item_id = i.id WHERE ${where} GROUP BY i.id ORDER BY max(w.added_at) DESC, i.id DESC LIMIT @limit OFFSET @offset`)
      .all(params) as ItemRow[];
    const { total } = this.db.prepare(`SELECT count(DISTINCT i.id) AS total FROM items i JOIN wardrobe w ON w.item_id = i.id WHERE ${where}`).get(params) as { total: number };
    return { items: rows.map(toItem), total };
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
    const changed = this.db.prepare("UPDATE items SET type = ?, type_confidence = 1, type_source = 'user' WHERE id = ?").run(type, itemId);
    if (changed.changes === 0) throw new NotFoundError(`item ${itemId}`);
    return this.getItem(itemId);
  }

  /** The items outfits are built from for a person (own wardrobe + catalogue, not archived), with embeddings. */
  wardrobeWithEmbeddings(personId: number): { item: Item; embedding: Float32Array }[] {
    const rows = this.db
      .prepare(`SELECT ${ITEM_COLUMNS}, i.embedding FROM items i JOIN wardrobe w ON w.item_id = i.id WHERE ${VISIBLE_TO_PERSON} AND w.archived_at IS NULL GROUP BY i.id`)
      .all({ personId }) as (ItemRow & { embedding: Buffer })[];
    return rows.map((r) => ({ item: toItem(r), embedding: blobToEmbedding(r.embedding) }));
  }
}

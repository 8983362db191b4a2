// Items, wardrobes and judgements as rows: the only module that writes SQL for them.
import type { Database } from 'better-sqlite3';
import type { ArchiveReason, GarmentType, Item, ItemCounts, ItemsCursor, Judgement, JudgedOutfit } from '../../../shared/api.ts';
import { GARMENT_TYPES } from '../../../shared/api.ts';
import { CodeIndex } from '../heads/hamming.ts';
import { FloatIndex } from '../heads/float-scan.ts';
import { codeForType } from '../heads/predict.ts';
import { JUDGEMENT_COLUMNS, toJudgement } from './judgement-rows.ts';
import type { JudgementRow } from './judgement-rows.ts';

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
  /** The models that described it (vision/models-key.ts); null when not known. */
  models?: string | null;
}

/** What the app's current models say of an item already stored (library/redescribe.ts). */
export interface Redescription {
  id: number;
  embedding: Float32Array;
  /** The predicted type; a type a person set is kept. */
  type: GarmentType;
  typeConfidence: number;
  fineLabel: string | null;
  fineConfidence: number | null;
  codes: Uint8Array | null;
  models: string;
}

/** An item to describe again: where its original is. */
export interface StaleItem {
  id: number;
  sha256: string;
  ext: string;
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

/** A person's items outfits are built from: visible, not archived, one row per item. */
const OUTFIT_WARDROBE = `WHERE ${VISIBLE_TO_PERSON} AND w.archived_at IS NULL GROUP BY i.id`;

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

/** The filters on the item itself (type over `i`; colour and tag by the wardrobe row's item); '' when there are none. */
function itemFilterWhere(filter: ItemFilter): string {
  return [
    filter.type ? 'i.type = @type' : '',
    filter.color ? 'EXISTS (SELECT 1 FROM item_colors c WHERE c.item_id = w.item_id AND c.name = @color)' : '',
    filter.tag ? `EXISTS (SELECT 1 FROM item_tags t WHERE t.item_id = w.item_id AND t.label = @tag AND t.p >= ${TAG_MIN_P})` : '',
  ]
    .filter(Boolean)
    .join(' AND ');
}

/** Listing order: the time an item entered the wardrobe, newest first, then the item's id. */
const LISTING_ORDER = 'ORDER BY w.added_at DESC, w.item_id DESC';

export interface ItemPage {
  items: Item[];
  total: number;
  /** Pass as `after` for the next page; null when this page is the last. */
  next: ItemsCursor | null;
}

/**
 * The wardrobe rows of `owner` (the person or their catalogue) that a listing shows, as (owner, item_id,
 * added_at), walking the wardrobe_listing index. An item in both the person's wardrobe and their catalogue is
 * listed once, from the row it entered last (the person's own on a tie), so (added_at, item_id) orders items
 * uniquely and can serve as a keyset cursor.
 */
function visibleRows(owner: '@personId' | '@catalogueId', other: '@personId' | '@catalogueId' | null, filter: ItemFilter, after: ItemsCursor | undefined): string {
  const archived = (w: string) => (filter.archived ? `${w}.archived_at IS NOT NULL` : `${w}.archived_at IS NULL`);
  const itemFilters = itemFilterWhere(filter);
  return `SELECT w.person_id AS owner, w.item_id, w.added_at FROM wardrobe w INDEXED BY wardrobe_listing
    ${filter.type ? 'CROSS JOIN items i ON i.id = w.item_id' : ''}
    WHERE w.person_id = ${owner} AND w.deleted_at IS NULL AND ${archived('w')}
      ${itemFilters ? `AND ${itemFilters}` : ''}
      ${after ? 'AND (w.added_at, w.item_id) < (@afterAt, @afterId)' : ''}
      ${
        other
          ? `AND NOT EXISTS (SELECT 1 FROM wardrobe o WHERE o.person_id = ${other} AND o.item_id = w.item_id AND o.deleted_at IS NULL AND ${archived('o')}
               AND (o.added_at > w.added_at OR (o.added_at = w.added_at AND o.person_id = @personId)))`
          : ''
      }`;
}

/** A person's visible rows, one per item, as one or two index-ordered sources (their own, and their catalogue's). */
function visibleSources(hasCatalogue: boolean, filter: ItemFilter, after?: ItemsCursor): string[] {
  return hasCatalogue ? [visibleRows('@personId', '@catalogueId', filter, after), visibleRows('@catalogueId', '@personId', filter, after)] : [visibleRows('@personId', null, filter, after)];
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

  /** Inserts a batch of new items (with their embeddings) and adds them (and already known ones) to a wardrobe, in one transaction. */
  insertBatch(personId: number, items: NewItem[], knownItemIds: number[]): number[] {
    const insert = this.db.prepare(`
      INSERT INTO items (sha256, file_name, ext, width, height, type, type_confidence, type_source, tags_json, colors_json, fine_label, fine_confidence, code, codes, models)
      VALUES (@sha256, @fileName, @ext, @width, @height, @type, @typeConfidence, 'predicted', @tags, @colors, @fineLabel, @fineConfidence, @code, @codes, @models)
      ON CONFLICT (sha256) DO UPDATE SET sha256 = excluded.sha256
      RETURNING id`);
    // An item already known keeps the embedding it has.
    const embed = this.db.prepare('INSERT INTO item_embeddings (item_id, embedding) VALUES (?, ?) ON CONFLICT (item_id) DO NOTHING');
    const own = this.db.prepare('INSERT OR IGNORE INTO wardrobe (person_id, item_id) VALUES (?, ?)');
    return this.db.transaction(() => {
      const ids = items.map((it) => {
        const { id } = insert.get({
          sha256: it.sha256,
          fileName: it.fileName,
          ext: it.ext,
          width: it.width,
          height: it.height,
          type: it.type,
          typeConfidence: it.typeConfidence,
          tags: JSON.stringify(it.tags),
          colors: JSON.stringify(it.colors),
          fineLabel: it.fineLabel ?? null,
          fineConfidence: it.fineConfidence ?? null,
          code: it.code ? Buffer.from(it.code) : null,
          codes: it.codes ? Buffer.from(it.codes) : null,
          models: it.models ?? null,
        }) as { id: number };
        embed.run(id, embeddingToBlob(it.embedding));
        return id;
      });
      for (const id of [...ids, ...knownItemIds]) own.run(personId, id);
      return ids;
    })();
  }

  /** Items described by other models than these (or by unknown ones), in id order. */
  staleItems(models: string): StaleItem[] {
    return this.db.prepare('SELECT id, sha256, ext FROM items WHERE models IS NOT ? ORDER BY id').all(models) as StaleItem[];
  }

  /**
   * Stores what the current models say of items, in one transaction: the embedding, the codes, the predicted type
   * and fine label. A type a person set stays, with the code of that type; the fine label stays only if it is of
   * that type (as setType does).
   */
  redescribe(items: readonly Redescription[]): void {
    const current = this.db.prepare('SELECT type, type_source AS source FROM items WHERE id = ?');
    const update = this.db.prepare(`
      UPDATE items SET type = @type, type_confidence = @typeConfidence, fine_label = @fineLabel, fine_confidence = @fineConfidence,
        code = @code, codes = @codes, models = @models
      WHERE id = @id`);
    const embed = this.db.prepare('UPDATE item_embeddings SET embedding = ? WHERE item_id = ?');
    this.db.transaction(() => {
      for (const it of items) {
        const row = current.get(it.id) as { type: GarmentType; source: Item['typeSource'] } | undefined;
        if (!row) continue; // removed meanwhile
        const kept = row.source === 'user';
        const type = kept ? row.type : it.type;
        const fineApplies = type === it.type;
        update.run({
          id: it.id,
          type,
          typeConfidence: kept ? 1 : it.typeConfidence,
          fineLabel: fineApplies ? it.fineLabel : null,
          fineConfidence: fineApplies ? it.fineConfidence : null,
          code: it.codes ? Buffer.from(codeForType(it.codes, type)) : null,
          codes: it.codes ? Buffer.from(it.codes) : null,
          models: it.models,
        });
        embed.run(embeddingToBlob(it.embedding), it.id);
      }
    })();
  }

  /** The embeddings of these items (those that have one). */
  embeddingsOf(itemIds: readonly number[]): Map<number, Float32Array> {
    const rows = this.db
      .prepare('SELECT item_id AS id, embedding FROM item_embeddings WHERE item_id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(itemIds)) as { id: number; embedding: Buffer }[];
    return new Map(rows.map((r) => [r.id, blobToEmbedding(r.embedding)]));
  }

  /**
   * A page of the items a person sees, newest first (the latest time the item entered their wardrobe or their
   * catalogue, then id), and how many there are. `after` (the previous page's `next`) continues from there; a
   * page costs what it reads from the wardrobe_listing index, not a sort of the whole wardrobe. `offset` skips
   * index entries, for a window that jumps to any page.
   */
  listItems(personId: number, filter: ItemFilter, offset: number, limit: number, after?: ItemsCursor): ItemPage {
    const catalogueId = this.catalogueOf(personId);
    const params = { personId, catalogueId, type: filter.type, color: filter.color, tag: filter.tag, afterAt: after?.addedAt, afterId: after?.itemId, offset, fetch: limit + 1, window: offset + limit + 1 };
    const listed = visibleSources(catalogueId !== null, filter, after);
    // Each source is read in index order and merged: no source is read past offset + limit + 1 rows (the one
    // past the page tells whether there is a next page).
    const page =
      listed.length === 1
        ? `${listed[0]} ${LISTING_ORDER} LIMIT @fetch OFFSET @offset`
        : `SELECT * FROM (${listed.map((src) => `SELECT * FROM (${src} ${LISTING_ORDER} LIMIT @window)`).join(' UNION ALL ')}) w ${LISTING_ORDER} LIMIT @fetch OFFSET @offset`;
    const rows = this.db
      .prepare(
        `SELECT ${ITEM_COLUMNS}, r.archive_reason, p.added_at AS listed_at FROM (${page}) p
         CROSS JOIN items i ON i.id = p.item_id
         CROSS JOIN wardrobe r ON r.person_id = p.owner AND r.item_id = p.item_id
         ORDER BY p.added_at DESC, p.item_id DESC`,
      )
      .all(params) as (ItemRow & { listed_at: string })[];
    const total = visibleSources(catalogueId !== null, filter).reduce((n, src) => n + (this.db.prepare(`SELECT count(*) FROM (${src})`).pluck().get(params) as number), 0);
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    return { items: shown.map(toItem), total, next: rows.length > limit && last ? { addedAt: last.listed_at, itemId: last.id } : null };
  }

  /**
   * How many of the person's items (archived or not) there are per type, colour name and tag, from the counts
   * the triggers keep (db/facet-counts.ts): their own wardrobe's, plus their catalogue's, minus the items in both.
   * A few dozen rows whatever the library's size; equal to recount().
   */
  counts(personId: number, archived: boolean): ItemCounts {
    const catalogueId = this.catalogueOf(personId);
    const rows = this.db
      .prepare(
        `SELECT facet, key, sum(n) AS n, min(hex) AS hex FROM (
           SELECT facet, key, n, hex FROM wardrobe_facet_counts WHERE owner_id = @personId AND archived = @archived
           UNION ALL SELECT facet, key, n, hex FROM wardrobe_facet_counts WHERE owner_id = @catalogueId AND archived = @archived
           UNION ALL SELECT facet, key, -n, NULL FROM catalogue_overlap_counts WHERE person_id = @personId AND archived = @archived AND @catalogueId IS NOT NULL)
         GROUP BY facet, key HAVING sum(n) > 0 ORDER BY facet, 3 DESC, key`,
      )
      .all({ personId, catalogueId, archived: archived ? 1 : 0 }) as { facet: string; key: string; n: number; hex: string }[];
    const byType = Object.fromEntries(GARMENT_TYPES.map((t) => [t, 0])) as Record<GarmentType, number>;
    let total = 0;
    const byColor: ItemCounts['byColor'] = [];
    const byTag: ItemCounts['byTag'] = [];
    for (const r of rows) {
      if (r.facet === 'type') {
        byType[(GARMENT_TYPES as readonly string[]).includes(r.key) ? (r.key as GarmentType) : 'unknown'] += r.n;
        total += r.n;
      } else if (r.facet === 'color') byColor.push({ name: r.key, hex: r.hex, count: r.n });
      else if (r.facet === 'tag' && byTag.length < MAX_TAG_COUNTS) byTag.push({ label: r.key, count: r.n });
    }
    return { total, byType, byColor, byTag };
  }

  /** counts() by joining every visible item: what the kept counts must equal (tests and checks compare them). */
  recount(personId: number, archived: boolean): ItemCounts {
    // Each visible item once (see visibleRows), so plain counts are counts of distinct items.
    const catalogueId = this.catalogueOf(personId);
    const visible = visibleSources(catalogueId !== null, { archived }).join(' UNION ALL ');
    const params = { personId, catalogueId };
    const byType = Object.fromEntries(GARMENT_TYPES.map((t) => [t, 0])) as Record<GarmentType, number>;
    let total = 0;
    for (const row of this.db.prepare(`SELECT i.type AS type, count(*) AS n FROM (${visible}) v CROSS JOIN items i ON i.id = v.item_id GROUP BY i.type`).all(params) as { type: string; n: number }[]) {
      const type = (GARMENT_TYPES as readonly string[]).includes(row.type) ? (row.type as GarmentType) : 'unknown';
      byType[type] += row.n;
      total += row.n;
    }
    const byColor = this.db
      .prepare(`SELECT c.name, min(c.hex) AS hex, count(*) AS count FROM (${visible}) v CROSS JOIN item_colors c ON c.item_id = v.item_id GROUP BY c.name ORDER BY 3 DESC, 1`)
      .all(params) as ItemCounts['byColor'];
    const byTag = this.db
      .prepare(
        `SELECT t.label, count(*) AS count FROM (${visible}) v CROSS JOIN item_tags t ON t.item_id = v.item_id WHERE t.p >= ${TAG_MIN_P}
         GROUP BY t.label ORDER BY 2 DESC, 1 LIMIT ${MAX_TAG_COUNTS}`,
      )
      .all(params) as ItemCounts['byTag'];
    return { total, byType, byColor, byTag };
  }

  /** The catalogue a person draws on, if any (a catalogue drawing on itself adds nothing to its own rows). */
  private catalogueOf(personId: number): number | null {
    const id = (this.db.prepare('SELECT uses_catalogue_id FROM people WHERE id = ?').pluck().get(personId) as number | null | undefined) ?? null;
    return id === personId ? null : id;
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
        `SELECT ${JUDGEMENT_COLUMNS} FROM judgements
         WHERE person_id = @personId AND undone_at IS NULL
           ${filter.verdict ? 'AND verdict = @verdict' : ''}
           ${filter.itemId ? 'AND EXISTS (SELECT 1 FROM json_each(item_ids_json) j WHERE j.value = @itemId)' : ''}
         ORDER BY id DESC LIMIT @limit`,
      )
      .all({ personId, verdict: filter.verdict, itemId: filter.itemId, limit }) as JudgementRow[];
    const judgements = rows.map(toJudgement);
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
    const self = this.db
      .prepare('SELECT i.type, i.code, e.embedding FROM items i LEFT JOIN item_embeddings e ON e.item_id = i.id WHERE i.id = ?')
      .get(itemId) as { type: string; code: Buffer | null; embedding: Buffer | null } | undefined;
    if (!self) throw new NotFoundError(`item ${itemId}`);
    const visible = personId === undefined ? 'w.deleted_at IS NULL' : VISIBLE_TO_PERSON;
    const candidates = (value: 'i.code' | 'e.embedding') =>
      `SELECT i.id, ${value} AS value FROM items i ${value === 'e.embedding' ? 'JOIN item_embeddings e ON e.item_id = i.id' : ''}
         WHERE i.type = @type AND i.id != @itemId AND ${value} IS NOT NULL
         AND EXISTS (SELECT 1 FROM wardrobe w WHERE w.item_id = i.id AND ${visible}) ORDER BY i.id`;
    const params = { type: self.type, itemId, personId };
    const ids = self.code
      ? nearestByCode(this.db.prepare(candidates('i.code')).all(params) as { id: number; value: Buffer }[], self.code, k)
      : self.embedding
        ? nearestByEmbedding(this.db.prepare(candidates('e.embedding')).all(params) as { id: number; value: Buffer }[], blobToEmbedding(self.embedding), k)
        : [];
    return this.itemsByIds(ids);
  }

  /** These items, in the order given (ids that are not items are left out). */
  itemsByIds(ids: readonly number[]): Item[] {
    if (ids.length === 0) return [];
    const rows = this.db.prepare(`SELECT ${ITEM_COLUMNS} FROM items i WHERE i.id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as ItemRow[];
    const byId = new Map(rows.map((r) => [r.id, toItem(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** The items outfits are built from for a person (own wardrobe + catalogue, not archived), with embeddings. */
  wardrobeWithEmbeddings(personId: number): { item: Item; embedding: Float32Array }[] {
    const rows = this.db
      .prepare(`SELECT ${ITEM_COLUMNS}, e.embedding FROM items i JOIN wardrobe w ON w.item_id = i.id JOIN item_embeddings e ON e.item_id = i.id ${OUTFIT_WARDROBE}`)
      .all({ personId }) as (ItemRow & { embedding: Buffer })[];
    return rows.map((r) => ({ item: toItem(r), embedding: blobToEmbedding(r.embedding) }));
  }

  /**
   * The same items as wardrobeWithEmbeddings, as id and type only: what the outfit engine needs to know whether
   * its kept vectors and tables still serve (it reads embeddings, with embeddingsOf, only for items it has not seen).
   * No join with item_embeddings: its rows span pages (5 KB each), so checking that one exists for each of
   * 20,000 items took half of this call's 30 ms; the engine leaves out an item whose embedding it cannot read.
   */
  outfitWardrobe(personId: number): { id: number; type: string }[] {
    return this.db
      .prepare(`SELECT i.id, i.type FROM items i JOIN wardrobe w ON w.item_id = i.id ${OUTFIT_WARDROBE}`)
      .all({ personId }) as { id: number; type: string }[];
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

// The outfit engine at wardrobe scale: every item's per-pair vectors are computed once per model (and
// person's parts) and kept by item id; a wardrobe's pair score tables are one matrix product per slot
// pair, kept until the wardrobe (items, their types) or the model changes. Search then reads tables only.
// A changed wardrobe's index grows from the kept one it shares most items with (grow-index.ts), so a batch
// imported costs its own rows and columns, not the whole wardrobe's tables and sorting again.
import { matmulTransB, transpose } from '../learning/nn/matmul.ts';
import { featureMatrix } from '../compat/model.ts';
import type { CompatModel, PersonalCompat } from '../compat/model.ts';
import { canonicalPair, isSlot } from './slots.ts';
import type { PairKey, Slot } from './slots.ts';
import { computeRowMax, computeRowOrder } from './search.ts';
import type { DirectedTable, SearchSpace } from './search.ts';
import { growRowOrder, growTable } from './grow-index.ts';
import type { RowMap } from './grow-index.ts';

export interface WardrobeEntry {
  id: number;
  /** The item's garment type; items of types outside the outfit slots are ignored. */
  type: string;
}

export interface EngineItem extends WardrobeEntry {
  embedding: Float32Array;
}

/** The embeddings of these items (every one of them). */
export type EmbeddingsOf = (ids: number[]) => ReadonlyMap<number, Float32Array>;

interface ItemVectors {
  slot: Slot;
  sides: Map<PairKey, Float32Array>;
  unary: number;
}

/** One slot's items in an index: ids, per-pair vectors (row-major), per-item terms. */
export interface SlotBlock {
  ids: number[];
  sides: Map<PairKey, { dim: number; data: Float32Array }>;
  unary: Float32Array;
}

/** A wardrobe ready for search: rows per slot, pair tables computed on first use and kept. */
export class WardrobeIndex implements SearchSpace {
  readonly key: string;
  private readonly blocks: Map<Slot, SlotBlock>;
  private readonly position = new Map<number, { slot: Slot; row: number }>();
  private readonly tables = new Map<string, DirectedTable>();
  private readonly rowMaxima = new Map<string, Float32Array>();
  private readonly rowOrders = new Map<string, Int32Array>();

  /** Keep each table row's columns in decreasing order (pays off when the index serves many searches). */
  private readonly sortedRows: boolean;

  /** What was carried over from an earlier index (null: built from scratch). */
  grown: { tables: number; rowOrders: number } | null = null;

  constructor(key: string, blocks: Map<Slot, SlotBlock>, options: { sortedRows?: boolean } = {}) {
    this.key = key;
    this.blocks = blocks;
    this.sortedRows = options.sortedRows ?? true;
    for (const [slot, b] of blocks) b.ids.forEach((id, row) => this.position.set(id, { slot, row }));
  }

  /** How many of these items this index holds, in their slot. */
  overlap(items: readonly WardrobeEntry[]): number {
    let n = 0;
    for (const i of items) if (this.position.get(i.id)?.slot === i.type) n++;
    return n;
  }

  get keepsSortedRows(): boolean {
    return this.sortedRows;
  }

  size(slot: Slot): number {
    return this.blocks.get(slot)?.ids.length ?? 0;
  }

  ids(slot: Slot): readonly number[] {
    return this.blocks.get(slot)?.ids ?? [];
  }

  slots(): Slot[] {
    return [...this.blocks.keys()];
  }

  find(id: number): { slot: Slot; row: number } | undefined {
    return this.position.get(id);
  }

  unary(slot: Slot): Float32Array {
    return this.blocks.get(slot)?.unary ?? new Float32Array(0);
  }

  table(from: Slot, to: Slot): DirectedTable {
    const name = `${from}>${to}`;
    let t = this.tables.get(name);
    if (t) return t;
    const pair = canonicalPair(from, to);
    if (!pair) throw new Error(`${from} and ${to} are never in one outfit`);
    if (pair.swapped) {
      const other = this.table(to, from);
      t = { rows: other.cols, cols: other.rows, data: transpose(other.data, other.rows, other.cols) };
    } else {
      const l = this.blocks.get(from);
      const r = this.blocks.get(to);
      const rows = l?.ids.length ?? 0;
      const cols = r?.ids.length ?? 0;
      const ls = l?.sides.get(pair.key);
      const rs = r?.sides.get(pair.key);
      t = { rows, cols, data: rows && cols && ls && rs ? matmulTransB(ls.data, rows, ls.dim, rs.data, cols) : new Float32Array(rows * cols) };
    }
    this.tables.set(name, t);
    return t;
  }

  rowMax(from: Slot, to: Slot): Float32Array {
    const name = `${from}>${to}`;
    let m = this.rowMaxima.get(name);
    if (!m) {
      m = computeRowMax(this.table(from, to));
      this.rowMaxima.set(name, m);
    }
    return m;
  }

  rowOrder(from: Slot, to: Slot): Int32Array | null {
    if (!this.sortedRows) return null;
    const name = `${from}>${to}`;
    let o = this.rowOrders.get(name);
    if (!o) {
      o = computeRowOrder(this.table(from, to));
      this.rowOrders.set(name, o);
    }
    return o;
  }

  pairScore(a: Slot, rowA: number, b: Slot, rowB: number): number {
    const t = this.table(a, b);
    return t.data[rowA * t.cols + rowB]!;
  }

  /**
   * Carries over the tables and row orders `base` has computed (see grow-index.ts), before this index
   * computes any. `base` must have the same scores: the same vectors per item id and slot. No reference
   * to it is kept.
   */
  growFrom(base: WardrobeIndex): void {
    if (this.tables.size) throw new Error('an index grows from another before computing tables of its own');
    const maps = new Map<Slot, RowMap>();
    const rowMap = (slot: Slot): RowMap => {
      let m = maps.get(slot);
      if (!m) {
        m = Int32Array.from(this.ids(slot), (id) => {
          const at = base.find(id);
          return at?.slot === slot ? at.row : -1;
        });
        maps.set(slot, m);
      }
      return m;
    };
    const grown = { tables: 0, rowOrders: 0 };
    this.grown = grown;
    for (const [name, old] of base.tables) {
      const [from, to] = name.split('>') as [Slot, Slot];
      const pair = canonicalPair(from, to)!;
      const ls = this.blocks.get(from)?.sides.get(pair.key);
      const rs = this.blocks.get(to)?.sides.get(pair.key);
      // The other direction is the transpose of this one; an empty side's table is all zeros. Both are cheap.
      if (pair.swapped || !ls || !rs) continue;
      this.tables.set(name, growTable(old, rowMap(from), rowMap(to), ls, rs));
      grown.tables++;
    }
    if (!this.sortedRows) return;
    for (const [name, order] of base.rowOrders) {
      const [from, to] = name.split('>') as [Slot, Slot];
      this.rowOrders.set(name, growRowOrder(this.table(from, to), base.table(from, to), order, rowMap(from), rowMap(to)));
      grown.rowOrders++;
    }
  }

  /** Every table of the wardrobe (and each row's order, if kept), computed now: a full re-score. */
  computeAllTables(): void {
    for (const a of this.blocks.keys()) {
      for (const b of this.blocks.keys()) {
        if (a === b || !canonicalPair(a, b)) continue;
        this.table(a, b);
        this.rowOrder(a, b);
      }
    }
  }
}

/**
 * Up to this many items, a wardrobe's index keeps its table rows sorted (under a million entries, sorted
 * once per wardrobe and model: a full re-score of 1,000 items with them took 90-150 ms of CPU time);
 * beyond it the first sort would cost seconds, more than the searches it speeds up. An index grown from
 * one that keeps them keeps them at any size (up to the catalogue's threshold, service.ts).
 */
const SORTED_ROWS_MAX_ITEMS = 1000;

/** The items of outfit slots, by id (the order of an index's rows). */
export function usableOf(items: readonly WardrobeEntry[]): WardrobeEntry[] {
  return items.filter((i) => isSlot(i.type)).sort((a, b) => a.id - b.id);
}

export class OutfitEngine {
  private model: CompatModel;
  private personal: PersonalCompat | undefined;
  private vectors = new Map<number, ItemVectors>();
  /** The latest few wardrobes' indexes (one per person in practice), most recent last. */
  private indexes = new Map<string, WardrobeIndex>();

  /** Whether a changed wardrobe's index grows from a kept one (off only to measure what growing saves). */
  private readonly growIndexes: boolean;
  /** Up to how many items a new index sorts its rows (a worker, where the time is no one's wait, sorts any). */
  private readonly sortedRowsMaxItems: number;

  constructor(model: CompatModel, personal?: PersonalCompat, options: { growIndexes?: boolean; sortedRowsMaxItems?: number } = {}) {
    this.model = model;
    this.personal = personal;
    this.growIndexes = options.growIndexes ?? true;
    this.sortedRowsMaxItems = options.sortedRowsMaxItems ?? SORTED_ROWS_MAX_ITEMS;
  }

  get currentModel(): CompatModel {
    return this.model;
  }

  /** Identifies the scores: changes with the model's weights and the person's parts. */
  get scoreId(): string {
    return `${this.model.id}/${this.personal?.id ?? 'general'}`;
  }

  /** A new model or new personal parts: every cached vector and table is dropped. */
  setModel(model: CompatModel, personal?: PersonalCompat): void {
    this.model = model;
    this.personal = personal;
    this.invalidate();
  }

  invalidate(): void {
    this.vectors.clear();
    this.indexes.clear();
  }

  /** The wardrobe's index: the cached one while items, types and scores are unchanged. */
  index(items: readonly EngineItem[]): WardrobeIndex {
    const byId = new Map(items.map((i) => [i.id, i.embedding]));
    return this.indexOf(items, (ids) => new Map(ids.map((id) => [id, byId.get(id)!])));
  }

  /** The same, for a wardrobe given as ids and types: embeddings are read only for items whose vectors are not kept. */
  indexOf(items: readonly WardrobeEntry[], embeddingsOf: EmbeddingsOf): WardrobeIndex {
    const usable = usableOf(items);
    const key = this.wardrobeKey(usable);
    const cached = this.indexes.get(key);
    if (cached) return this.remember(cached);
    const base = this.growIndexes ? this.closestIndex(usable) : undefined;
    // Past the limit, rows already sorted are still kept: merging a batch's columns into them is cheap.
    const sortedRows = usable.length <= this.sortedRowsMaxItems || (base?.keepsSortedRows ?? false);
    const index = new WardrobeIndex(key, this.blocksOf(usable, embeddingsOf), { sortedRows });
    if (base) index.growFrom(base);
    return this.remember(index);
  }

  /** Whether indexOf would find this wardrobe's index kept, or grow it from a kept one, rather than build it cold. */
  hasIndexNear(usable: readonly WardrobeEntry[]): boolean {
    return this.indexes.has(this.wardrobeKey(usable)) || (this.growIndexes && this.closestIndex(usable) !== undefined);
  }

  /** Keeps `index` as the most recently used (the latest few wardrobes' indexes are kept). */
  private remember(index: WardrobeIndex): WardrobeIndex {
    this.indexes.delete(index.key);
    this.indexes.set(index.key, index);
    if (this.indexes.size > 8) this.indexes.delete(this.indexes.keys().next().value!);
    return index;
  }

  /** Keeps each item's row of a slot's vectors under its id. */
  private keepVectors(slot: Slot, ids: readonly number[], sides: ReadonlyMap<PairKey, { dim: number; data: Float32Array }>, unary: Float32Array): void {
    ids.forEach((id, r) => {
      const own = new Map<PairKey, Float32Array>();
      for (const [key, s] of sides) own.set(key, s.data.slice(r * s.dim, (r + 1) * s.dim));
      this.vectors.set(id, { slot, sides: own, unary: unary[r]! });
    });
  }

  /** Identifies a wardrobe (its usable items by id, with their types) under these scores. */
  wardrobeKey(usable: readonly WardrobeEntry[]): string {
    return `${this.scoreId}|${usable.map((i) => `${i.id}:${i.type}`).join(',')}`;
  }

  /** Per slot, its items' kept vectors as row-major blocks (vectors computed for items without them). */
  private blocksOf(usable: readonly WardrobeEntry[], embeddingsOf: EmbeddingsOf): Map<Slot, SlotBlock> {
    // Vectors for items not seen under these scores (or whose type changed).
    const missing = usable.filter((i) => this.vectors.get(i.id)?.slot !== i.type);
    const read = missing.length ? embeddingsOf(missing.map((i) => i.id)) : new Map<number, Float32Array>();
    const bySlot = new Map<Slot, WardrobeEntry[]>();
    // An item without an embedding (none is stored without one; a library written by other means) is left out.
    for (const i of missing) if (read.has(i.id)) (bySlot.get(i.type as Slot) ?? bySlot.set(i.type as Slot, []).get(i.type as Slot)!).push(i);
    for (const [slot, list] of bySlot) {
      const embeddings = list.map((i) => read.get(i.id)!);
      const v = this.model.prepareSlot(slot, featureMatrix(this.model.transform, embeddings), list.length, this.personal, embeddings);
      this.keepVectors(slot, list.map((i) => i.id), v.sides, v.unary);
    }
    const blocks = new Map<Slot, SlotBlock>();
    const groups = new Map<Slot, WardrobeEntry[]>();
    for (const i of usable) if (this.vectors.get(i.id)?.slot === i.type) (groups.get(i.type as Slot) ?? groups.set(i.type as Slot, []).get(i.type as Slot)!).push(i);
    for (const [slot, list] of groups) {
      const first = this.vectors.get(list[0]!.id)!;
      const sides = new Map<PairKey, { dim: number; data: Float32Array }>();
      for (const [pk, v] of first.sides) {
        const data = new Float32Array(list.length * v.length);
        list.forEach((item, r) => data.set(this.vectors.get(item.id)!.sides.get(pk)!, r * v.length));
        sides.set(pk, { dim: v.length, data });
      }
      blocks.set(slot, { ids: list.map((i) => i.id), sides, unary: Float32Array.from(list, (i) => this.vectors.get(i.id)!.unary) });
    }
    return blocks;
  }

  /**
   * The kept index sharing the most items (same slot) with a new wardrobe, if at least half of them: its
   * tables grow into the new one's (an import adds a batch at a time, an archive takes an item away).
   */
  private closestIndex(usable: readonly WardrobeEntry[]): WardrobeIndex | undefined {
    let best: WardrobeIndex | undefined;
    let most = 0;
    for (const candidate of this.indexes.values()) {
      const shared = candidate.overlap(usable);
      if (shared > most) [best, most] = [candidate, shared];
    }
    return most * 2 >= usable.length && most > 0 ? best : undefined;
  }
}

// Top-k outfits from a wardrobe (or a shop's catalogue index): exact search over the engine's pair tables
// for every valid slot set, then a diverse pick in score order. Pinned items are in every suggestion
// ("build around this"), excluded items in none; `slots` asks for one slot set only. Diversity: no two
// suggestions differ in one item only (unless allowNearDuplicates), and an item other than the pinned
// ones is in at most `maxUsesPerItem` suggestions. Each suggestion carries its score per slot pair.
import type { GarmentType } from '../../../shared/api.ts';
import { VALID_SLOT_SETS, displayOrder, isValidOutfit, pairsOf } from './slots.ts';
import type { Slot } from './slots.ts';
import { topOutfits } from './search.ts';
import type { FoundOutfit } from './search.ts';
import type { WardrobeIndex } from './engine.ts';

export interface SuggestOptions {
  k: number;
  pinned?: readonly number[];
  exclude?: readonly number[];
  /** Only outfits of exactly these slots (a valid outfit's slots). */
  slots?: readonly Slot[];
  maxUsesPerItem?: number;
  allowNearDuplicates?: boolean;
}

export interface SuggestedOutfit {
  /** Item ids in display order (outerwear, top or dress, bottom, shoes). */
  itemIds: number[];
  slots: Slot[];
  score: number;
  pairScores: { a: GarmentType; b: GarmentType; score: number }[];
}

/** A request that cannot make an outfit (bad pins, invalid slots): the caller's mistake. */
export class OutfitRequestError extends Error {}

/** Answers kept per search space: a window asks again with the same options until the wardrobe changes. */
const ANSWERS_PER_SPACE = 16;

/**
 * Suggestions kept per search space and request. A space (an index) never changes, since a changed wardrobe
 * or model gets a new one, so its answers stay right while it lives; the oldest request's are dropped first.
 */
export class KeptAnswers {
  private readonly bySpace = new WeakMap<object, Map<string, SuggestedOutfit[]>>();

  find(space: object, options: SuggestOptions): SuggestedOutfit[] | undefined {
    return this.bySpace.get(space)?.get(JSON.stringify(options));
  }

  keep(space: object, options: SuggestOptions, answer: SuggestedOutfit[]): SuggestedOutfit[] {
    const kept = this.bySpace.get(space) ?? new Map<string, SuggestedOutfit[]>();
    this.bySpace.set(space, kept);
    if (kept.size >= ANSWERS_PER_SPACE) kept.delete(kept.keys().next().value!);
    kept.set(JSON.stringify(options), answer);
    return answer;
  }

  /** The kept answer, or `search`'s, then kept. */
  answer(space: object, options: SuggestOptions, search: () => SuggestedOutfit[]): SuggestedOutfit[] {
    return this.find(space, options) ?? this.keep(space, options, search());
  }
}

export function suggestOutfits(index: WardrobeIndex, options: SuggestOptions): SuggestedOutfit[] {
  const pinned = [...new Set(options.pinned ?? [])];
  const excluded = new Set(options.exclude ?? []);
  const pinnedSlots = new Map<Slot, number>();
  for (const id of pinned) {
    const where = index.find(id);
    if (!where) throw new OutfitRequestError(`item ${id} is not in this wardrobe as a top, bottom, shoes, dress or outerwear`);
    if (excluded.has(id)) throw new OutfitRequestError(`item ${id} is both pinned and excluded`);
    if (pinnedSlots.has(where.slot)) throw new OutfitRequestError(`two pinned items are both ${where.slot}: an outfit has one`);
    pinnedSlots.set(where.slot, where.row);
  }
  if (options.slots && !isValidOutfit(options.slots)) throw new OutfitRequestError(`${options.slots.join(' + ')} is not a valid outfit`);
  const sets = (options.slots ? [options.slots] : VALID_SLOT_SETS).filter((set) => [...pinnedSlots.keys()].every((s) => set.includes(s)));
  if (pinnedSlots.size && !sets.length) throw new OutfitRequestError(`no valid outfit holds all the pinned items (${[...pinnedSlots.keys()].join(', ')})`);

  const allowed: Partial<Record<Slot, Int32Array>> = {};
  for (const slot of index.slots()) {
    const pin = pinnedSlots.get(slot);
    allowed[slot] = pin !== undefined ? Int32Array.of(pin) : rowsNotExcluded(index.ids(slot), excluded);
  }
  const feasible = sets.filter((set) => set.every((s) => (allowed[s]?.length ?? 0) > 0));
  const k = options.k;
  const maxUses = options.maxUsesPerItem ?? 2;
  const pinnedIds = new Set(pinned);
  const free = (ids: readonly number[]) => ids.filter((id) => !pinnedIds.has(id));
  // Greedy in score order: each pick is the best outfit compatible with the picks before it. Rounds of
  // exact top-n search over the items not yet used up; within a round the list is scanned in order, so
  // the picks are exactly those of one scan over all outfits sorted by score.
  const picked: SuggestedOutfit[] = [];
  // The picks' items that are not pinned (what the diversity rules compare), kept once per pick.
  const pickedFree: number[][] = [];
  // A later round finds the earlier picks again: one outfit is never suggested twice (near-duplicates
  // allowed or not).
  const pickedKeys = new Set<string>();
  const uses = new Map<number, number>();
  let n = Math.max(40, 6 * k);
  while (picked.length < k) {
    const found = topAcrossSets(index, feasible, n, allowed);
    let progress = false;
    for (const f of found) {
      if (picked.length >= k) break;
      const ids = f.slots.map((s, i) => index.ids(s)[f.rows[i]!]!);
      const own = free(ids);
      if (own.some((id) => (uses.get(id) ?? 0) >= maxUses)) continue;
      if (!options.allowNearDuplicates && pickedFree.some((p) => nearDuplicate(own, p))) continue;
      const key = [...ids].sort((a, b) => a - b).join(',');
      if (pickedKeys.has(key)) continue;
      for (const id of own) uses.set(id, (uses.get(id) ?? 0) + 1);
      pickedKeys.add(key);
      pickedFree.push(own);
      picked.push(toSuggestion(index, f, ids));
      progress = true;
    }
    // Fewer than n: every outfit left was seen. The cap only matters for huge inputs.
    if (picked.length >= k || found.length < n || n >= MAX_CANDIDATES) break;
    // Used-up items leave the search; if nothing was picked, the next round looks deeper.
    for (const [id, count] of uses) {
      if (count < maxUses) continue;
      const where = index.find(id)!;
      const rows = allowed[where.slot]!;
      if (rows.includes(where.row)) allowed[where.slot] = rows.filter((r) => r !== where.row);
    }
    if (!progress) n *= 4;
  }
  return picked;
}

/**
 * The n best outfits over several slot sets; each set's search starts at the n-th best found so far.
 * The sets are searched best bound first, so a set that cannot reach that floor costs almost nothing
 * (with a wardrobe, outfits with outerwear often outscore every one without). Equal scores keep the
 * sets' given order.
 */
function topAcrossSets(index: WardrobeIndex, sets: readonly (readonly Slot[])[], n: number, allowed: Partial<Record<Slot, Int32Array>>): FoundOutfit[] {
  const searched = sets
    .map((set, order) => ({ set, order, bound: set.every((s) => (allowed[s]?.length ?? 0) > 0) ? upperBound(index, set, allowed) : -Infinity }))
    .filter((s) => s.bound > -Infinity)
    .sort((a, b) => b.bound - a.bound || a.order - b.order);
  let merged: { f: FoundOutfit; order: number }[] = [];
  for (const { set, order, bound } of searched) {
    const floor = merged.length >= n ? merged[n - 1]!.f.score : -Infinity;
    if (bound <= floor) continue;
    const found = topOutfits(index, set, n, allowed, floor).map((f) => ({ f, order }));
    merged = [...merged, ...found].sort((a, b) => b.f.score - a.f.score || a.order - b.order).slice(0, n);
  }
  return merged.map((m) => m.f);
}

/** No outfit of the slot set over the allowed rows scores above this: per pair its best entry, per slot its best unary term. */
function upperBound(index: WardrobeIndex, set: readonly Slot[], allowed: Partial<Record<Slot, Int32Array>>): number {
  let bound = 0;
  for (const s of set) bound += maxAt(index.unary(s), allowed[s]!);
  for (const [a, b] of pairsOf(set)) bound += maxAt(index.rowMax(a, b), allowed[a]!);
  return bound;
}

function maxAt(values: Float32Array, rows: Int32Array): number {
  let best = -Infinity;
  for (let q = 0; q < rows.length; q++) if (values[rows[q]!]! > best) best = values[rows[q]!]!;
  return best;
}

const MAX_CANDIDATES = 200_000;

function rowsNotExcluded(ids: readonly number[], excluded: ReadonlySet<number>): Int32Array {
  const rows = new Int32Array(ids.length);
  let n = 0;
  for (let row = 0; row < ids.length; row++) if (!excluded.has(ids[row]!)) rows[n++] = row;
  return rows.slice(0, n);
}

/** Two outfits differ in one item only (counting the items that are not pinned). */
function nearDuplicate(a: readonly number[], b: readonly number[]): boolean {
  const onlyA = countMissing(a, b);
  const onlyB = countMissing(b, a);
  // With a single free slot every pair of outfits differs in one item: that is all there is to vary.
  const need = Math.min(2, a.length, b.length);
  return Math.max(onlyA, onlyB) < need;
}

/** How many of a's ids are not in b (no arrays allocated: it runs for every candidate against every pick). */
function countMissing(a: readonly number[], b: readonly number[]): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!b.includes(a[i]!)) n++;
  return n;
}

function toSuggestion(index: WardrobeIndex, f: FoundOutfit, ids: number[]): SuggestedOutfit {
  const row = new Map(f.slots.map((s, i) => [s, f.rows[i]!]));
  const pairScores = pairsOf(f.slots).map(([a, b]) => ({ a, b, score: index.pairScore(a, row.get(a)!, b, row.get(b)!) }));
  const order = f.slots.map((s, i) => ({ s, id: ids[i]! })).sort((x, y) => displayOrder(x.s, y.s));
  return { itemIds: order.map((o) => o.id), slots: order.map((o) => o.s), score: f.score, pairScores };
}

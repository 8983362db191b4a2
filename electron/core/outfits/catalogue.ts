// Outfit search at catalogue scale (tens of thousands of items), where pair tables over everything are
// too big: each query first keeps, per slot, the `candidates` items with the best potential, then runs the
// exact wardrobe search (engine tables + branch and bound + diversity) on those. Recall against exact
// search is measured by `stylist bench suggest`.
//
// An item's potential towards another slot estimates the best pair score it can reach there: the pair
// score is a dot product x_i . y_j, so over the other slot's items it has mean x_i . mu_y and variance
// x_i' Sigma_y x_i, and the maximum of N roughly normal values lies near mean + sqrt(2 ln N) sd. Unpinned,
// the potentials are fixed once per catalogue and model (sorted at build); with a pinned item, the exact
// pair scores against the pinned item replace the estimate for that slot (one row, cheap).
import { VALID_SLOT_SETS, canonicalPair, isSlot } from './slots.ts';
import type { PairKey, Slot } from './slots.ts';
import { WardrobeIndex } from './engine.ts';
import type { EngineItem, SlotBlock } from './engine.ts';
import { featureMatrix } from '../compat/model.ts';
import type { CompatModel, PersonalCompat } from '../compat/model.ts';
import { suggestOutfits } from './suggest.ts';
import type { SuggestOptions, SuggestedOutfit } from './suggest.ts';
import { topOutfits } from './search.ts';
import type { FoundOutfit } from './search.ts';
import { matmulTransA, matmulTransB } from '../learning/nn/matmul.ts';

interface PartnerStats {
  mean: Float32Array;
  /** dim x dim covariance of the partner side's vectors. */
  cov: Float32Array;
  z: number;
}

export interface CandidateOptions {
  /** Items per slot (and slot set) kept by potential alone. */
  candidates?: number;
  /** Best items per slot whose exact pair scores pick more partners. */
  seeds?: number;
  /** Partners each seed adds per other slot. */
  perSeed?: number;
  /** Items per slot (best potential first) among which seeds look for partners. */
  pool?: number;
  /** Best outfits whose items seed a second expansion (0: none). */
  refine?: number;
  /** Multiplies `candidates` and `pool`: the same shares of a smaller catalogue (to measure recall). */
  scale?: number;
}

/**
 * Chosen with `stylist bench suggest` for 50,000 items (recall against exact search on a sub-catalogue,
 * with both the shipped prior and a lookbook-trained model). Around a pinned item the rest must fit that
 * item, so more seeds. A refinement round (seeding from the items of the best outfits found) costs about
 * half as much again and did not raise recall measurably there, so it is off by default.
 */
export const UNPINNED_DEFAULTS = { candidates: 30, seeds: 6, perSeed: 12, pool: 4000, refine: 0 };
export const PINNED_DEFAULTS = { candidates: 30, seeds: 12, perSeed: 16, pool: 4000, refine: 0 };

export interface CatalogueQuery {
  pinned?: readonly number[];
  exclude?: readonly number[];
  slots?: readonly Slot[];
}

export class CatalogueIndex {
  readonly blocks = new Map<Slot, SlotBlock>();
  private readonly position = new Map<number, { slot: Slot; row: number }>();
  /** est[from][to][row]: estimated best pair score of `from`'s item `row` with any item of `to`. */
  private readonly est = new Map<string, Float32Array>();
  /** Unpinned potential order per slot set and slot: rows sorted by decreasing potential. */
  private readonly order = new Map<string, Int32Array>();
  readonly buildMs: number;
  private poolScratch = new Float32Array(0);

  /** A catalogue of these items under a model (and a person's parts): their vectors, estimates and orders computed here. */
  constructor(model: CompatModel, items: readonly EngineItem[], personal?: PersonalCompat) {
    const started = performance.now();
    const bySlot = new Map<Slot, EngineItem[]>();
    for (const i of items) if (isSlot(i.type)) (bySlot.get(i.type) ?? bySlot.set(i.type, []).get(i.type)!).push(i);
    for (const [slot, list] of bySlot) {
      const embeddings = list.map((i) => i.embedding);
      const v = model.prepareSlot(slot, featureMatrix(model.transform, embeddings), list.length, personal, embeddings);
      const sides = new Map([...v.sides].map(([key, side]) => [key, padColumns(side, list.length)] as const));
      this.blocks.set(slot, { ids: list.map((i) => i.id), sides, unary: v.unary });
      list.forEach((item, row) => this.position.set(item.id, { slot, row }));
    }
    const stats = new Map<string, PartnerStats>();
    for (const a of this.blocks.keys()) {
      for (const b of this.blocks.keys()) {
        const pair = a !== b ? canonicalPair(a, b) : null;
        if (!pair) continue;
        const partner = this.blocks.get(b)!;
        const s = stats.get(`${b}@${pair.key}`) ?? partnerStats(partner.sides.get(pair.key)!, partner.ids.length);
        stats.set(`${b}@${pair.key}`, s);
        const mine = this.blocks.get(a)!;
        const side = mine.sides.get(pair.key)!;
        const n = mine.ids.length;
        const dim = side.dim;
        // Per row x: x . mean and x' Sigma x, as two matrix products (Sigma is symmetric).
        const out = matmulTransB(side.data, n, dim, s.mean, 1);
        const xSigma = matmulTransB(side.data, n, dim, s.cov, dim);
        for (let r = 0; r < n; r++) {
          const o = r * dim;
          let quad = 0;
          for (let l = 0; l < dim; l++) quad += xSigma[o + l]! * side.data[o + l]!;
          out[r] = out[r]! + s.z * Math.sqrt(Math.max(0, quad));
        }
        this.est.set(`${a}>${b}`, out);
      }
    }
    for (const set of VALID_SLOT_SETS) {
      if (!set.every((s) => this.blocks.has(s))) continue;
      for (const a of set) this.order.set(`${set.join('+')}:${a}`, sortedRows(this.potential(a, set, null)));
    }
    this.buildMs = performance.now() - started;
  }

  size(slot: Slot): number {
    return this.blocks.get(slot)?.ids.length ?? 0;
  }

  find(id: number): { slot: Slot; row: number } | undefined {
    return this.position.get(id);
  }

  /** Potential of every row of `slot` in slot set `set`; exact scores against a pinned item when given. */
  private potential(slot: Slot, set: readonly Slot[], pin: { slot: Slot; row: number } | null, exact?: (from: Slot, r: number, to: Slot) => Float32Array): Float32Array {
    const n = this.size(slot);
    const pot = Float32Array.from(this.blocks.get(slot)!.unary);
    for (const other of set) {
      if (other === slot) continue;
      if (pin && other === pin.slot) {
        const row = exact ? exact(pin.slot, pin.row, slot) : this.exactRow(pin.slot, pin.row, slot);
        for (let r = 0; r < n; r++) pot[r]! += row[r]!;
      } else {
        const e = this.est.get(`${slot}>${other}`)!;
        for (let r = 0; r < n; r++) pot[r]! += e[r]!;
      }
    }
    return pot;
  }

  /** Exact pair scores of one item against every item of another slot. */
  private exactRow(from: Slot, row: number, to: Slot): Float32Array {
    const pair = canonicalPair(from, to)!;
    const mine = this.blocks.get(from)!.sides.get(pair.key)!;
    const theirs = this.blocks.get(to)!;
    const other = theirs.sides.get(pair.key)!;
    const dim = mine.dim;
    // Rows padded to a multiple of 4 go to the SIMD kernel in one copy.
    return matmulTransB(other.data, theirs.ids.length, dim, mine.data.subarray(row * dim, (row + 1) * dim), 1);
  }

  /**
   * The reduced wardrobe a query searches. Per slot set and slot: the `candidates` items of best
   * potential; then seed expansion: for the `seeds` best items of each slot, their exact pair scores
   * against the `pool` best items of every other slot of the set pick `perSeed` more partners each, so
   * items that shine only next to a particular partner are not missed.
   */
  candidateIndex(query: CatalogueQuery, options: CandidateOptions = {}): WardrobeIndex {
    const excluded = new Set(query.exclude ?? []);
    const pins = (query.pinned ?? []).flatMap((id) => {
      const at = this.position.get(id);
      return at ? [at] : [];
    });
    const pin = pins[0] ?? null;
    const o = { ...(pin ? PINNED_DEFAULTS : UNPINNED_DEFAULTS), ...options };
    const scale = options.scale ?? 1;
    const m0 = Math.max(1, Math.round(o.candidates * scale));
    const poolSize = Math.max(1, Math.round(o.pool * scale));
    const { seeds, perSeed } = o;
    const sets = (query.slots ? [query.slots] : VALID_SLOT_SETS).filter((set) => set.every((s) => this.blocks.has(s)) && pins.every((p) => set.includes(p.slot)));
    const chosen = new Map<Slot, Set<number>>();
    const keep = (slot: Slot) => chosen.get(slot) ?? chosen.set(slot, new Set()).get(slot)!;
    const allowedRow = (slot: Slot) => {
      const ids = this.blocks.get(slot)!.ids;
      return (row: number) => !excluded.has(ids[row]!);
    };
    const pinRows = new Map<Slot, Float32Array>();
    const pinRow = (to: Slot) => pinRows.get(to) ?? pinRows.set(to, this.exactRow(pin!.slot, pin!.row, to)).get(to)!;
    // One pool per free slot for all slot sets (ranked by its best potential over the sets), so the seeds'
    // exact rows against a pool are computed once per pair of slots, whatever sets share them.
    const freeSlots = [...new Set(sets.flat())].filter((s) => !pins.some((p) => p.slot === s));
    for (const p of pins) keep(p.slot).add(p.row);
    const pools = new Map<Slot, number[]>();
    for (const slot of freeSlots) {
      const ok = allowedRow(slot);
      const mine = sets.filter((set) => set.includes(slot));
      let pool: number[];
      if (pin) {
        const pot = this.potential(slot, mine[0]!, pin, (_from, _r, to) => pinRow(to));
        for (const set of mine.slice(1)) {
          const other = this.potential(slot, set, pin, (_from, _r, to) => pinRow(to));
          for (let r = 0; r < pot.length; r++) if (other[r]! > pot[r]!) pot[r] = other[r]!;
        }
        pool = poolOrder(topRowsByRow(pot, poolSize, ok), pot, Math.max(m0, seeds));
      } else {
        // Interleave the sets' precomputed orders: the best of each first.
        const orders = mine.map((set) => this.order.get(`${set.join('+')}:${slot}`)!);
        const seen = new Set<number>();
        pool = [];
        for (let i = 0; pool.length < poolSize && i < this.size(slot); i++) {
          for (const order of orders) {
            const r = order[i]!;
            if (!seen.has(r) && ok(r)) {
              seen.add(r);
              pool.push(r);
            }
          }
        }
        pool = pool.slice(0, poolSize);
      }
      pools.set(slot, pool);
      for (const r of pool.slice(0, m0)) keep(slot).add(r);
    }
    // Exact scores of some seed rows of slot a against the pool of slot b: seeds x pool.
    const exactFor = (a: Slot, b: Slot, seedRows: readonly number[]): Float32Array => {
      const pool = pools.get(b)!;
      const pair = canonicalPair(a, b)!;
      const mine = this.blocks.get(a)!.sides.get(pair.key)!;
      const theirs = this.blocks.get(b)!.sides.get(pair.key)!;
      const dim = mine.dim;
      // The pool's rows go to a buffer kept between queries (the product copies them at once): a
      // megabyte per slot pair less to collect, next to a catalogue's large old generation.
      if (this.poolScratch.length < pool.length * dim) this.poolScratch = new Float32Array(pool.length * dim);
      const y = gatherRows(theirs.data, dim, pool, this.poolScratch);
      return matmulTransB(gatherRows(mine.data, dim, seedRows), seedRows.length, dim, y, pool.length);
    };
    // Seed expansion: each seed keeps its `perSeed` best partners of every other slot it shares a set with.
    const expand = (seedsOf: Map<Slot, number[]>) => {
      const exactRows = new Map<string, Float32Array>();
      for (const set of sets) {
        const free = set.filter((s) => freeSlots.includes(s));
        for (const a of free) {
          const seedRows = seedsOf.get(a) ?? [];
          if (!seedRows.length) continue;
          for (const b of free) {
            if (b === a) continue;
            const pool = pools.get(b)!;
            const exact = exactRows.get(`${a}>${b}`) ?? exactRows.set(`${a}>${b}`, exactFor(a, b, seedRows)).get(`${a}>${b}`)!;
            // Exact towards the seed (and the pin), estimated towards the set's other slots.
            const base = new Float32Array(pool.length);
            const unary = this.blocks.get(b)!.unary;
            const p = pin ? pinRow(b) : null;
            const others = free.filter((c) => c !== a && c !== b).map((c) => this.est.get(`${b}>${c}`)!);
            for (let i = 0; i < pool.length; i++) {
              const r = pool[i]!;
              let v = unary[r]! + (p ? p[r]! : 0);
              for (const e of others) v += e[r]!;
              base[i] = v;
            }
            const score = new Float32Array(pool.length);
            const kept = keep(b);
            for (let sd = 0; sd < seedRows.length; sd++) {
              const o = sd * pool.length;
              for (let i = 0; i < pool.length; i++) score[i] = base[i]! + exact[o + i]!;
              for (const i of topRows(score, perSeed)) kept.add(pool[i]!);
            }
          }
        }
      }
    };
    const build = (): WardrobeIndex => {
      const blocks = new Map<Slot, SlotBlock>();
      for (const [slot, rowSet] of chosen) {
        const rows = [...rowSet].sort((x, y) => x - y);
        const full = this.blocks.get(slot)!;
        const sides = new Map<PairKey, { dim: number; data: Float32Array }>();
        for (const [key, side] of full.sides) {
          sides.set(key, { dim: side.dim, data: gatherRows(side.data, side.dim, rows) });
        }
        blocks.set(slot, { ids: rows.map((r) => full.ids[r]!), sides, unary: Float32Array.from(rows, (r) => full.unary[r]!) });
      }
      // Searched once or a few times: sorting its table rows would cost more than it saves.
      return new WardrobeIndex('catalogue-query', blocks, { sortedRows: false });
    };
    const first = new Map(freeSlots.map((slot) => [slot, pools.get(slot)!.slice(0, seeds)]));
    expand(first);
    if (!o.refine) return build();
    // Refinement: the items of the best outfits found so far become seeds too, so partners that shine
    // only next to them (not on average) join the candidates; then the final search.
    const found = topIdsOf(build(), query, o.refine);
    const more = new Map<Slot, number[]>();
    for (const outfit of found) {
      for (const id of outfit.ids) {
        const at = this.position.get(id)!;
        if (!freeSlots.includes(at.slot) || first.get(at.slot)!.includes(at.row)) continue;
        const list = more.get(at.slot) ?? more.set(at.slot, []).get(at.slot)!;
        if (!list.includes(at.row)) list.push(at.row);
      }
    }
    expand(more);
    return build();
  }

  suggest(options: SuggestOptions, candidates: CandidateOptions = {}): SuggestedOutfit[] {
    return suggestOutfits(this.candidateIndex(options, candidates), options);
  }

  /** The plain top N (no diversity) found through the candidates, as item ids: what recall is measured on. */
  topIds(query: CatalogueQuery, n: number, candidates: CandidateOptions = {}): { ids: number[]; score: number }[] {
    return topIdsOf(this.candidateIndex(query, candidates), query, n);
  }
}

/** The plain top N of a wardrobe index over every allowed slot set (exact on that index). */
export function topIdsOf(index: WardrobeIndex, query: CatalogueQuery, n: number): { ids: number[]; score: number }[] {
  const excluded = new Set(query.exclude ?? []);
  const pins = (query.pinned ?? []).map((id) => index.find(id)).filter((p) => p !== undefined);
  const allowed: Partial<Record<Slot, Int32Array>> = {};
  for (const slot of index.slots()) {
    const pin = pins.find((p) => p.slot === slot);
    allowed[slot] = pin ? Int32Array.of(pin.row) : Int32Array.from(index.ids(slot).flatMap((id, row) => (excluded.has(id) ? [] : [row])));
  }
  const sets = (query.slots ? [query.slots] : VALID_SLOT_SETS).filter((set) => set.every((s) => (allowed[s]?.length ?? 0) > 0) && pins.every((p) => set.includes(p.slot)));
  const found: FoundOutfit[] = sets.flatMap((set) => topOutfits(index, set, n, allowed));
  return found
    .sort((a, b) => b.score - a.score)
    .slice(0, n)
    .map((f) => ({ ids: f.slots.map((s, i) => index.ids(s)[f.rows[i]!]!).sort((a, b) => a - b), score: f.score }));
}

function partnerStats(side: { dim: number; data: Float32Array }, n: number): PartnerStats {
  const { dim, data } = side;
  const sums = new Float64Array(dim);
  for (let r = 0; r < n; r++) for (let k = 0; k < dim; k++) sums[k]! += data[r * dim + k]!;
  const mean = Float32Array.from(sums, (v) => v / n);
  // A sample is enough for a dim x dim covariance: its rows centred, then one product.
  const step = Math.max(1, Math.floor(n / 4000));
  const count = Math.ceil(n / step);
  const centred = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) for (let k = 0; k < dim; k++) centred[i * dim + k] = data[i * step * dim + k]! - mean[k]!;
  const cov = matmulTransA(centred, count, dim, centred, dim);
  for (let i = 0; i < cov.length; i++) cov[i]! /= Math.max(1, count - 1);
  return { mean, cov, z: Math.sqrt(2 * Math.log(Math.max(2, n))) };
}

/**
 * A pool for the seed expansion: its `head` best rows first (best first: they are the candidates and
 * the seeds), then the rest by row, which reads the side matrices in address order and needs no
 * comparator sort of thousands of rows.
 */
function poolOrder(byRow: Int32Array, values: Float32Array, head: number): number[] {
  const own = new Float32Array(byRow.length);
  for (let i = 0; i < byRow.length; i++) own[i] = values[byRow[i]!]!;
  const best = topRows(own, head).map((i) => byRow[i]!);
  const inHead = new Set(best);
  for (const r of byRow) if (!inHead.has(r)) best.push(r);
  return best;
}

/**
 * The m rows of highest value that pass `ok` (as topRows, but ties at the cut go to the lower rows), in
 * row order: the m-th largest value by selection on a copy (linear time), then one pass.
 */
export function topRowsByRow(values: Float32Array, m: number, ok: (row: number) => boolean): Int32Array {
  const okRows: number[] = [];
  for (let r = 0; r < values.length; r++) if (ok(r)) okRows.push(r);
  if (okRows.length <= m) return Int32Array.from(okRows);
  const copy = new Float32Array(okRows.length);
  for (let i = 0; i < okRows.length; i++) copy[i] = values[okRows[i]!]!;
  const cut = kthLargest(copy, m);
  let above = 0;
  for (const r of okRows) if (values[r]! > cut) above++;
  let ties = m - above;
  const out = new Int32Array(m);
  let n = 0;
  for (const r of okRows) {
    const v = values[r]!;
    if (v > cut || (v === cut && ties-- > 0)) out[n++] = r;
  }
  return out;
}

/** The k-th largest entry (1-based) of a scratch array, which it reorders (quickselect, median of three). */
function kthLargest(a: Float32Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  const want = k - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const x = a[lo]!, y = a[mid]!, z = a[hi]!;
    const pivot = x > y ? (y > z ? y : x > z ? z : x) : x > z ? x : y > z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (want <= j) hi = j;
    else if (want >= i) lo = i;
    else return a[want]!;
  }
  return a[want]!;
}

/** The m rows of highest value that pass `ok`, best first, ties by row (a bounded min-heap: O(n log m)). */
export function topRows(values: Float32Array, m: number, ok?: (row: number) => boolean): number[] {
  const heapRows: number[] = [];
  const less = (a: number, b: number) => values[heapRows[a]!]! < values[heapRows[b]!]!;
  const swap = (a: number, b: number) => ([heapRows[a], heapRows[b]] = [heapRows[b]!, heapRows[a]!]);
  for (let r = 0; r < values.length; r++) {
    if (heapRows.length >= m && values[r]! <= values[heapRows[0]!]!) continue;
    if (ok && !ok(r)) continue;
    if (heapRows.length < m) {
      heapRows.push(r);
      for (let k = heapRows.length - 1; k > 0; ) {
        const p = (k - 1) >> 1;
        if (!less(k, p)) break;
        swap(k, p);
        k = p;
      }
    } else {
      heapRows[0] = r;
      for (let k = 0; ; ) {
        const l = 2 * k + 1;
        let min = k;
        if (l < heapRows.length && less(l, min)) min = l;
        if (l + 1 < heapRows.length && less(l + 1, min)) min = l + 1;
        if (min === k) break;
        swap(k, min);
        k = min;
      }
    }
  }
  return heapRows.sort((a, b) => values[b]! - values[a]! || a - b);
}

/** A row-major matrix with its rows zero-padded to a multiple of 4 (dot products unchanged). */
function padColumns(side: { dim: number; data: Float32Array }, rows: number): { dim: number; data: Float32Array } {
  const dim = Math.ceil(side.dim / 4) * 4;
  if (dim === side.dim) return side;
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) data.set(side.data.subarray(r * side.dim, (r + 1) * side.dim), r * dim);
  return { dim, data };
}

/** The given rows of a row-major matrix, in that order (into `into` when given: at least rows x dim long). */
function gatherRows(data: Float32Array, dim: number, rows: ArrayLike<number>, into?: Float32Array): Float32Array {
  const out = into ?? new Float32Array(rows.length * dim);
  // One native copy per row: several times faster than an element loop, even with the view it allocates.
  for (let i = 0; i < rows.length; i++) out.set(data.subarray(rows[i]! * dim, (rows[i]! + 1) * dim), i * dim);
  return out;
}

function sortedRows(values: Float32Array): Int32Array {
  const rows = Int32Array.from({ length: values.length }, (_, i) => i);
  return rows.sort((a, b) => values[b]! - values[a]! || a - b);
}

// Exact top-N search over outfits whose score is a sum of pair tables (+ per-item terms), by branch and
// bound: slots are filled one at a time; for each slot still open, the best it can add given the items
// chosen so far is kept in an accumulator (a row of a pair table per chosen item), so a partial outfit is
// dropped as soon as its optimistic total cannot enter the current top N. The last slot is a plain scan.
// Exact: the result is the true top N, in score order, ties broken by item rows.
import type { Slot } from './slots.ts';

/** Scores between the rows of two slots: data[i * cols + j] for row i of `from`, row j of `to`. */
export interface DirectedTable {
  rows: number;
  cols: number;
  data: Float32Array;
}

export interface SearchSpace {
  /** Rows (items) of each slot. */
  size(slot: Slot): number;
  /** The table from one slot to another (both orientations are available). */
  table(from: Slot, to: Slot): DirectedTable;
  /** Per-item terms of a slot (length size(slot)). */
  unary(slot: Slot): Float32Array;
  /** The best entry of each row of table(from, to), if the space keeps it (else computed per search). */
  rowMax?(from: Slot, to: Slot): Float32Array;
  /**
   * Per row of table(from, to), its columns by decreasing entry (rows x cols), if the space keeps it
   * (worth it only when the tables serve many searches: sorting costs more than one search saves).
   */
  rowOrder?(from: Slot, to: Slot): Int32Array | null;
}

/**
 * Each row's columns sorted by decreasing entry (ties by column), row after row. Each entry becomes one
 * float64 key (its float32 bits flipped to sort descending, times 2^21, plus its column), so a row sorts
 * natively, without a comparator call per comparison.
 */
export function computeRowOrder(t: DirectedTable): Int32Array {
  const out = new Int32Array(t.rows * t.cols);
  if (t.cols >= COLUMN_RANGE) throw new Error(`row orders need fewer than ${COLUMN_RANGE} columns, got ${t.cols}`);
  const bits = new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length);
  const keys = new Float64Array(t.cols);
  for (let i = 0; i < t.rows; i++) {
    const o = i * t.cols;
    for (let j = 0; j < t.cols; j++) keys[j] = orderKey(bits[o + j]!, j);
    keys.sort();
    for (let j = 0; j < t.cols; j++) out[o + j] = keys[j]! % COLUMN_RANGE;
  }
  return out;
}

export const COLUMN_RANGE = 2 ** 21;

/** The sort key of an entry (its float32 bits) in column j: smaller for a larger entry, then a lower column. */
export function orderKey(bits: number, j: number): number {
  // Ascending order of float32 values as unsigned integers, then reversed.
  const ascending = bits & 0x80000000 ? ~bits >>> 0 : (bits | 0x80000000) >>> 0;
  return (0xffffffff - ascending) * COLUMN_RANGE + j;
}

export function computeRowMax(t: DirectedTable): Float32Array {
  const out = new Float32Array(t.rows);
  const d = t.data;
  for (let i = 0; i < t.rows; i++) {
    let best = -Infinity;
    const o = i * t.cols;
    for (let j = 0; j < t.cols; j++) if (d[o + j]! > best) best = d[o + j]!;
    out[i] = best;
  }
  return out;
}

export interface FoundOutfit {
  slots: Slot[];
  /** Row of each slot's item, in `slots` order. */
  rows: number[];
  score: number;
}

/**
 * The N best outfits over one slot set, each slot restricted to `allowed` rows (all rows when absent).
 * `floor`: only outfits scoring above it are wanted (lets several slot sets share one threshold).
 */
export function topOutfits(space: SearchSpace, slots: readonly Slot[], n: number, allowed: Partial<Record<Slot, Int32Array>> = {}, floor = -Infinity): FoundOutfit[] {
  const m = slots.length;
  if (m === 0 || n <= 0) return [];
  const rowsOf = (s: Slot) => allowed[s] ?? allRows(space.size(s));
  // Fill the smallest slots first; the largest is the final scan.
  const order = [...slots].sort((a, b) => rowsOf(a).length - rowsOf(b).length);
  const cand = order.map(rowsOf);
  if (cand.some((c) => c.length === 0)) return [];
  const tables = order.map((a) => order.map((b) => (a === b ? null : space.table(a, b))));
  const unary = order.map((s) => space.unary(s));
  // rowMax[a][b][i]: the best table entry of row i of slot a towards any item of slot b (over all items:
  // still an upper bound when some are not allowed, and the space can keep it between searches).
  const rowMax = order.map((a, ai) => order.map((b, bi) => (ai === bi ? null : space.rowMax ? space.rowMax(a, b) : computeRowMax(tables[ai]![bi]!))));
  // The best entry of each table over allowed rows (for pairs of slots that are both still open).
  const globalMax = order.map((_, a) =>
    order.map((_, b) => {
      let best = -Infinity;
      if (a !== b) for (const i of cand[a]!) best = Math.max(best, rowMax[a]![b]![i]!);
      return best;
    }),
  );
  const heap = new TopHeap(n, m);
  const chosen = new Int32Array(m);
  // acc[l][u][j]: unary of row j of slot u plus its table entries towards the items chosen at levels < l.
  const acc: Float32Array[][] = Array.from({ length: m }, () => order.map((s) => new Float32Array(space.size(s))));
  for (let u = 0; u < m; u++) acc[0]![u]!.set(unary[u]!);
  // The score an outfit must beat: in a typed array, as a captured variable that changes would put
  // every new value in a fresh heap number.
  const threshold = Float64Array.of(floor);
  const push = (score: number) => {
    heap.push(score, chosen);
    if (heap.full()) threshold[0] = Math.max(floor, heap.minScore());
  };

  // bests[l][u]: the largest acc[l][u] over allowed rows (filled by the level above while it updates acc).
  const bests = Array.from({ length: m }, () => new Float64Array(m));
  for (let u = 0; u < m; u++) {
    let best = -Infinity;
    const cu = cand[u]!;
    for (let q = 0; q < cu.length; q++) if (acc[0]![u]![cu[q]!]! > best) best = acc[0]![u]![cu[q]!]!;
    bests[0]![u] = best;
  }
  // Per level: each allowed row's cheap bound, and the rows still worth a look, best bound first.
  const bounds = order.map((_, l) => new Float64Array(cand[l]!.length));
  const queues = order.map((_, l) => new Int32Array(cand[l]!.length));
  // With row orders (columns by decreasing table entry) kept by the space: the last scan stops as soon
  // as no later column can enter the top N; a level's update finds each later slot's best from a few
  // columns, so an item that cannot make it costs almost nothing, and only the items that pass write
  // the accumulators; the last slot's accumulator is never written at the level before the last scan
  // (the scan adds that level's entry itself, rounded as a stored value would be, for the few columns
  // it reads).
  const orders = order.map((a, ai) => order.map((b, bi) => (ai < bi && space.rowOrder ? space.rowOrder(a, b) : null)));
  const sorted = orders.every((row, ai) => row.every((o, bi) => ai >= bi || o !== null));
  const leafOrder = sorted && m >= 2 ? orders[m - 2]![m - 1]! : null;
  const lazyLast = sorted && m >= 3;
  const allowedMask = order.map((s, l) => {
    const mask = new Uint8Array(space.size(s));
    for (const j of cand[l]!) mask[j] = 1;
    return mask;
  });
  const lastAllowed = allowedMask[m - 1]!;
  const leafRows = new Int32Array(m >= 2 ? cand[m - 2]!.length : 0);
  let leafCount = -1;

  const visit = (level: number, partial: number) => {
    const here = acc[level]!;
    const own = here[level]!;
    const rows = cand[level]!;
    const bestBefore = bests[level]!;
    if (level === m - 2) {
      // The last two slots: for each item here, one scan of the last slot.
      const last = m - 1;
      const t = tables[level]![last]!;
      const lastAcc = here[last]!;
      const lastRows = cand[last]!;
      const maxTo = rowMax[level]![last]!;
      const td = t.data;
      const nl = lastRows.length;
      const bestLast = bestBefore[last]!;
      const prevTable = lazyLast ? tables[level - 1]![last]! : t;
      const prevTd = prevTable.data;
      const prevLast = lazyLast ? acc[level - 1]![last]! : lastAcc;
      const prevO = lazyLast ? chosen[level - 1]! * prevTable.cols : 0;
      // The level before wrote the rows still worth a look (in row order) to `leafRows`, when it could.
      const listed = leafCount >= 0;
      const count = listed ? leafCount : rows.length;
      for (let p = 0; p < count; p++) {
        const i = listed ? leafRows[p]! : rows[p]!;
        const base = partial + own[i]!;
        if (base + bestLast + maxTo[i]! <= threshold[0]!) continue;
        const o = i * t.cols;
        chosen[level] = i;
        if (leafOrder) {
          for (let q = 0; q < t.cols; q++) {
            const j = leafOrder[o + q]!;
            const v = td[o + j]!;
            if (base + bestLast + v <= threshold[0]!) break;
            if (lastAllowed[j] === 0) continue;
            const s = base + (lazyLast ? Math.fround(prevLast[j]! + prevTd[prevO + j]!) : lastAcc[j]!) + v;
            if (s > threshold[0]!) {
              chosen[last] = j;
              push(s);
            }
          }
          continue;
        }
        for (let q = 0; q < nl; q++) {
          const j = lastRows[q]!;
          const s = base + lastAcc[j]! + td[o + j]!;
          if (s > threshold[0]!) {
            chosen[last] = j;
            push(s);
          }
        }
      }
      return;
    }
    // Open pairs among later slots.
    let restPairs = 0;
    for (let u = level + 1; u < m; u++) for (let v = u + 1; v < m; v++) restPairs += globalMax[u]![v]!;
    // Cheap upper bound per item (each later slot's best so far plus this item's best towards it);
    // promising items first, so the threshold rises early. Items already below the threshold are not queued.
    const bound = bounds[level]!;
    const queue = queues[level]!;
    let queued = 0;
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r]!;
      let b = partial + own[i]! + restPairs;
      for (let u = level + 1; u < m; u++) b += bestBefore[u]! + rowMax[level]![u]![i]!;
      bound[r] = b;
      if (b > threshold[0]!) queue[queued++] = r;
    }
    const byBound = sortByBound(queue.subarray(0, queued), bound, rows);
    // Before the last scan's level: the most any of its items can add (accumulator plus best entry
    // towards the last slot), for the early stop when listing them.
    let leafCap = -Infinity;
    if (sorted && level === m - 3) {
      const src = here[m - 2]!;
      const maxTo = rowMax[m - 2]![m - 1]!;
      const cu = cand[m - 2]!;
      for (let q = 0; q < cu.length; q++) {
        const v = src[cu[q]!]! + maxTo[cu[q]!]!;
        if (v > leafCap) leafCap = v;
      }
    }
    const next = acc[level + 1]!;
    const nextBests = bests[level + 1]!;
    items: for (let p = 0; p < byBound.length; p++) {
      const r = byBound[p]!;
      let b = bound[r]!;
      if (b <= threshold[0]!) break;
      const i = rows[r]!;
      chosen[level] = i;
      // Tighter: each later slot's real best (its accumulator plus this item's entries) replaces its
      // cheap term; the item is dropped as soon as that falls to the threshold.
      if (sorted) {
        for (let u = level + 1; u < m; u++) {
          const t = tables[level]![u]!;
          const ord = orders[level]![u]!;
          const src = here[u]!;
          const mask = allowedMask[u]!;
          const o = i * t.cols;
          const td = t.data;
          // Columns by decreasing entry: none after the first whose entry plus the largest accumulator
          // cannot beat the best so far.
          const cap = bestBefore[u]!;
          let best = -Infinity;
          for (let q = 0; q < t.cols; q++) {
            const j = ord[o + q]!;
            const e = td[o + j]!;
            if (cap + e <= best) break;
            if (mask[j] === 0) continue;
            const v = src[j]! + e;
            if (v > best) best = v;
          }
          nextBests[u] = best;
          b += best - (cap + rowMax[level]![u]![i]!);
          if (b <= threshold[0]!) continue items;
        }
        const beforeLeaf = level === m - 3;
        for (let u = level + 1; u < (lazyLast && beforeLeaf ? m - 1 : m); u++) {
          const t = tables[level]![u]!;
          const src = here[u]!;
          const dst = next[u]!;
          const o = i * t.cols;
          const td = t.data;
          const cu = cand[u]!;
          if (beforeLeaf && u === m - 2) {
            // The next level's items, with the first test of its loop done here (against the
            // threshold as it is now: it only rises, so the loop tests again), read by decreasing
            // entry of this item's row: once even the best accumulator-plus-best-last-entry
            // (leafCap) cannot lift an entry past the threshold, no later one can. Only the items
            // that pass get their accumulator written, and they are listed in row order.
            const maxTo = rowMax[u]![m - 1]!;
            const nextPartial = partial + own[i]!;
            const bestLast = nextBests[m - 1]!;
            const ord = orders[level]![u]!;
            const mask = allowedMask[u]!;
            const stop = threshold[0]! - nextPartial - bestLast - leafCap - BOUND_SLACK;
            leafCount = 0;
            for (let q = 0; q < t.cols; q++) {
              const j = ord[o + q]!;
              const e = td[o + j]!;
              if (e <= stop) break;
              if (mask[j] === 0) continue;
              const v = Math.fround(src[j]! + e);
              if (nextPartial + v + bestLast + maxTo[j]! > threshold[0]!) {
                dst[j] = v;
                leafRows[leafCount++] = j;
              }
            }
            sortAscending(leafRows, leafCount);
            continue;
          }
          for (let q = 0; q < cu.length; q++) {
            const j = cu[q]!;
            dst[j] = src[j]! + td[o + j]!;
          }
        }
      } else {
        for (let u = level + 1; u < m; u++) {
          const t = tables[level]![u]!;
          const src = here[u]!;
          const dst = next[u]!;
          const o = i * t.cols;
          const td = t.data;
          const cu = cand[u]!;
          let best = -Infinity;
          for (let q = 0; q < cu.length; q++) {
            const j = cu[q]!;
            const v = src[j]! + td[o + j]!;
            dst[j] = v;
            if (v > best) best = v;
          }
          nextBests[u] = best;
          b += best - (bestBefore[u]! + rowMax[level]![u]![i]!);
          if (b <= threshold[0]!) continue items;
        }
      }
      visit(level + 1, partial + own[i]!);
    }
  };
  visit(0, 0);
  const levelOf = slots.map((s) => order.indexOf(s));
  // One copy of the slot list, shared by every outfit found (none of them changes it).
  const slotList = [...slots];
  return heap.sorted((score, rows, at) => ({ slots: slotList, rows: levelOf.map((l) => rows[at + l]!), score }));
}

/** Early stops use bounds this much looser than they need be: stored accumulators are rounded to float32. */
const BOUND_SLACK = 1e-5;

/** The first `count` entries in increasing order (insertion sort for the usual short lists). */
function sortAscending(a: Int32Array, count: number): void {
  if (count > 64) {
    a.subarray(0, count).sort();
    return;
  }
  for (let x = 1; x < count; x++) {
    const v = a[x]!;
    let z = x - 1;
    while (z >= 0 && a[z]! > v) {
      a[z + 1] = a[z]!;
      z--;
    }
    a[z + 1] = v;
  }
}

/** Queue entries (rows' positions) by decreasing bound, ties by row; insertion sort for the usual short queues. */
function sortByBound(queue: Int32Array, bound: Float64Array, rows: Int32Array): Int32Array {
  if (queue.length > 64) return queue.sort((x, y) => bound[y]! - bound[x]! || rows[x]! - rows[y]!);
  for (let a = 1; a < queue.length; a++) {
    const r = queue[a]!;
    const b = bound[r]!;
    let z = a - 1;
    while (z >= 0) {
      const w = queue[z]!;
      const bw = bound[w]!;
      if (bw > b || (bw === b && rows[w]! < rows[r]!)) break;
      queue[z + 1] = w;
      z--;
    }
    queue[z + 1] = r;
  }
  return queue;
}

function allRows(n: number): Int32Array {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

/** A bounded min-heap of (score, rows): keeps the N best, in flat typed arrays (no object per entry). */
class TopHeap {
  private readonly n: number;
  private readonly width: number;
  private size = 0;
  private scores: Float64Array;
  private rows: Int32Array;

  constructor(n: number, width: number) {
    this.n = n;
    this.width = width;
    const initial = Math.min(n, 1024);
    this.scores = new Float64Array(initial);
    this.rows = new Int32Array(initial * width);
  }

  full(): boolean {
    return this.size >= this.n;
  }

  minScore(): number {
    return this.size ? this.scores[0]! : -Infinity;
  }

  push(score: number, rows: Int32Array): void {
    if (this.full()) {
      if (score <= this.scores[0]!) return;
      this.put(0, score, rows);
      this.down(0);
      return;
    }
    if (this.size === this.scores.length) this.grow();
    this.put(this.size, score, rows);
    this.size++;
    this.up(this.size - 1);
  }

  /** The entries best first (ties by rows), each as its score and its rows mapped by `pick`. */
  sorted<T>(pick: (score: number, rows: Int32Array, at: number) => T): T[] {
    const w = this.width;
    const r = this.rows;
    const byScore = new Int32Array(this.size);
    for (let k = 0; k < this.size; k++) byScore[k] = k;
    byScore.sort((a, b) => {
      const d = this.scores[b]! - this.scores[a]!;
      if (d !== 0) return d;
      for (let c = 0; c < w; c++) if (r[a * w + c] !== r[b * w + c]) return r[a * w + c]! - r[b * w + c]!;
      return 0;
    });
    return Array.from(byScore, (k) => pick(this.scores[k]!, r, k * w));
  }

  private put(k: number, score: number, rows: Int32Array): void {
    this.scores[k] = score;
    const o = k * this.width;
    for (let c = 0; c < this.width; c++) this.rows[o + c] = rows[c]!;
  }

  private grow(): void {
    const capacity = Math.min(this.n, this.scores.length * 2);
    const scores = new Float64Array(capacity);
    scores.set(this.scores);
    const rows = new Int32Array(capacity * this.width);
    rows.set(this.rows);
    this.scores = scores;
    this.rows = rows;
  }

  private swap(a: number, b: number): void {
    const s = this.scores[a]!;
    this.scores[a] = this.scores[b]!;
    this.scores[b] = s;
    const w = this.width;
    for (let c = 0; c < w; c++) {
      const x = this.rows[a * w + c]!;
      this.rows[a * w + c] = this.rows[b * w + c]!;
      this.rows[b * w + c] = x;
    }
  }

  private up(k: number): void {
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!(this.scores[k]! < this.scores[p]!)) return;
      this.swap(k, p);
      k = p;
    }
  }

  private down(k: number): void {
    const size = this.size;
    for (;;) {
      const l = 2 * k + 1;
      const r = l + 1;
      let min = k;
      if (l < size && this.scores[l]! < this.scores[min]!) min = l;
      if (r < size && this.scores[r]! < this.scores[min]!) min = r;
      if (min === k) return;
      this.swap(k, min);
      k = min;
    }
  }
}

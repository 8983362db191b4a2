// The branch-and-bound search against brute force: the same top N, in the same order, over every slot set
// and with restricted (pinned, excluded) rows.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';
import { OutfitEngine } from '../../../electron/core/outfits/engine.ts';
import type { WardrobeIndex } from '../../../electron/core/outfits/engine.ts';
import { computeRowOrder, topOutfits } from '../../../electron/core/outfits/search.ts';
import type { SearchSpace } from '../../../electron/core/outfits/search.ts';
import { VALID_SLOT_SETS, pairsOf } from '../../../electron/core/outfits/slots.ts';
import type { Slot } from '../../../electron/core/outfits/slots.ts';
import { randomModel, randomWardrobe } from './helpers.ts';

function bruteForce(index: WardrobeIndex, slots: readonly Slot[], allowed: Partial<Record<Slot, Int32Array>>): { rows: number[]; score: number }[] {
  const lists = slots.map((s) => Array.from(allowed[s] ?? Int32Array.from({ length: index.size(s) }, (_, i) => i)));
  const out: { rows: number[]; score: number }[] = [];
  const walk = (level: number, rows: number[]) => {
    if (level === slots.length) {
      let score = 0;
      slots.forEach((s, i) => (score += index.unary(s)[rows[i]!]!));
      for (const [a, b] of pairsOf(slots)) score += index.pairScore(a, rows[slots.indexOf(a)]!, b, rows[slots.indexOf(b)]!);
      out.push({ rows: [...rows], score });
      return;
    }
    for (const r of lists[level]!) walk(level + 1, [...rows, r]);
  };
  walk(0, []);
  return out.sort((x, y) => y.score - x.score);
}

/** The index's tables without its kept row orders or row maxima: the search's plain path. */
function tablesOnly(index: WardrobeIndex): SearchSpace {
  return { size: (s) => index.size(s), table: (a, b) => index.table(a, b), unary: (s) => index.unary(s) };
}

describe('exact outfit search', () => {
  it('finds the true top N for every slot set of random wardrobes', () => {
    const rng = new Rng(11);
    const engine = new OutfitEngine(randomModel(3));
    for (let trial = 0; trial < 25; trial++) {
      const index = engine.index(randomWardrobe(rng, 6));
      for (const slots of VALID_SLOT_SETS) {
        if (!slots.every((s) => index.size(s) > 0)) {
          expect(topOutfits(index, slots, 10)).toEqual([]);
          continue;
        }
        const n = 1 + rng.int(15);
        const allowed: Partial<Record<Slot, Int32Array>> = {};
        // Sometimes pin one slot to one row, sometimes drop some rows of another.
        const restriction = rng.int(4);
        if (restriction < 2) {
          const s = rng.pick(slots);
          allowed[s] = Int32Array.of(rng.int(index.size(s)));
        } else if (restriction === 2) {
          const s = rng.pick(slots);
          const keep = Array.from({ length: index.size(s) }, (_, i) => i).filter(() => rng.next() < 0.6);
          if (keep.length) allowed[s] = Int32Array.from(keep);
        }
        const want = bruteForce(index, slots, allowed).slice(0, n);
        const got = topOutfits(index, slots, n, allowed);
        expect(got.map((g) => g.score)).toEqual(want.map((w) => expect.closeTo(w.score, 4)) as unknown as number[]);
        expect(got.map((g) => g.rows)).toEqual(want.map((w) => w.rows));
        // The same search over the tables alone (no kept row orders, as for a catalogue query): same result.
        expect(topOutfits(tablesOnly(index), slots, n, allowed)).toEqual(got);
      }
    }
  });
});

describe('row orders', () => {
  it("lists each row's columns by decreasing entry, ties by column (negative, zero and repeated values)", () => {
    const rng = new Rng(23);
    for (let trial = 0; trial < 20; trial++) {
      const rows = 1 + rng.int(12);
      const cols = 1 + rng.int(60);
      const data = Float32Array.from({ length: rows * cols }, () => (trial % 2 ? rng.int(7) / 3 - 1 : 4 * rng.next() - 2));
      const got = computeRowOrder({ rows, cols, data });
      for (let i = 0; i < rows; i++) {
        const want = Array.from({ length: cols }, (_, j) => j).sort((a, b) => data[i * cols + b]! - data[i * cols + a]! || a - b);
        expect(Array.from(got.subarray(i * cols, (i + 1) * cols))).toEqual(want);
      }
    }
  });
});

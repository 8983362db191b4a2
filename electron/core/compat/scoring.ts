// Scoring outfits of a known set of items with a compatibility model: every item is prepared once (its
// per-pair vectors), then an outfit's score is a few dot products. Used by training (validation), the
// evaluation, `stylist score`, and the search's pair tables.
import { SLOT_PAIRS, pairKey } from '../outfits/slots.ts';
import type { PairKey, Slot } from '../outfits/slots.ts';
import type { DataItem, Instance } from './data.ts';
import { featureMatrix } from './model.ts';
import type { CompatModel, PersonalCompat, SlotVectors } from './model.ts';

export interface PairScore {
  a: Slot;
  b: Slot;
  score: number;
}

export class PreparedItems {
  readonly model: CompatModel;
  readonly slots: Map<Slot, SlotVectors>;
  /** Item index -> row among its slot's items. */
  private readonly row: Int32Array;

  /** `features`: the items' transformed features (n x inputDim) when already computed. */
  constructor(model: CompatModel, items: readonly DataItem[], options: { features?: Float32Array; personal?: PersonalCompat; only?: ReadonlySet<number> } = {}) {
    this.model = model;
    const D = model.config.inputDim;
    const feats = options.features ?? featureMatrix(model.transform, items.map((i) => i.embedding));
    this.row = new Int32Array(items.length).fill(-1);
    const bySlot = new Map<Slot, number[]>();
    items.forEach((it, i) => {
      if (options.only && !options.only.has(i)) return;
      const list = bySlot.get(it.slot) ?? bySlot.set(it.slot, []).get(it.slot)!;
      this.row[i] = list.length;
      list.push(i);
    });
    this.slots = new Map();
    for (const [slot, idx] of bySlot) {
      const f = new Float32Array(idx.length * D);
      idx.forEach((i, r) => f.set(feats.subarray(i * D, (i + 1) * D), r * D));
      this.slots.set(slot, model.prepareSlot(slot, f, idx.length, options.personal, idx.map((i) => items[i]!.embedding)));
    }
  }

  /** The outfit's score per slot pair (pairs in SLOT_PAIRS order). */
  breakdown(inst: Instance): PairScore[] {
    const out: PairScore[] = [];
    for (const [a, b] of SLOT_PAIRS) {
      const ia = inst[a];
      const ib = inst[b];
      if (ia === undefined || ib === undefined) continue;
      out.push({ a, b, score: this.pairScore(pairKey(a, b), a, ia, b, ib) });
    }
    return out;
  }

  score(inst: Instance): number {
    let s = 0;
    for (const p of this.breakdown(inst)) s += p.score;
    for (const slot of Object.keys(inst) as Slot[]) s += this.slots.get(slot)!.unary[this.row[inst[slot]!]!]!;
    return s;
  }

  pairScore(key: PairKey, a: Slot, ia: number, b: Slot, ib: number): number {
    const la = this.slots.get(a)!.sides.get(key)!;
    const rb = this.slots.get(b)!.sides.get(key)!;
    const ra = this.row[ia]!;
    const rbRow = this.row[ib]!;
    if (ra < 0 || rbRow < 0) throw new Error('item was not prepared');
    let s = 0;
    const ao = ra * la.dim;
    const bo = rbRow * rb.dim;
    for (let k = 0; k < la.dim; k++) s += la.data[ao + k]! * rb.data[bo + k]!;
    return s;
  }
}

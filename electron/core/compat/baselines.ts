// The baselines every compatibility figure is reported against, computed in the same run on the same
// negatives: the sum of pairwise cosine similarities of the embeddings (no training), and a logistic
// model on the element-wise products of each slot pair's L2-normalised embeddings (one weight vector per
// slot pair, trained on the same outfits and negatives as the model).
import type { Rng } from '../learning/nn/rng.ts';
import { SLOT_PAIRS, pairKey } from '../outfits/slots.ts';
import type { PairKey } from '../outfits/slots.ts';
import { poolsOf, randomNegative, sampleInstance, swapNegative } from './data.ts';
import type { DataItem, Instance, SlottedOutfit } from './data.ts';
import type { InstanceScorer } from './evaluate.ts';
import { l2Normalized } from './features.ts';

export function cosineSumScorer(items: readonly DataItem[]): InstanceScorer {
  const unit = new Map<number, Float32Array>();
  const u = (i: number) => unit.get(i) ?? unit.set(i, l2Normalized(items[i]!.embedding)).get(i)!;
  return (inst) => {
    let s = 0;
    for (const [a, b] of SLOT_PAIRS) {
      const ia = inst[a];
      const ib = inst[b];
      if (ia === undefined || ib === undefined) continue;
      const x = u(ia);
      const y = u(ib);
      for (let k = 0; k < x.length; k++) s += x[k]! * y[k]!;
    }
    return s;
  };
}

export function trainLogisticBaseline(items: readonly DataItem[], outfits: readonly SlottedOutfit[], rng: Rng, options: { epochs?: number; lr?: number; l2?: number; batchSize?: number } = {}): InstanceScorer {
  const unit = items.map((i) => l2Normalized(i.embedding));
  const dim = unit[0]?.length ?? 0;
  // Feature k of a pair: dim * x_k * y_k (products of unit vectors are ~1/dim; this brings them to ~1).
  const keys = SLOT_PAIRS.map(([a, b]) => pairKey(a, b));
  const w = new Map<PairKey, Float32Array>(keys.map((k) => [k, new Float32Array(dim + 1)]));
  const m = new Map<PairKey, Float32Array>(keys.map((k) => [k, new Float32Array(dim + 1)]));
  const v = new Map<PairKey, Float32Array>(keys.map((k) => [k, new Float32Array(dim + 1)]));
  const forEachPair = (inst: Instance, fn: (key: PairKey, x: Float32Array, y: Float32Array) => void) => {
    for (const [a, b] of SLOT_PAIRS) {
      const ia = inst[a];
      const ib = inst[b];
      if (ia !== undefined && ib !== undefined) fn(pairKey(a, b), unit[ia]!, unit[ib]!);
    }
  };
  const score = (inst: Instance) => {
    let s = 0;
    forEachPair(inst, (key, x, y) => {
      const p = w.get(key)!;
      s += p[dim]!;
      for (let k = 0; k < dim; k++) s += p[k]! * dim * x[k]! * y[k]!;
    });
    return s;
  };
  const pools = poolsOf(outfits);
  const lr = options.lr ?? 3e-3;
  const l2 = options.l2 ?? 1e-3;
  const batchSize = options.batchSize ?? 32;
  let t = 0;
  for (let epoch = 0; epoch < (options.epochs ?? 10); epoch++) {
    const order = rng.shuffle([...outfits]);
    for (let start = 0; start < order.length; start += batchSize) {
      const grads = new Map<PairKey, Float32Array>(keys.map((k) => [k, new Float32Array(dim + 1)]));
      let count = 0;
      for (const o of order.slice(start, start + batchSize)) {
        const pos = sampleInstance(o, rng);
        const negatives = [swapNegative(pos, pools, rng), randomNegative(pos, pools, rng)].filter((n) => n !== null);
        // Balanced: the positive weighs as much as its negatives together.
        const examples: [Instance, number, number][] = [[pos, 1, 1], ...negatives.map((n): [Instance, number, number] => [n, 0, 1 / negatives.length])];
        for (const [inst, label, weight] of examples) {
          const g = (1 / (1 + Math.exp(-score(inst))) - label) * weight;
          forEachPair(inst, (key, x, y) => {
            const gw = grads.get(key)!;
            for (let k = 0; k < dim; k++) gw[k]! += g * dim * x[k]! * y[k]!;
            gw[dim]! += g;
          });
        }
        count++;
      }
      t++;
      const c1 = 1 - 0.9 ** t;
      const c2 = 1 - 0.999 ** t;
      for (const key of keys) {
        const p = w.get(key)!;
        const gw = grads.get(key)!;
        const mm = m.get(key)!;
        const vv = v.get(key)!;
        for (let k = 0; k <= dim; k++) {
          const g = gw[k]! / count + (k < dim ? l2 * p[k]! : 0);
          mm[k] = 0.9 * mm[k]! + 0.1 * g;
          vv[k] = 0.999 * vv[k]! + 0.001 * g * g;
          p[k]! -= (lr * (mm[k]! / c1)) / (Math.sqrt(vv[k]! / c2) + 1e-8);
        }
      }
    }
  }
  return score;
}

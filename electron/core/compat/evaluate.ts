// How the compatibility model is measured: real outfits against negatives made from the same items
// (one item swapped for another of its slot; fully random outfits of the same slots), as AUC, and
// fill-in-the-blank accuracy (one slot hidden, the true item among `candidates` of that slot).
import { auc } from '../evaluation/metrics.ts';
import type { Rng } from '../learning/nn/rng.ts';
import type { Slot } from '../outfits/slots.ts';
import { firstInstance, poolsOf, slotsOf, uniformSampler } from './data.ts';
import type { Instance, NegativeSampler, Pools, SlottedOutfit } from './data.ts';

export interface FitbQuestion {
  outfit: Instance;
  slot: Slot;
  /** The true item first. */
  candidates: number[];
}

export interface EvalSet {
  positives: Instance[];
  swaps: Instance[];
  randoms: Instance[];
  fitb: FitbQuestion[];
  candidates: number;
}

export interface CompatMetrics {
  auc_swap: number;
  auc_random: number;
  fitb: number;
}

export type InstanceScorer = (inst: Instance) => number;

/** Negatives and questions drawn once (seeded), so every model and baseline answers the same ones. */
export function buildEvalSet(outfits: readonly SlottedOutfit[], rng: Rng, options: { negativesPerOutfit?: number; candidates?: number; pools?: Pools; sampler?: NegativeSampler } = {}): EvalSet {
  const pools = options.pools ?? poolsOf(outfits);
  const sampler = options.sampler ?? uniformSampler(pools);
  const per = options.negativesPerOutfit ?? 2;
  const candidates = options.candidates ?? 4;
  const positives = outfits.map(firstInstance);
  const swaps: Instance[] = [];
  const randoms: Instance[] = [];
  const fitb: FitbQuestion[] = [];
  for (const pos of positives) {
    for (let k = 0; k < per; k++) {
      const s = sampler.swap(pos, rng);
      if (s) swaps.push(s);
      const r = sampler.random(pos, rng);
      if (r) randoms.push(r);
    }
    const slots = slotsOf(pos).filter((s) => (pools[s]?.length ?? 0) >= candidates);
    if (!slots.length) continue;
    const slot = rng.pick(slots);
    const truth = pos[slot]!;
    const chosen = new Set([truth]);
    const pool = pools[slot]!;
    while (chosen.size < candidates) chosen.add(rng.pick(pool));
    fitb.push({ outfit: pos, slot, candidates: [...chosen] });
  }
  return { positives, swaps, randoms, fitb, candidates };
}

export function measure(score: InstanceScorer, set: EvalSet): CompatMetrics {
  const pos = set.positives.map(score);
  let right = 0;
  for (const q of set.fitb) {
    const scores = q.candidates.map((c) => score({ ...q.outfit, [q.slot]: c }));
    const best = Math.max(...scores);
    // Ties at the top share the credit, so a constant scorer gets chance.
    if (scores[0] === best) right += 1 / scores.filter((s) => s === best).length;
  }
  return {
    auc_swap: auc(pos, set.swaps.map(score)),
    auc_random: auc(pos, set.randoms.map(score)),
    fitb: set.fitb.length ? right / set.fitb.length : NaN,
  };
}

/** What a scorer that knows nothing gets on average. */
export function chanceMetrics(set: EvalSet): CompatMetrics {
  return { auc_swap: 0.5, auc_random: 0.5, fitb: 1 / set.candidates };
}

// Garments that stand for a wardrobe: k clusters of the unit embeddings (cosine k-means, seeded by
// farthest-point picks so the clusters spread over the whole wardrobe) and, per cluster, the item nearest its
// centre. Answers about these cover the wardrobe with the fewest questions (the personalisation ceiling's
// item choice, personal-ceiling.ts).
import { dot, normalize } from '../evaluation/metrics.ts';
import { argmax } from '../heads/labels.ts';
import type { Rng } from './nn/rng.ts';

/** Indices of k distinct vectors, one per cluster (all of them when there are no more than k). */
export function medoids(vectors: readonly Float32Array[], k: number, rng: Rng, iterations = 10): number[] {
  if (vectors.length <= k) return vectors.map((_, i) => i);
  const unit = vectors.map(normalize);
  let centres: Float32Array[] = farthestPoints(unit, k, rng).map((i) => Float32Array.from(unit[i]!));
  for (let it = 0; it < iterations; it++) {
    const cluster = unit.map((v) => argmax(centres.map((c) => dot(v, c))));
    centres = centres.map((old, c) => {
      const sum = new Float32Array(old.length);
      let n = 0;
      unit.forEach((v, i) => {
        if (cluster[i] !== c) return;
        n++;
        for (let d = 0; d < sum.length; d++) sum[d]! += v[d]!;
      });
      return n ? normalize(sum) : old;
    });
  }
  const taken = new Set<number>();
  return centres.map((c) => {
    const best = argmax(unit.map((v, i) => (taken.has(i) ? -Infinity : dot(v, c))));
    taken.add(best);
    return best;
  });
}

/** k indices picked one by one, each the vector least similar to those already picked (the first at random). */
function farthestPoints(unit: readonly Float32Array[], k: number, rng: Rng): number[] {
  const picked = [rng.int(unit.length)];
  const closest = unit.map((v) => dot(v, unit[picked[0]!]!));
  while (picked.length < k) {
    const next = argmax(closest.map((s) => -s));
    picked.push(next);
    unit.forEach((v, i) => (closest[i] = Math.max(closest[i]!, dot(v, unit[next]!))));
  }
  return picked;
}

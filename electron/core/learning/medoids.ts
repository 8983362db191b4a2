// Garments that stand for a wardrobe: k clusters of the unit embeddings (cosine k-means, seeded by
// farthest-point picks so the clusters spread over the whole wardrobe) and, per cluster, the item nearest its
// centre. Answers about these cover the wardrobe with the fewest questions (the personalisation ceiling's
// item choice, personal-ceiling.ts).
import { dot, normalize } from '../evaluation/metrics.ts';
import type { Rng } from './nn/rng.ts';

/** Indices of k distinct vectors, one per cluster (all of them when there are no more than k). */
export function medoids(vectors: readonly Float32Array[], k: number, rng: Rng, iterations = 10): number[] {
  if (vectors.length <= k) return vectors.map((_, i) => i);
  const unit = vectors.map(normalize);
  let centres: Float32Array[] = farthestPoints(unit, k, rng).map((i) => Float32Array.from(unit[i]!));
  const nearest = (v: Float32Array, among: readonly Float32Array[]) => {
    let best = 0;
    for (let c = 1; c < among.length; c++) if (dot(v, among[c]!) > dot(v, among[best]!)) best = c;
    return best;
  };
  for (let it = 0; it < iterations; it++) {
    const cluster = unit.map((v) => nearest(v, centres));
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
    let best = -1;
    unit.forEach((v, i) => {
      if (!taken.has(i) && (best < 0 || dot(v, c) > dot(unit[best]!, c))) best = i;
    });
    taken.add(best);
    return best;
  });
}

/** k indices picked one by one, each the vector least similar to those already picked (the first at random). */
function farthestPoints(unit: readonly Float32Array[], k: number, rng: Rng): number[] {
  const picked = [rng.int(unit.length)];
  const closest = unit.map((v) => dot(v, unit[picked[0]!]!));
  while (picked.length < k) {
    let next = 0;
    for (let i = 1; i < unit.length; i++) if (closest[i]! < closest[next]!) next = i;
    picked.push(next);
    unit.forEach((v, i) => (closest[i] = Math.max(closest[i]!, dot(v, unit[next]!))));
  }
  return picked;
}

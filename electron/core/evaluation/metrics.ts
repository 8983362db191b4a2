// The metrics the papers report, in one place: AUC (Mann-Whitney, ties counted half), NDCG, average
// precision, accuracy, and k-NN classification by cosine.
export function auc(positives: readonly number[], negatives: readonly number[]): number {
  if (!positives.length || !negatives.length) return NaN;
  const all = [...positives.map((s) => ({ s, pos: true })), ...negatives.map((s) => ({ s, pos: false }))].sort((a, b) => a.s - b.s);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.s === all[i]!.s) j++;
    const midRank = (i + j + 1) / 2; // ranks are 1-based
    for (let k = i; k < j; k++) if (all[k]!.pos) rankSum += midRank;
    i = j;
  }
  const p = positives.length;
  return (rankSum - (p * (p + 1)) / 2) / (p * negatives.length);
}

/** NDCG of a ranking given as relevance in ranked order, against the ideal order of the same relevances. */
export function ndcg(relevanceInRankOrder: readonly number[], k = relevanceInRankOrder.length): number {
  const dcg = (rels: readonly number[]) => rels.slice(0, k).reduce((s, r, i) => s + (2 ** r - 1) / Math.log2(i + 2), 0);
  const ideal = dcg([...relevanceInRankOrder].sort((a, b) => b - a));
  return ideal > 0 ? dcg(relevanceInRankOrder) / ideal : 0;
}

/** Average precision at k of a ranked list of relevance flags (normalised by min(k, total relevant)). */
export function averagePrecisionAtK(relevant: readonly boolean[], totalRelevant: number, k: number): number {
  let hits = 0;
  let sum = 0;
  for (let i = 0; i < Math.min(k, relevant.length); i++) {
    if (relevant[i]) {
      hits++;
      sum += hits / (i + 1);
    }
  }
  const denom = Math.min(k, totalRelevant);
  return denom > 0 ? sum / denom : 0;
}

export function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

export function normalize(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n) || 1;
  return v.map((x) => x / n);
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Majority label of the k nearest (cosine) gallery vectors; ties go to the nearer neighbour's label. */
export function knnPredict(query: Float32Array, gallery: readonly { v: Float32Array; label: string }[], k: number): string {
  const q = normalize(query);
  const top: { s: number; label: string }[] = [];
  for (const g of gallery) {
    const s = dot(q, g.v);
    if (top.length < k || s > top[top.length - 1]!.s) {
      top.push({ s, label: g.label });
      top.sort((a, b) => b.s - a.s);
      if (top.length > k) top.pop();
    }
  }
  const votes = new Map<string, number>();
  for (const t of top) votes.set(t.label, (votes.get(t.label) ?? 0) + 1);
  const best = Math.max(...votes.values());
  return top.find((t) => votes.get(t.label) === best)!.label;
}

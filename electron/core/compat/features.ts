// Item features for the outfit model: the backbone's 1280-d embedding, L2-normalised, then centred and
// projected on its top principal components (whitened), fitted on the training items. A fixed map, so the
// small per-slot networks train fast; it travels with the model (compat.bin) because it is part of it.
import { applyPca, fitPca } from '../learning/pca.ts';
import type { Pca } from '../learning/pca.ts';

export interface FeatureTransform {
  pca: Pca;
}

export function fitFeatureTransform(embeddings: readonly Float32Array[], options: { dim: number; shrink?: number; seed?: number }): FeatureTransform {
  return { pca: fitPca(embeddings.map(l2Normalized), { k: options.dim, whiten: true, shrink: options.shrink ?? 0.1, seed: options.seed ?? 1 }) };
}

export function transformEmbedding(t: FeatureTransform, embedding: Float32Array): Float32Array {
  if (embedding.length !== t.pca.dim) throw new Error(`the outfit model expects ${t.pca.dim}-d embeddings, got ${embedding.length}`);
  return applyPca(t.pca, l2Normalized(embedding));
}

export function l2Normalized(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  n = Math.sqrt(n) || 1;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! / n;
  return out;
}

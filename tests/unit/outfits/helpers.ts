// Small random models and wardrobes for the outfit engine's tests (no kit, no lookbook needed).
import { CompatModel } from '../../../electron/core/compat/model.ts';
import type { CompatConfig } from '../../../electron/core/compat/model.ts';
import { fitFeatureTransform } from '../../../electron/core/compat/features.ts';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';
import type { EngineItem } from '../../../electron/core/outfits/engine.ts';

export const EMBEDDING_DIM = 24;

export function randomEmbedding(rng: Rng, dim = EMBEDDING_DIM): Float32Array {
  // Non-negative like the backbone's (post-ReLU6 average pool).
  return Float32Array.from({ length: dim }, () => Math.abs(rng.normal()));
}

/** A model with random weights: scores are arbitrary but fixed, which is all the search needs. */
export function randomModel(seed: number, dress: CompatConfig['dress'] = 'top+bottom'): CompatModel {
  const rng = new Rng(seed);
  const transform = fitFeatureTransform(Array.from({ length: 60 }, () => randomEmbedding(rng)), { dim: 8, seed });
  const config: CompatConfig = { inputDim: 8, hidden: 12, rank: 4, inputDropout: 0, dropout: 0, dress };
  const model = new CompatModel(config, transform, rng, { trainedOn: 'random (test)', createdAt: new Date(0).toISOString() });
  // Bigger weights than the training initialisation, so scores spread and ties are rare.
  for (const p of model.params()) for (let i = 0; i < p.value.length; i++) p.value[i]! *= 2;
  model.markChanged();
  return model;
}

export const ALL_TYPES = ['top', 'bottom', 'shoes', 'dress', 'outerwear', 'accessory', 'unknown'] as const;

/** A wardrobe with a random number (possibly none) of every type. */
export function randomWardrobe(rng: Rng, maxPerType = 5, firstId = 1): EngineItem[] {
  const items: EngineItem[] = [];
  let id = firstId;
  for (const type of ALL_TYPES) {
    const n = rng.int(maxPerType + 1);
    for (let i = 0; i < n; i++) items.push({ id: id++, type, embedding: randomEmbedding(rng) });
  }
  return rng.shuffle(items);
}

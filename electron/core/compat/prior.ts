// The model the app ships before anyone teaches it a house style: a principled prior built from the
// backbone and redistributable data only. "Like goes with like": a pair scores the similarity of the two
// items' whitened backbone features, the whitening fitted on the CC0 clothing dataset's photos. It is a
// CompatModel like any trained one (encoders pass the features through as [relu(z), relu(-z)], each pair
// network reads z back and takes a dot product), so personalisation fine-tunes it the same way.
import { Rng } from '../learning/nn/rng.ts';
import { fitFeatureTransform } from './features.ts';
import { CompatModel } from './model.ts';
import type { CompatConfig } from './model.ts';

export function similarityPrior(embeddings: readonly Float32Array[], options: { dim?: number; trainedOn: string; seed?: number }): CompatModel {
  const k = options.dim ?? 64;
  const transform = fitFeatureTransform(embeddings, { dim: k, seed: options.seed ?? 7 });
  const config: CompatConfig = { inputDim: k, hidden: 2 * k, rank: k, inputDropout: 0, dropout: 0, dress: 'native' };
  const model = new CompatModel(config, transform, new Rng(options.seed ?? 7), { trainedOn: options.trainedOn, createdAt: new Date().toISOString(), kind: 'similarity prior' });
  for (const encoder of model.encoders.values()) {
    const w = encoder.dense.weight.value;
    w.fill(0);
    encoder.dense.bias?.value.fill(0);
    // h = [relu(z), relu(-z)]
    for (let i = 0; i < k; i++) {
      w[i * k + i] = 1;
      w[(k + i) * k + i] = -1;
    }
  }
  // Each side reads z = relu(z) - relu(-z) back; the pair score is z_a . z_b / k (about a correlation).
  const scale = 1 / Math.sqrt(k);
  for (const net of model.pairs.values()) {
    for (const d of [net.left, net.right]) {
      const w = d.weight.value;
      w.fill(0);
      d.bias?.value.fill(0);
      for (let i = 0; i < k; i++) {
        w[i * 2 * k + i] = scale;
        w[i * 2 * k + k + i] = -scale;
      }
    }
  }
  model.markChanged();
  return model;
}

// One hashing head per garment type (Fashion Hash Net): standardised embedding -> Dense -> ReLU -> Dense
// (no bias) -> tanh(scale * x), the scale raised every epoch so the relaxed code tends to its sign; the
// sign is the code at inference. Until outfit-level training shapes them, the heads are trained to keep
// the embedding's neighbourhoods and the garment labels: code inner products match a target similarity
// that mixes "same fine label" with the cosine of the standardised embeddings.
import { Dense, Relu, ScaledTanh, Sequential, zeroGrads } from '../learning/nn/layers.ts';
import { Adam } from '../learning/nn/adam.ts';
import { Rng } from '../learning/nn/rng.ts';
import { similarityMatching } from '../learning/nn/similarity.ts';
import { batch, stack } from '../learning/nn/tensor.ts';
import { matmulTransB } from '../learning/nn/matmul.ts';
import type { Batch } from '../learning/nn/tensor.ts';

export interface HashHeadConfig {
  bits: number;
  hidden: number;
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  /** Weight of "same fine label" in the target similarity; the rest is the embeddings' cosine. */
  labelWeight: number;
  /** tanh scale: from scaleStart in the first epoch to scaleEnd in the last, geometrically. */
  scaleStart: number;
  scaleEnd: number;
  seed: number;
}

export const DEFAULT_HASH_CONFIG: HashHeadConfig = {
  bits: 128,
  hidden: 256,
  epochs: 30,
  batchSize: 128,
  lr: 1e-3,
  weightDecay: 1e-4,
  labelWeight: 0.5,
  scaleStart: 1,
  scaleEnd: 10,
  seed: 1,
};

/** A training item: standardised features (one or more views, e.g. the mirrored photo) and a label. */
export interface HashSample {
  views: Float32Array[];
  label: number;
}

export class HashHead {
  readonly hidden: Dense;
  readonly out: Dense;
  readonly tanh: ScaledTanh;
  readonly net: Sequential;

  constructor(inDim: number, config: Pick<HashHeadConfig, 'bits' | 'hidden'>, rng: Rng, name = 'hash') {
    this.hidden = new Dense(inDim, config.hidden, rng, { name: `${name}.hidden`, inputGrad: false });
    this.out = new Dense(config.hidden, config.bits, rng, { name: `${name}.out`, bias: false });
    this.tanh = new ScaledTanh(1);
    this.net = new Sequential([this.hidden, new Relu(), this.out, this.tanh]);
  }

  get bits(): number {
    return this.out.outDim;
  }

  /** Pre-activations: the code is their sign, the relaxed code tanh(scale * them). */
  logits(x: Batch): Batch {
    return this.out.forward(new Relu().forward(this.hidden.forward(x)));
  }
}

/** Cosine similarity matrix of a batch's rows. */
export function cosineMatrix(x: Batch): Float32Array {
  const { rows: n, cols: d } = x;
  const unit = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += x.data[i * d + k]! ** 2;
    const inv = 1 / (Math.sqrt(s) || 1);
    for (let k = 0; k < d; k++) unit[i * d + k] = x.data[i * d + k]! * inv;
  }
  return matmulTransB(unit, n, d, unit, n);
}

export function trainHashHead(samples: readonly HashSample[], inDim: number, config: HashHeadConfig, name = 'hash', onEpoch?: (epoch: number, loss: number) => void): HashHead {
  const rng = new Rng(config.seed);
  const head = new HashHead(inDim, config, rng, name);
  const params = head.net.params();
  const opt = new Adam(params, { lr: config.lr, weightDecay: config.weightDecay });
  const order = samples.map((_, i) => i);
  const ratio = config.epochs > 1 ? (config.scaleEnd / config.scaleStart) ** (1 / (config.epochs - 1)) : 1;
  for (let epoch = 0; epoch < config.epochs; epoch++) {
    head.tanh.scale = config.scaleStart * ratio ** epoch;
    opt.lr = config.lr * 0.5 * (1 + Math.cos((Math.PI * epoch) / config.epochs));
    rng.shuffle(order);
    let total = 0;
    let steps = 0;
    for (let s = 0; s + 1 < order.length; s += config.batchSize) {
      const idx = order.slice(s, s + config.batchSize);
      const x = stack(idx.map((i) => rng.pick(samples[i]!.views)));
      const n = idx.length;
      const cos = cosineMatrix(x);
      const target = new Float32Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const same = samples[idx[i]!]!.label === samples[idx[j]!]!.label ? 1 : 0;
          target[i * n + j] = config.labelWeight * same + (1 - config.labelWeight) * cos[i * n + j]!;
        }
      }
      zeroGrads(params);
      const codes = head.net.forward(x, true);
      const { loss, grad } = similarityMatching(codes, target);
      head.net.backward(grad);
      opt.step();
      total += loss;
      steps++;
    }
    onEpoch?.(epoch, total / Math.max(1, steps));
  }
  return head;
}

/** Sign codes of standardised features, as +1/-1 rows (n x bits). */
export function signCodes(head: HashHead, x: Batch): Batch {
  const l = head.logits(x);
  return batch(l.rows, l.cols, l.data.map((v) => (v > 0 ? 1 : -1)));
}

// The outfit compatibility model (stage one, general compatibility), after FashionNet's variant C: one
// matching network per pair of slots, scores summed.
//
//   score(outfit) = sum over the outfit's slot pairs (a, b) of  s_ab(item_a, item_b)
//                 + sum over its items of  itemTerm(item)                      (personal; 0 in general)
//   s_ab(x, y)    = <L_ab(h_a(x)), R_ab(h_b(y))>_K + l_ab(h_a(x)) + r_ab(h_b(y))
//   h_s(x)        = relu(W_s z(x) + b_s),   z(x) = whitened PCA of the L2-normalised 1280-d embedding
//
// h_s is a learned projection per slot (computed once per item); L_ab, R_ab are each one linear layer
// H -> K+1 (the last output is that side's own term), so a pair score is a dot product of two per-item
// vectors of size K+2: pair score tables are one matrix product, and catalogue search can bound them.
// A dress is scored natively (its own encoder and dress networks) when the training data had dress
// outfits; otherwise as a top and a bottom at once (top+bottom of the dress itself, plus both its top and
// bottom networks against shoes and outerwear), so dress outfits score on the same scale as the others.
//
// Personalisation (the interface the next stage builds on): a person's copy of some or all pair networks
// (PairNetwork.clone(), fine-tuned with Adam anchored at the general weights: snapshot(general.params()))
// replaces the general one in prepareSlot, and a per-item term (e.g. a user code over the item's hash code,
// Fashion Hash Net's user-item term) is added per item. An item-item term over hash codes fits the same
// form: append (w_ab * code_a) to the left vectors and code_b to the right ones.
import crypto from 'node:crypto';
import { Dense, Dropout, Relu, Sequential } from '../learning/nn/layers.ts';
import type { Param } from '../learning/nn/layers.ts';
import { matmulTransB } from '../learning/nn/matmul.ts';
import { Rng } from '../learning/nn/rng.ts';
import type { Batch } from '../learning/nn/tensor.ts';
import { SLOT_PAIRS, pairKey } from '../outfits/slots.ts';
import type { PairKey, Slot } from '../outfits/slots.ts';
import type { FeatureTransform } from './features.ts';
import { l2Normalized, transformEmbedding } from './features.ts';

export interface CompatConfig {
  /** Size of the item features (PCA components kept). */
  inputDim: number;
  /** Width of each slot's projection. */
  hidden: number;
  /** Rank of each pair network's interaction. */
  rank: number;
  inputDropout: number;
  dropout: number;
  dress: 'native' | 'top+bottom';
}

export interface CompatMeta {
  /** What the model was trained on, in words (e.g. "lookbook at ...", "CC0 clothing dataset"). */
  trainedOn: string;
  createdAt: string;
  [key: string]: unknown;
}

/** A slot's learned projection of item features: h = relu(W z + b), with dropout in training. */
export class SlotEncoder {
  readonly slot: Slot;
  readonly dense: Dense;
  private readonly net: Sequential;

  constructor(slot: Slot, config: CompatConfig, rng: Rng) {
    this.slot = slot;
    this.dense = new Dense(config.inputDim, config.hidden, rng, { name: `encoder.${slot}` });
    this.net = new Sequential([new Dropout(config.inputDropout, rng), this.dense, new Relu(), new Dropout(config.dropout, rng)]);
  }

  forward(x: Batch, training: boolean): Batch {
    return this.net.forward(x, training);
  }

  backward(dy: Batch): Batch {
    return this.net.backward(dy);
  }

  params(): Param[] {
    return this.net.params();
  }

  /** Inference for many items at once: n x hidden. */
  encode(features: Float32Array, n: number): Float32Array {
    const { inDim, outDim } = this.dense;
    const h = matmulTransB(features, n, inDim, this.dense.weight.value, outDim, { bias: this.dense.bias?.value ?? null });
    for (let i = 0; i < h.length; i++) if (h[i]! < 0) h[i] = 0;
    return h;
  }
}

/** The matching network of one pair of slots: s = <L(h_a), R(h_b)>_K + L(h_a)_K + R(h_b)_K. */
export class PairNetwork {
  readonly key: PairKey;
  readonly rank: number;
  readonly left: Dense;
  readonly right: Dense;

  constructor(key: PairKey, hidden: number, rank: number, rng: Rng) {
    this.key = key;
    this.rank = rank;
    this.left = new Dense(hidden, rank + 1, rng, { name: `pair.${key}.left` });
    this.right = new Dense(hidden, rank + 1, rng, { name: `pair.${key}.right` });
    // Small initial scores: products of two He-initialised layers would start far from zero.
    for (const d of [this.left, this.right]) for (let i = 0; i < d.weight.value.length; i++) d.weight.value[i]! *= 0.3;
  }

  params(): Param[] {
    return [...this.left.params(), ...this.right.params()];
  }

  /** An independent copy (a person's copy, to be fine-tuned from the general weights). */
  clone(): PairNetwork {
    const copy = new PairNetwork(this.key, this.left.inDim, this.rank, new Rng(1));
    const pairs: [Dense, Dense][] = [
      [copy.left, this.left],
      [copy.right, this.right],
    ];
    for (const [to, from] of pairs) {
      to.weight.value.set(from.weight.value);
      if (to.bias && from.bias) to.bias.value.set(from.bias.value);
    }
    return copy;
  }

  /** Outputs of one side for n encoded items: n x (rank + 1). */
  side(which: 'left' | 'right', h: Float32Array, n: number): Float32Array {
    const d = which === 'left' ? this.left : this.right;
    return matmulTransB(h, n, d.inDim, d.weight.value, d.outDim, { bias: d.bias?.value ?? null });
  }
}

/** How a pair's vectors are built: the networks it sums and which encoder reads each side's item. */
interface PairComponent {
  net: PairKey;
  leftEncoder: Slot;
  rightEncoder: Slot;
}

export interface PersonalCompat {
  /** Identifies this person's parts for caches (change it whenever they change). */
  id: string;
  /** The person's fine-tuned copies of pair networks (same shapes as the general ones). */
  pairs?: ReadonlyMap<PairKey, PairNetwork>;
  /** A per-item term added once per item of an outfit (e.g. user code . item hash code). */
  itemTerm?: (slot: Slot, embedding: Float32Array) => number;
  /** P(the person would wear this item), where their model has learned the item's slot; else null. */
  itemProbability?: (slot: Slot, embedding: Float32Array) => number | null;
  /** The stored weights these parts were read from (a worker rebuilds them from it). */
  blob?: Uint8Array;
}

/** One slot's items ready for scoring: per pair the slot is in, one vector per item (pair score = dot). */
export interface SlotVectors {
  slot: Slot;
  n: number;
  sides: Map<PairKey, { dim: number; data: Float32Array }>;
  /** Per-item terms (the personal item term; zeros for the general model). */
  unary: Float32Array;
}

export class CompatModel {
  readonly config: CompatConfig;
  readonly transform: FeatureTransform;
  readonly encoders: Map<Slot, SlotEncoder>;
  readonly pairs: Map<PairKey, PairNetwork>;
  meta: CompatMeta;
  private cachedId: string | null = null;

  constructor(config: CompatConfig, transform: FeatureTransform, rng: Rng, meta: CompatMeta) {
    this.config = config;
    this.transform = transform;
    this.meta = meta;
    const slots: Slot[] = config.dress === 'native' ? ['top', 'bottom', 'shoes', 'outerwear', 'dress'] : ['top', 'bottom', 'shoes', 'outerwear'];
    this.encoders = new Map(slots.map((s) => [s, new SlotEncoder(s, config, rng)]));
    this.pairs = new Map(
      SLOT_PAIRS.filter(([a, b]) => this.encoders.has(a) && this.encoders.has(b)).map(([a, b]) => [pairKey(a, b), new PairNetwork(pairKey(a, b), config.hidden, config.rank, rng)]),
    );
  }

  /** All trainable parameters in a fixed order (encoders, then pair networks). */
  params(): Param[] {
    return [...[...this.encoders.values()].flatMap((e) => e.params()), ...[...this.pairs.values()].flatMap((p) => p.params())];
  }

  /** Changes whenever the weights change (after markChanged()); caches key on it. */
  get id(): string {
    if (!this.cachedId) {
      const h = crypto.createHash('sha256').update(JSON.stringify(this.config));
      for (const p of this.params()) h.update(new Uint8Array(p.value.buffer, p.value.byteOffset, p.value.byteLength));
      this.cachedId = h.digest('hex').slice(0, 16);
    }
    return this.cachedId;
  }

  markChanged(): void {
    this.cachedId = null;
  }

  features(embedding: Float32Array): Float32Array {
    return transformEmbedding(this.transform, embedding);
  }

  private components(key: PairKey): PairComponent[] {
    if (this.pairs.has(key)) {
      const [a, b] = key.split('+') as [Slot, Slot];
      return [{ net: key, leftEncoder: a, rightEncoder: b }];
    }
    // A dress worn as a top and a bottom at once.
    if (key === 'dress+shoes') return [{ net: 'top+shoes', leftEncoder: 'top', rightEncoder: 'shoes' }, { net: 'bottom+shoes', leftEncoder: 'bottom', rightEncoder: 'shoes' }];
    if (key === 'outerwear+dress') return [{ net: 'outerwear+top', leftEncoder: 'outerwear', rightEncoder: 'top' }, { net: 'outerwear+bottom', leftEncoder: 'outerwear', rightEncoder: 'bottom' }];
    throw new Error(`no matching network for ${key}`);
  }

  /**
   * Vectors of one slot's items for every pair the slot is in. `features` are n rows of the transformed
   * embeddings (see features()); `embeddings` are only needed for a personal item term.
   */
  prepareSlot(slot: Slot, features: Float32Array, n: number, personal?: PersonalCompat, embeddings?: readonly Float32Array[]): SlotVectors {
    const hidden = new Map<Slot, Float32Array>();
    const encoded = (encoder: Slot) => {
      let h = hidden.get(encoder);
      if (!h) {
        const e = this.encoders.get(encoder);
        if (!e) throw new Error(`the outfit model has no encoder for ${encoder}`);
        h = e.encode(features, n);
        hidden.set(encoder, h);
      }
      return h;
    };
    const net = (key: PairKey) => personal?.pairs?.get(key) ?? this.pairs.get(key)!;
    const sides = new Map<PairKey, { dim: number; data: Float32Array }>();
    const selfTerm = slot === 'dress' && !this.encoders.has('dress') ? this.pairScoresOf(net('top+bottom'), encoded('top'), encoded('bottom'), n) : null;
    for (const [a, b] of SLOT_PAIRS) {
      if (a !== slot && b !== slot) continue;
      const key = pairKey(a, b);
      const which = a === slot ? 'left' : 'right';
      const parts = this.components(key);
      const k2 = this.config.rank + 2;
      const dim = parts.length * k2 + (selfTerm && which === 'left' ? 1 : 0) + (key === 'dress+shoes' && which === 'right' && !this.encoders.has('dress') ? 1 : 0);
      const data = new Float32Array(n * dim);
      parts.forEach((part, c) => {
        const out = net(part.net).side(which, encoded(which === 'left' ? part.leftEncoder : part.rightEncoder), n);
        const K = this.config.rank;
        for (let i = 0; i < n; i++) {
          const o = i * dim + c * k2;
          for (let k = 0; k < K; k++) data[o + k] = out[i * (K + 1) + k]!;
          // [own term, 1] on the left, [1, own term] on the right: the dot adds both own terms.
          data[o + K] = which === 'left' ? out[i * (K + 1) + K]! : 1;
          data[o + K + 1] = which === 'left' ? 1 : out[i * (K + 1) + K]!;
        }
      });
      if (dim > parts.length * k2) {
        // The dress's own top+bottom term rides on the dress+shoes pair (every dress outfit has shoes).
        for (let i = 0; i < n; i++) data[i * dim + dim - 1] = selfTerm ? selfTerm[i]! : 1;
      }
      sides.set(key, { dim, data });
    }
    const unary = new Float32Array(n);
    if (personal?.itemTerm && embeddings) for (let i = 0; i < n; i++) unary[i] = personal.itemTerm(slot, embeddings[i]!);
    return { slot, n, sides, unary };
  }

  private pairScoresOf(network: PairNetwork, ha: Float32Array, hb: Float32Array, n: number): Float32Array {
    const l = network.side('left', ha, n);
    const r = network.side('right', hb, n);
    const K = network.rank;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let s = l[i * (K + 1) + K]! + r[i * (K + 1) + K]!;
      for (let k = 0; k < K; k++) s += l[i * (K + 1) + k]! * r[i * (K + 1) + k]!;
      out[i] = s;
    }
    return out;
  }
}

/** The transformed features of many embeddings, n x inputDim (one blocked product per 2048 items). */
export function featureMatrix(transform: FeatureTransform, embeddings: readonly Float32Array[]): Float32Array {
  const { pca } = transform;
  const out = new Float32Array(embeddings.length * pca.k);
  const block = 2048;
  for (let start = 0; start < embeddings.length; start += block) {
    const rows = embeddings.slice(start, start + block);
    const x = new Float32Array(rows.length * pca.dim);
    rows.forEach((e, r) => {
      if (e.length !== pca.dim) throw new Error(`the outfit model expects ${pca.dim}-d embeddings, got ${e.length}`);
      const v = l2Normalized(e);
      for (let i = 0; i < pca.dim; i++) x[r * pca.dim + i] = v[i]! - pca.mean[i]!;
    });
    out.set(matmulTransB(x, rows.length, pca.dim, pca.components, pca.k), start * pca.k);
  }
  return out;
}

export function dotRows(a: Float32Array, ai: number, b: Float32Array, bi: number, dim: number): number {
  let s = 0;
  const ao = ai * dim;
  const bo = bi * dim;
  for (let k = 0; k < dim; k++) s += a[ao + k]! * b[bo + k]!;
  return s;
}

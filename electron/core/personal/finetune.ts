// Fine-tuning a person's parts from their judgements. Always starts from the general model and uses
// exactly the judgements that stand, so the person's model is a function of the record. (Starting the user
// term from the previous version instead was measured and rejected: chained warm starts overfit, AUC 0.81 ->
// 0.55 on a dev person.)
//
// The user term (Fashion Hash Net's user-item term, made probabilistic): per slot a logistic unit over the
// item features, p_s(x) = sigmoid(u_s . z(x) + b_s), "this person would wear this item"; an outfit is
// liked when its person likes every item, P(like) = prod_s p_s, fitted by maximum likelihood on likes and
// dislikes (a disliked outfit says only that some item fails: multiple-instance learning), with answers
// assumed wrong 10% of the time. Its log, sum_s log p_s, is added per item to the outfit score.
//
// The person's copies of the matching networks (FashionNet stage two, features frozen) are fine-tuned
// with the pairwise ranking loss (BPR) on liked > liked-with-one-item-swapped, regularised towards the
// general weights (Adam anchors) so a few judgements cannot wreck them.
import crypto from 'node:crypto';
import { Adam } from '../learning/nn/adam.ts';
import type { Param } from '../learning/nn/layers.ts';
import { matmulTransA, matmulTransB } from '../learning/nn/matmul.ts';
import { Rng } from '../learning/nn/rng.ts';
import type { CompatModel, PairNetwork } from '../compat/model.ts';
import { featureMatrix } from '../compat/model.ts';
import { SLOT_PAIRS, pairKey } from '../outfits/slots.ts';
import type { PairKey, Slot } from '../outfits/slots.ts';
import type { PersonalParams } from './person-model.ts';

export interface FineTuneItem {
  slot: Slot;
  embedding: Float32Array;
}

/** An outfit as item indices per slot. */
export type Outfit = Partial<Record<Slot, number>>;

export interface FineTuneJudgement {
  outfit: Outfit;
  liked: boolean;
  /** Of a dislike: the slot of the garment the person said is wrong ("not this one"), when they said. */
  blamed?: Slot;
}

export interface FineTuneOptions {
  userSteps?: number;
  /** Adam's rate for the user term. */
  userLr?: number;
  pairSteps?: number;
  /** L2 on the user vectors (a Gaussian prior: small judgements sets stay close to "no preference"). */
  userL2?: number;
  /** Pull of the pair networks towards the general weights. */
  pairAnchor?: number;
  /** Assumed share of answers that are mistakes. */
  noise?: number;
  seed?: number;
}

// The user term's features are scaled by 30 over 1,280 dimensions, so one Adam step at rate 0.05 can move a
// logit by tens: at that rate the fit often failed to settle (its objective, the mean negative log-likelihood
// plus the L2 term, ended at 0.57-1.12 where 0.16-0.18 is reachable; SYNTHETIC people answering random outfits without
// mistakes lost AUC from 50 to 100 answers, 0.90 -> 0.46 for one). At 0.01 for 300 steps it settles (EVALUATION.md).
// The L2 of 0.2 goes with a question in every second suggestion (questions.ts): weaker, the first answers make
// the model sure of garments, and questions, which trust the sure garments, repeat an early slip.
const DEFAULTS: Required<FineTuneOptions> = { userSteps: 300, userLr: 0.01, pairSteps: 10, userL2: 0.2, pairAnchor: 1, noise: 0.1, seed: 7 };

export function fineTune(model: CompatModel, items: readonly FineTuneItem[], judgements: readonly FineTuneJudgement[], options: FineTuneOptions = {}): PersonalParams {
  const o = { ...DEFAULTS, ...options };
  const pairs = new Map<PairKey, PairNetwork>();
  if (judgements.length === 0) return { pairs, user: new Map(), id: 'general' };
  const features = wardrobeFeatures(model, items);
  // No user term until the person has liked something or named a wrong garment: with unnamed dislikes alone
  // nothing says which item of an outfit failed, and lowering every item shown steers the suggestions away from what was shown, right or wrong
  // (a two-slot taste unlearned in two seeds of three on a synthetic pool; on the dev people, AUC after 50
  // judgements 0.677 -> 0.725 over six seeds; EVALUATION.md).
  const user = judgements.some((j) => j.liked || j.blamed) ? fitUserTerms(features.user, judgements, o) : new Map<Slot, Float32Array>();
  fitPairs(model, features.hidden, items, judgements, [...user.keys()], pairs, o);
  const id = crypto.createHash('sha256');
  for (const v of [...user.values(), ...[...pairs.values()].flatMap((p) => p.params().map((q) => q.value))]) id.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  return { pairs, user, id: id.digest('hex').slice(0, 16) };
}

/**
 * The item features of the user term: the backbone's embedding, L2-normalised and scaled so a unit weight
 * change matters. Measured on the lookbook's item attributes (colour, type, fabric) with 40 labelled items,
 * these separate better (AUC 0.84-0.96) than the outfit model's whitened components (0.73-0.92), and they
 * do not depend on the general model, so a person's taste survives a newly taught house style.
 */
export function userFeatures(embedding: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < embedding.length; i++) n += embedding[i]! * embedding[i]!;
  const scale = USER_FEATURE_SCALE / (Math.sqrt(n) || 1);
  return embedding.map((v) => v * scale);
}
const USER_FEATURE_SCALE = 30;

/**
 * What fine-tuning reads of a wardrobe, computed once per wardrobe and model: a person's clicks retrain on
 * the same items again and again (the last wardrobe is kept; the key is a digest of its embeddings).
 */
interface WardrobeFeatures {
  key: string;
  /** userFeatures per item, computed when first needed. */
  user: (i: number) => Float32Array;
  /** Per slot, every item's hidden vector under that slot's encoder (n x hidden), computed when first needed. */
  hidden: (slot: Slot) => Float32Array | null;
}
let lastWardrobe: WardrobeFeatures | null = null;

/** Identifies a wardrobe (its items' slots and embeddings, in order) under a model. */
function wardrobeDigest(model: CompatModel, items: readonly FineTuneItem[]): string {
  const h = crypto.createHash('sha256').update(model.id);
  for (const it of items) h.update(it.slot).update(new Uint8Array(it.embedding.buffer, it.embedding.byteOffset, it.embedding.byteLength));
  return h.digest('hex');
}

function wardrobeFeatures(model: CompatModel, items: readonly FineTuneItem[]): WardrobeFeatures {
  const key = wardrobeDigest(model, items);
  if (lastWardrobe?.key === key) return lastWardrobe;
  const user = new Map<number, Float32Array>();
  const hidden = new Map<Slot, Float32Array | null>();
  let z: Float32Array | null = null;
  lastWardrobe = {
    key,
    user: (i) => user.get(i) ?? user.set(i, userFeatures(items[i]!.embedding)).get(i)!,
    hidden: (slot) => {
      if (!hidden.has(slot)) {
        z ??= featureMatrix(model.transform, items.map((i) => i.embedding));
        hidden.set(slot, model.encoders.get(slot)?.encode(z, items.length) ?? null);
      }
      return hidden.get(slot)!;
    },
  };
  return lastWardrobe;
}

/** Per slot, the logistic unit's weights (one per feature) and bias (last), fitted jointly over slots. */
function fitUserTerms(features: (i: number) => Float32Array, judgements: readonly FineTuneJudgement[], o: Required<FineTuneOptions>): Map<Slot, Float32Array> {
  const first = Object.values(judgements[0]!.outfit)[0];
  const D = features(first!).length;
  // The judged items of each slot as one block of features: a step is two matrix products per slot.
  const blocks = new Map<Slot, { row: Map<number, number>; x: Float32Array; n: number; w: Param; logits: Float32Array; g: Float32Array }>();
  for (const j of judgements) {
    for (const [slot, i] of Object.entries(j.outfit) as [Slot, number][]) {
      let b = blocks.get(slot);
      if (!b) blocks.set(slot, (b = { row: new Map(), x: new Float32Array(0), n: 0, w: { name: `user.${slot}`, value: new Float32Array(D + 1), grad: new Float32Array(D + 1) }, logits: new Float32Array(0), g: new Float32Array(0) }));
      if (!b.row.has(i)) b.row.set(i, b.row.size);
    }
  }
  for (const b of blocks.values()) {
    b.n = b.row.size;
    b.x = new Float32Array(b.n * D);
    for (const [i, r] of b.row) b.x.set(features(i), r * D);
    b.g = new Float32Array(b.n);
  }

  // Each judgement as (block, row) per item, resolved once. A dislike whose wrong garment was named is an answer
  // about that garment alone (nothing is assumed of the others).
  const rows = judgements.map((j) => ({
    liked: j.liked,
    at: (Object.entries(j.outfit) as [Slot, number][]).filter(([slot]) => !j.blamed || slot === j.blamed).map(([slot, i]) => ({ b: blocks.get(slot)!, r: blocks.get(slot)!.row.get(i)! })),
  }));
  const opt = new Adam([...blocks.values()].map((b) => b.w), { lr: o.userLr });
  for (let step = 0; step < o.userSteps; step++) {
    for (const b of blocks.values()) {
      b.logits = matmulTransB(b.x, b.n, D, b.w.value.subarray(0, D), 1, { bias: b.w.value.subarray(D) });
      b.g.fill(0);
    }
    for (const j of rows) {
      let all = 1;
      for (const { b, r } of j.at) all *= sigmoid(b.logits[r]!);
      // The answer is "like" with q = noise + (1 - 2 noise) * prod p_s (answers are wrong `noise` of the time).
      const q = o.noise + (1 - 2 * o.noise) * all;
      const dq = j.liked ? -1 / q : 1 / (1 - q);
      // d prod / d logit_s = prod * (1 - p_s)
      for (const { b, r } of j.at) b.g[r]! += (dq * (1 - 2 * o.noise) * all * (1 - sigmoid(b.logits[r]!))) / rows.length;
    }
    for (const b of blocks.values()) {
      b.w.grad.set(matmulTransA(b.g, b.n, 1, b.x, D));
      let gb = 0;
      for (let r = 0; r < b.n; r++) gb += b.g[r]!;
      b.w.grad[D] = gb;
      for (let k = 0; k < D; k++) b.w.grad[k]! += o.userL2 * b.w.value[k]!;
    }
    opt.step();
  }
  return new Map([...blocks].map(([s, b]) => [s, b.w.value]));
}

function fitPairs(model: CompatModel, hiddenOf: (slot: Slot) => Float32Array | null, items: readonly FineTuneItem[], judgements: readonly FineTuneJudgement[], slotsUsed: Slot[], pairs: Map<PairKey, PairNetwork>, o: Required<FineTuneOptions>): void {
  const liked = judgements.filter((j) => j.liked).map((j) => j.outfit);
  if (!liked.length || o.pairSteps === 0) return;
  const used = new Set(slotsUsed);
  for (const [a, b] of SLOT_PAIRS) {
    const general = model.pairs.get(pairKey(a, b));
    // Only pairs scored by their own network (a dress scored as top+bottom keeps the general ones).
    if (general && used.has(a) && used.has(b) && model.encoders.has(a) && model.encoders.has(b)) pairs.set(pairKey(a, b), general.clone());
  }
  if (!pairs.size) return;
  const H = model.config.hidden;
  const K = model.config.rank;
  const hidden = new Map<Slot, Float32Array>();
  for (const slot of used) {
    const h = hiddenOf(slot);
    if (h) hidden.set(slot, h);
  }
  const bySlot = new Map<Slot, number[]>();
  items.forEach((it, i) => (bySlot.get(it.slot) ?? bySlot.set(it.slot, []).get(it.slot)!).push(i));
  const params = [...pairs.values()].flatMap((p) => p.params());
  const opt = new Adam(params, { lr: 0.004, anchorStrength: o.pairAnchor, anchors: params.map((p) => p.value.slice()) });
  const rng = new Rng(o.seed);
  for (let step = 0; step < o.pairSteps; step++) {
    // liked > the same outfit with one item swapped for a random one of its slot
    const examples: [Outfit, Outfit][] = [];
    for (const l of liked) {
      const slot = rng.pick(Object.keys(l) as Slot[]);
      const pool = bySlot.get(slot) ?? [];
      if (pool.length > 1) examples.push([l, { ...l, [slot]: rng.pick(pool) }]);
    }
    if (!examples.length) return;
    for (const p of params) p.grad.fill(0);
    for (const [key, net] of pairs) {
      const [a, b] = key.split('+') as [Slot, Slot];
      // Only the items this step's examples hold: gathered, scored, and back-propagated as small blocks.
      const rowsOf = (slot: Slot) => {
        const ids = [...new Set(examples.flatMap(([p, q]) => [p[slot], q[slot]]).filter((i): i is number => i !== undefined))];
        const at = new Map(ids.map((id, r) => [id, r]));
        const h = hidden.get(slot)!;
        const block = new Float32Array(ids.length * H);
        ids.forEach((id, r) => block.set(h.subarray(id * H, (id + 1) * H), r * H));
        return { at, block, n: ids.length };
      };
      const A = rowsOf(a);
      const B = rowsOf(b);
      if (!A.n || !B.n) continue;
      const L = matmulTransB(A.block, A.n, H, net.left.weight.value, K + 1, { bias: net.left.bias?.value ?? null });
      const R = matmulTransB(B.block, B.n, H, net.right.weight.value, K + 1, { bias: net.right.bias?.value ?? null });
      const gL = new Float32Array(A.n * (K + 1));
      const gR = new Float32Array(B.n * (K + 1));
      const pairScore = (ia: number, ib: number) => {
        let s = L[ia * (K + 1) + K]! + R[ib * (K + 1) + K]!;
        for (let k = 0; k < K; k++) s += L[ia * (K + 1) + k]! * R[ib * (K + 1) + k]!;
        return s;
      };
      const back = (ia: number, ib: number, g: number) => {
        for (let k = 0; k < K; k++) {
          gL[ia * (K + 1) + k]! += g * R[ib * (K + 1) + k]!;
          gR[ib * (K + 1) + k]! += g * L[ia * (K + 1) + k]!;
        }
        gL[ia * (K + 1) + K]! += g;
        gR[ib * (K + 1) + K]! += g;
      };
      for (const [pos, neg] of examples) {
        const [pa, pb, na, nb] = [pos[a], pos[b], neg[a], neg[b]];
        if (pa === undefined || pb === undefined || na === undefined || nb === undefined) continue;
        const [ra, rb, sa, sb] = [A.at.get(pa)!, B.at.get(pb)!, A.at.get(na)!, B.at.get(nb)!];
        const d = pairScore(ra, rb) - pairScore(sa, sb);
        const g = -1 / (1 + Math.exp(d)) / examples.length;
        back(ra, rb, g);
        back(sa, sb, -g);
      }
      // Weight gradients dy^T h in one product per side; bias gradients are the column sums.
      net.left.weight.grad.set(matmulTransA(gL, A.n, K + 1, A.block, H));
      net.right.weight.grad.set(matmulTransA(gR, B.n, K + 1, B.block, H));
      for (const [bias, g, n] of [[net.left.bias, gL, A.n], [net.right.bias, gR, B.n]] as const) {
        if (!bias) continue;
        for (let i = 0; i < n; i++) for (let k = 0; k <= K; k++) bias.grad[k]! += g[i * (K + 1) + k]!;
      }
    }
    opt.step();
  }
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** log sigmoid(x), stable for large |x|. */
export function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

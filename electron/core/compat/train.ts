// Training stage one (general compatibility): real outfits ranked above negatives made by swapping one
// item for another of its slot and above fully random outfits of the same slots, with the pairwise
// ranking loss (BPR / soft margin), Adam and early stopping on held-out tops.
import { Adam } from '../learning/nn/adam.ts';
import { trainWithEarlyStopping } from '../learning/nn/early-stopping.ts';
import { zeroGrads } from '../learning/nn/layers.ts';
import { pairwiseRanking } from '../learning/nn/losses.ts';
import { Rng } from '../learning/nn/rng.ts';
import { batch } from '../learning/nn/tensor.ts';
import type { Batch } from '../learning/nn/tensor.ts';
import type { Slot } from '../outfits/slots.ts';
import { poolsOf, sampleInstance, slotsOf, splitByTop, uniformSampler } from './data.ts';
import type { DataItem, Instance, NegativeSampler, SlottedOutfit } from './data.ts';
import { buildEvalSet, measure } from './evaluate.ts';
import type { CompatMetrics } from './evaluate.ts';
import { fitFeatureTransform } from './features.ts';
import { CompatModel, featureMatrix } from './model.ts';
import type { CompatConfig } from './model.ts';
import { PreparedItems } from './scoring.ts';

export interface TrainCompatOptions {
  config?: Partial<CompatConfig>;
  maxEpochs?: number;
  patience?: number;
  batchSize?: number;
  lr?: number;
  weightDecay?: number;
  /** Negatives per real outfit and step. */
  swapNegatives?: number;
  randomNegatives?: number;
  /** Extra pairs per real outfit against the negatives of other outfits in the batch. */
  crossNegatives?: number;
  /** Share of the outfits (grouped by top) kept aside to choose the epoch. */
  validationFraction?: number;
  /** Dress outfits needed to train dress networks (otherwise a dress is scored as a top and a bottom). */
  minDressOutfits?: number;
  seed?: number;
  meta: { trainedOn: string } & Record<string, unknown>;
  onProgress?: (p: TrainProgress) => void;
  /** How training and validation negatives are made (default: uniformly from each slot's items). */
  negatives?: NegativeSampler;
  /** Checked between steps; training stops early (keeping the best epoch so far) when it returns true. */
  shouldStop?: () => boolean;
}

export interface TrainProgress {
  phase: 'features' | 'training' | 'done';
  epoch: number;
  maxEpochs: number;
  trainLoss: number | null;
  validation: CompatMetrics | null;
}

export interface TrainReport {
  epochs: number;
  bestEpoch: number;
  validation: CompatMetrics;
  trainOutfits: number;
  validationOutfits: number;
  seconds: number;
}

export const DEFAULT_CONFIG: CompatConfig = { inputDim: 128, hidden: 128, rank: 32, inputDropout: 0.2, dropout: 0.5, dress: 'top+bottom' };

export function trainCompat(items: readonly DataItem[], outfits: readonly SlottedOutfit[], options: TrainCompatOptions): { model: CompatModel; report: TrainReport } {
  const started = Date.now();
  const rng = new Rng(options.seed ?? 7);
  const { train, test: valid } = splitByTop(outfits, options.validationFraction ?? 0.1, rng);
  if (train.length < 10 || valid.length < 5) throw new Error(`too few outfits to train on (${outfits.length})`);
  const dressOutfits = train.filter((o) => o.items.dress).length;
  const dress = dressOutfits >= (options.minDressOutfits ?? 30) ? 'native' : 'top+bottom';
  const config: CompatConfig = { ...DEFAULT_CONFIG, ...options.config, dress };
  // Without dress networks, dress outfits cannot be trained on; they are scored through top and bottom.
  const fit = dress === 'native' ? train : train.filter((o) => !o.items.dress);
  const validSet = dress === 'native' ? valid : valid.filter((o) => !o.items.dress);
  const maxEpochs = options.maxEpochs ?? 50;
  options.onProgress?.({ phase: 'features', epoch: 0, maxEpochs, trainLoss: null, validation: null });

  const trainPools = poolsOf(fit);
  const used = new Set(Object.values(trainPools).flat());
  const transform = fitFeatureTransform([...used].map((i) => items[i]!.embedding), { dim: config.inputDim, seed: options.seed ?? 7 });
  const features = featureMatrix(transform, items.map((i) => i.embedding));
  const model = new CompatModel(config, transform, rng, { ...options.meta, createdAt: new Date().toISOString() });
  const params = model.params();
  const adam = new Adam(params, { lr: options.lr ?? 2e-3, weightDecay: options.weightDecay ?? 1e-4 });
  const evalRng = new Rng((options.seed ?? 7) + 1);
  const sampler = options.negatives ?? uniformSampler(trainPools);
  const validation = buildEvalSet(validSet, evalRng, { negativesPerOutfit: 2, sampler: options.negatives });
  const validItems = new Set([...validation.positives, ...validation.swaps, ...validation.randoms].flatMap((i) => Object.values(i)).concat(validation.fitb.flatMap((q) => q.candidates)));
  const batchSize = options.batchSize ?? 64;
  let last: CompatMetrics | null = null;
  const validate = () => {
    model.markChanged();
    const prepared = new PreparedItems(model, items, { features, only: validItems });
    last = measure((inst) => prepared.score(inst), validation);
    return (last.auc_swap + last.auc_random) / 2 + last.fitb / 2;
  };
  let stopped = false;
  const result = trainWithEarlyStopping({
    params,
    maxEpochs,
    patience: options.patience ?? 6,
    runEpoch: (epoch) => {
      if (stopped || options.shouldStop?.()) {
        stopped = true;
        return NaN;
      }
      const order = rng.shuffle(fit.map((_, i) => i));
      let total = 0;
      let steps = 0;
      for (let start = 0; start < order.length; start += batchSize) {
        const positives = order.slice(start, start + batchSize).map((i) => sampleInstance(fit[i]!, rng));
        total += trainStep(model, features, positives, sampler, rng, options);
        adam.step();
        steps++;
      }
      // Decay the learning rate gently: late epochs refine.
      adam.lr *= 0.95;
      void epoch;
      return total / Math.max(1, steps);
    },
    validate: () => (stopped ? -Infinity : validate()),
    onEpoch: (r) => options.onProgress?.({ phase: 'training', epoch: r.epoch + 1, maxEpochs, trainLoss: r.trainLoss, validation: last }),
  });
  model.markChanged();
  const final = (() => {
    const prepared = new PreparedItems(model, items, { features, only: validItems });
    return measure((inst) => prepared.score(inst), validation);
  })();
  options.onProgress?.({ phase: 'done', epoch: result.history.length, maxEpochs, trainLoss: null, validation: final });
  return {
    model,
    report: {
      epochs: result.history.length,
      bestEpoch: result.bestEpoch + 1,
      validation: final,
      trainOutfits: fit.length,
      validationOutfits: validSet.length,
      seconds: (Date.now() - started) / 1000,
    },
  };
}

/** One minibatch: forward the real outfits and their negatives, BPR loss, backward. Returns the loss. */
export function trainStep(model: CompatModel, features: Float32Array, positives: readonly Instance[], sampler: NegativeSampler, rng: Rng, options: Pick<TrainCompatOptions, 'swapNegatives' | 'randomNegatives' | 'crossNegatives'>): number {
  const instances: Instance[] = [];
  const pairs: [number, number][] = [];
  for (const pos of positives) {
    const p = instances.push(pos) - 1;
    const negatives: (Instance | null)[] = [];
    for (let k = 0; k < (options.swapNegatives ?? 3); k++) negatives.push(sampler.swap(pos, rng));
    for (let k = 0; k < (options.randomNegatives ?? 1); k++) negatives.push(sampler.random(pos, rng));
    for (const n of negatives) if (n) pairs.push([p, instances.push(n) - 1]);
  }
  if (!pairs.length) return 0;
  // Every real outfit should also beat the negatives made for other outfits, whatever their slots: the
  // score must compare outfits with and without outerwear (or a dress) on one scale.
  const negativesMade = pairs.map(([, n]) => n);
  const positivesMade = [...new Set(pairs.map(([p]) => p))];
  for (const p of positivesMade) for (let k = 0; k < (options.crossNegatives ?? 2); k++) pairs.push([p, rng.pick(negativesMade)]);
  const params = model.params();
  zeroGrads(params);
  const { scores, backward } = forwardInstances(model, features, instances, true);
  const diffs = Float32Array.from(pairs, ([p, n]) => scores[p]! - scores[n]!);
  const { loss, grad } = pairwiseRanking(diffs);
  const dScores = new Float32Array(instances.length);
  pairs.forEach(([p, n], i) => {
    dScores[p]! += grad[i]!;
    dScores[n]! -= grad[i]!;
  });
  backward(dScores);
  return loss;
}

/**
 * Differentiable scores of many outfits: each distinct item is encoded once per step, each pair
 * network's sides run once over the step's items of their slots. `backward(dScores)` fills the grads.
 */
export function forwardInstances(model: CompatModel, features: Float32Array, instances: readonly Instance[], training: boolean): { scores: Float32Array; backward: (dScores: Float32Array) => void } {
  const D = model.config.inputDim;
  const K = model.config.rank;
  const rows = new Map<Slot, Map<number, number>>();
  for (const inst of instances) {
    for (const s of slotsOf(inst)) {
      const m = rows.get(s) ?? rows.set(s, new Map()).get(s)!;
      if (!m.has(inst[s]!)) m.set(inst[s]!, m.size);
    }
  }
  const hidden = new Map<Slot, Batch>();
  for (const [s, m] of rows) {
    const encoder = model.encoders.get(s);
    if (!encoder) throw new Error(`the model has no encoder for ${s} (train dress outfits only with dress networks)`);
    const x = batch(m.size, D);
    for (const [item, r] of m) x.data.set(features.subarray(item * D, (item + 1) * D), r * D);
    hidden.set(s, encoder.forward(x, training));
  }
  const sides = new Map<string, { L: Batch; R: Batch; a: Slot; b: Slot }>();
  for (const [key, net] of model.pairs) {
    const [a, b] = key.split('+') as [Slot, Slot];
    const ha = hidden.get(a);
    const hb = hidden.get(b);
    if (!ha || !hb) continue;
    sides.set(key, { L: net.left.forward(ha), R: net.right.forward(hb), a, b });
  }
  const scores = new Float32Array(instances.length);
  instances.forEach((inst, i) => {
    let s = 0;
    for (const { L, R, a, b } of sides.values()) {
      if (inst[a] === undefined || inst[b] === undefined) continue;
      const lo = rows.get(a)!.get(inst[a])! * (K + 1);
      const ro = rows.get(b)!.get(inst[b])! * (K + 1);
      s += L.data[lo + K]! + R.data[ro + K]!;
      for (let k = 0; k < K; k++) s += L.data[lo + k]! * R.data[ro + k]!;
    }
    scores[i] = s;
  });
  const backward = (dScores: Float32Array) => {
    const dHidden = new Map<Slot, Batch>();
    for (const [s, h] of hidden) dHidden.set(s, batch(h.rows, h.cols));
    for (const [key, { L, R, a, b }] of sides) {
      const dL = batch(L.rows, L.cols);
      const dR = batch(R.rows, R.cols);
      instances.forEach((inst, i) => {
        const g = dScores[i]!;
        if (g === 0 || inst[a] === undefined || inst[b] === undefined) return;
        const lo = rows.get(a)!.get(inst[a])! * (K + 1);
        const ro = rows.get(b)!.get(inst[b])! * (K + 1);
        dL.data[lo + K]! += g;
        dR.data[ro + K]! += g;
        for (let k = 0; k < K; k++) {
          dL.data[lo + k]! += g * R.data[ro + k]!;
          dR.data[ro + k]! += g * L.data[lo + k]!;
        }
      });
      const net = model.pairs.get(key as never)!;
      addInto(dHidden.get(a)!, net.left.backward(dL));
      addInto(dHidden.get(b)!, net.right.backward(dR));
    }
    for (const [s, d] of dHidden) model.encoders.get(s)!.backward(d);
  };
  return { scores, backward };
}

function addInto(target: Batch, add: Batch): void {
  for (let i = 0; i < target.data.length; i++) target.data[i]! += add.data[i]!;
}

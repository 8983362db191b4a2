// The figures `stylist eval types`, `stylist eval hashing` and `stylist train heads` report, computed one
// way for all of them. Garment accuracies count the photos with a garment label (the 17 fine labels, six
// coarse types); the app's own decision, which may also say "unsure", is reported next to them.
import { Dense, zeroGrads } from '../learning/nn/layers.ts';
import { Adam } from '../learning/nn/adam.ts';
import { Rng } from '../learning/nn/rng.ts';
import { softmaxCrossEntropy } from '../learning/nn/losses.ts';
import { batch, stack } from '../learning/nn/tensor.ts';
import { Standardize } from '../learning/nn/standardize.ts';
import type { Batch } from '../learning/nn/tensor.ts';
import { averagePrecisionAtK } from '../evaluation/metrics.ts';
import { COARSE_INDEX_OF_FINE, COARSE_TYPES, FINE_LABELS, UNSURE_FINE, argmax } from './labels.ts';
import { softmaxRows } from './type-head.ts';
import { CodeIndex } from './hamming.ts';
import { FloatIndex } from './float-scan.ts';

const GARMENT_COARSE = COARSE_TYPES.length - 1; // 'unknown' is last
const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

export interface TypeFigures {
  /** Garment photos, coarse type among the six garment types (argmax of the summed fine probabilities). */
  coarse_accuracy: number;
  /** Garment photos, fine label among the 17 garment labels. */
  fine_accuracy: number;
  /** The app's decision (argmax over all seven types, 'unknown' included) on garment photos. */
  coarse_accuracy_app: number;
  /** The app's fine label (the best within the decided type; none when 'unknown') on garment photos. */
  fine_accuracy_app: number;
  /** Share of junk photos (Not sure, Other, Skip) the app calls 'unknown'. */
  unsure_recall: number;
  garment_photos: number;
  junk_photos: number;
  /** Rows: true coarse type (COARSE_TYPES order, 'unknown' = junk labels); columns: the app's decision. */
  coarse_confusion: number[][];
  /** Rows: true fine class (FINE_LABELS order); columns: argmax over the 17 garment labels (junk rows too). */
  fine_confusion: number[][];
}

/** Scores fine probabilities (n x 18) against fine labels. */
export function typeFigures(fine: Batch, labels: readonly number[]): TypeFigures {
  const F = FINE_LABELS.length;
  const C = COARSE_TYPES.length;
  let garments = 0, coarseRight = 0, fineRight = 0, coarseApp = 0, fineApp = 0, junk = 0, junkRight = 0;
  const coarseConfusion = COARSE_TYPES.map(() => new Array<number>(C).fill(0));
  const fineConfusion = FINE_LABELS.map(() => new Array<number>(F - 1).fill(0));
  labels.forEach((y, i) => {
    const p = fine.data.subarray(i * F, (i + 1) * F);
    const coarse = new Float32Array(C);
    for (let f = 0; f < F; f++) coarse[COARSE_INDEX_OF_FINE[f]!]! += p[f]!;
    const app = argmax(coarse);
    let appFine = -1;
    for (let f = 0; f < F - 1; f++) if (COARSE_INDEX_OF_FINE[f] === app && (appFine < 0 || p[f]! > p[appFine]!)) appFine = f;
    const trueCoarse = COARSE_INDEX_OF_FINE[y]!;
    coarseConfusion[trueCoarse]![app]!++;
    fineConfusion[y]![argmax(p, 0, UNSURE_FINE)]!++;
    if (y === UNSURE_FINE) {
      junk++;
      if (app === GARMENT_COARSE) junkRight++;
      return;
    }
    garments++;
    if (argmax(coarse, 0, GARMENT_COARSE) === trueCoarse) coarseRight++;
    if (argmax(p, 0, UNSURE_FINE) === y) fineRight++;
    if (app === trueCoarse) coarseApp++;
    if (appFine === y) fineApp++;
  });
  return {
    coarse_accuracy: round(coarseRight / garments),
    fine_accuracy: round(fineRight / garments),
    coarse_accuracy_app: round(coarseApp / garments),
    fine_accuracy_app: round(fineApp / garments),
    unsure_recall: round(junk ? junkRight / junk : 0),
    garment_photos: garments,
    junk_photos: junk,
    coarse_confusion: coarseConfusion,
    fine_confusion: fineConfusion,
  };
}

/**
 * The baseline: a plain linear softmax classifier (multinomial logistic regression) over the same
 * standardised features and classes, trained on the same photos with Adam, no hidden layer, no dropout,
 * no smoothing, no mirrored views. Epochs are chosen on held-out training people, then it is refit on all.
 */
export function linearProbe(
  train: { x: Float32Array; fine: number; group: number }[],
  seed = 1,
): { predict: (x: Batch) => Batch; epochs: number } {
  const fit = (rows: typeof train, epochs: number, validation?: typeof train) => {
    const rng = new Rng(seed);
    const layer = new Dense(rows[0]!.x.length, FINE_LABELS.length, rng, { name: 'probe', inputGrad: false });
    const opt = new Adam(layer.params(), { lr: 1e-3 });
    const order = rows.map((_, i) => i);
    const scores: number[] = [];
    for (let e = 0; e < epochs; e++) {
      rng.shuffle(order);
      for (let s = 0; s < order.length; s += 64) {
        const idx = order.slice(s, s + 64);
        zeroGrads(layer.params());
        const r = softmaxCrossEntropy(layer.forward(stack(idx.map((i) => rows[i]!.x))), idx.map((i) => rows[i]!.fine));
        layer.backward(r.grad);
        opt.step();
      }
      if (validation) scores.push(typeFigures(softmaxRows(layer.forward(stack(validation.map((v) => v.x)))), validation.map((v) => v.fine)).fine_accuracy);
    }
    return { layer, scores };
  };
  // Held-out people: one group in five.
  const held = train.filter((r) => r.group === 0);
  const rest = train.filter((r) => r.group !== 0);
  const { scores } = fit(rest, 20, held);
  const epochs = argmax(scores) + 1;
  const { layer } = fit(train, epochs);
  return { predict: (x) => softmaxRows(layer.forward(x)), epochs };
}

/**
 * The baseline figures of `eval types`: a linear probe on the training photos' embeddings (standardised with
 * their own statistics), scored on the test photos like the heads.
 */
export function baselineFigures(
  train: readonly { embedding: Float32Array; fine: number; group: number }[],
  test: readonly { embedding: Float32Array; fine: number }[],
  seed = 1,
): TypeFigures & { epochs: number } {
  const std = Standardize.fit(train.map((p) => p.embedding));
  const x = (v: Float32Array) => std.forward(batch(1, v.length, v)).data;
  const probe = linearProbe(train.map((p) => ({ x: x(p.embedding), fine: p.fine, group: p.group })), seed);
  return { ...typeFigures(probe.predict(stack(test.map((p) => x(p.embedding)))), test.map((p) => p.fine)), epochs: probe.epochs };
}

export interface HashingFigures {
  hamming_map50: number;
  float_map50: number;
  ratio: number;
  /** Share of each query's 50 float-cosine neighbours that are among its 50 Hamming neighbours. */
  neighbour_overlap50: number;
  queries: number;
  per_type: Record<string, { queries: number; hamming_map50: number; float_map50: number }>;
}

/**
 * mAP@50 of "more like this" within each garment type: every test photo queries the other test photos
 * of its type (true type, so both rankings search the same pool), relevant = same fine label. Hamming
 * ranking of the type's codes against cosine ranking of the backbone embeddings.
 */
export function hashingFigures(items: { fine: number; code: Uint8Array; embedding: Float32Array }[], bits: number, k = 50): HashingFigures {
  let hSum = 0, fSum = 0, overlap = 0, queries = 0;
  const perType: HashingFigures['per_type'] = {};
  for (let t = 0; t < GARMENT_COARSE; t++) {
    const pool = items.filter((it) => COARSE_INDEX_OF_FINE[it.fine] === t);
    if (pool.length < 2) continue;
    const codes = CodeIndex.from(pool.map((p) => p.code), bits);
    const floats = FloatIndex.from(pool.map((p) => p.embedding), pool[0]!.embedding.length);
    let h = 0, f = 0;
    pool.forEach((q, qi) => {
      const relevant = pool.reduce((n, p, i) => n + (i !== qi && p.fine === q.fine ? 1 : 0), 0);
      const hr = codes.topK(q.code, k, qi);
      const fr = floats.topK(q.embedding, k, qi);
      h += averagePrecisionAtK(hr.map((r) => pool[r.position]!.fine === q.fine), relevant, k);
      f += averagePrecisionAtK(fr.map((r) => pool[r.position]!.fine === q.fine), relevant, k);
      const inHamming = new Set(hr.map((r) => r.position));
      overlap += fr.filter((r) => inHamming.has(r.position)).length / Math.max(1, fr.length);
    });
    perType[COARSE_TYPES[t]!] = { queries: pool.length, hamming_map50: round(h / pool.length), float_map50: round(f / pool.length) };
    hSum += h;
    fSum += f;
    queries += pool.length;
  }
  return {
    hamming_map50: round(hSum / queries),
    float_map50: round(fSum / queries),
    ratio: round(hSum / fSum),
    neighbour_overlap50: round(overlap / queries),
    queries,
    per_type: perType,
  };
}

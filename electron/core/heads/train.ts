// `stylist train heads`: trains the item heads from the clothing dataset's training people, exports them
// to ONNX, and writes a metrics file with the figures on the test people. Everything is seeded and the
// arithmetic is the same on every machine (WebAssembly f32, JavaScript doubles), so the same data and
// backbone give the same bytes.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '../learning/nn/rng.ts';
import { Standardize } from '../learning/nn/standardize.ts';
import { batch, stack } from '../learning/nn/tensor.ts';
import { loadDatasetFeatures } from './features.ts';
import type { FeaturePhoto, PhotoViews } from './features.ts';
import { COARSE_INDEX_OF_FINE, COARSE_TYPES, FINE_LABELS, fineIndexOfLabel } from './labels.ts';
import { DEFAULT_TYPE_CONFIG, trainTypeMember } from './type-head.ts';
import type { TypeHeadConfig, TypeMember, TypeSample } from './type-head.ts';
import { DEFAULT_HASH_CONFIG, trainHashHead } from './hash-head.ts';
import type { HashHead, HashHeadConfig } from './hash-head.ts';
import { ItemHeads, exportItemHeads } from './item-heads.ts';
import { HEADS_FILE, HEADS_METRICS_FILE } from './files.ts';
import { HeadsSession } from './runtime.ts';
import { readHeads, splitHeads } from './predict.ts';
import { codeToHex } from './hamming.ts';
import { baselineFigures, hashingFigures, typeFigures } from './evaluate.ts';
import type { HashingFigures, TypeFigures } from './evaluate.ts';

export interface TrainHeadsOptions {
  dataDir: string;
  backbonePath: string;
  outDir: string;
  seed?: number;
  /** Folds of training people: one type-head member per fold, validated on the people it did not see. */
  folds?: number;
  typeConfig?: Partial<TypeHeadConfig>;
  hashConfig?: Partial<HashHeadConfig>;
  log?: (message: string) => void;
  onProgress?: (what: string) => (done: number, total: number) => void;
}

export interface CheckItem {
  image: string;
  label: string;
  type: string;
  typeConfidence: number;
  fineLabel: string | null;
  /** Fine probabilities, rounded to 1e-4. */
  fine: number[];
  code: string;
}

export interface HeadsMetrics {
  command: string;
  seed: number;
  files: { heads: string; sha256: string; bytes: number };
  backbone: { file: string; bytes: number };
  data: { train_photos: number; test_photos: number; train_people: number; test_people: number };
  type: {
    config: TypeHeadConfig;
    members: { fold: number; best_epoch: number; validation_fine_accuracy: number }[];
    /** Each training photo scored by the member that did not see its person (fine, garment photos). */
    validation_fine_accuracy: number;
    validation_coarse_accuracy: number;
    test: TypeFigures;
    baseline_test: TypeFigures & { epochs: number };
  };
  hashing: { config: HashHeadConfig; bits: number; test: HashingFigures };
  /** Largest |ONNX - TypeScript| over the test photos' outputs. */
  onnx_max_abs_diff: number;
  check_items: CheckItem[];
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Labelled photos the heads know, with their fine class. */
export function labelled(photos: readonly FeaturePhoto[]): (FeaturePhoto & { fine: number })[] {
  return photos.flatMap((p) => {
    const fine = fineIndexOfLabel(p.label);
    return fine >= 0 ? [{ ...p, fine }] : [];
  });
}

/** Training people split into folds by a seeded shuffle of their ids. */
export function peopleFolds(photos: readonly { senderId: number }[], folds: number, seed: number): Map<number, number> {
  const senders = [...new Set(photos.map((p) => p.senderId))].sort((a, b) => a - b);
  new Rng(seed).shuffle(senders);
  return new Map(senders.map((s, i) => [s, i % folds]));
}

export async function trainHeads(options: TrainHeadsOptions): Promise<HeadsMetrics> {
  const log = options.log ?? (() => {});
  const seed = options.seed ?? 1;
  const folds = options.folds ?? 5;
  const typeConfig = { ...DEFAULT_TYPE_CONFIG, ...options.typeConfig };
  const hashConfig = { ...DEFAULT_HASH_CONFIG, seed, ...options.hashConfig };
  const photos = labelled(await loadDatasetFeatures(options.dataDir, options.backbonePath, { mirror: true, onProgress: options.onProgress }));
  const train = photos.filter((p) => p.split === 'train');
  const test = photos.filter((p) => p.split === 'test');
  log(`${train.length} training photos (${new Set(train.map((p) => p.senderId)).size} people), ${test.length} test photos`);

  // Statistics of each view over the training photos, as taken and mirrored.
  const standardize = Standardize.fit(train.flatMap((p) => [p.embedding, ...(p.mirrored ? [p.mirrored.embedding] : [])]));
  const standardizeCentre = Standardize.fit(train.flatMap((p) => [p.centre, ...(p.mirrored ? [p.mirrored.centre] : [])]));
  const std = (v: Float32Array) => standardize.forward(batch(1, v.length, v)).data;
  const typeInput = (v: PhotoViews) => {
    const out = new Float32Array(v.embedding.length + v.centre.length);
    out.set(std(v.embedding));
    out.set(standardizeCentre.forward(batch(1, v.centre.length, v.centre)).data, v.embedding.length);
    return out;
  };
  // Samples of each photo: as taken, mirrored, and the two crossings (photo of one with centre of the other),
  // which scored above plain + mirrored on held-out training people in four folds of five (EVALUATION.md).
  const typeViews = (p: FeaturePhoto): Float32Array[] => {
    const m = p.mirrored;
    if (!m) return [typeInput(p)];
    return [typeInput(p), typeInput(m), typeInput({ embedding: p.embedding, centre: m.centre }), typeInput({ embedding: m.embedding, centre: p.centre })];
  };
  const samples: TypeSample[] = train.map((p) => ({ views: typeViews(p), fine: p.fine }));
  const hashViews = train.map((p) => [std(p.embedding), ...(p.mirrored ? [std(p.mirrored.embedding)] : [])]);
  const foldOf = peopleFolds(train, folds, seed);
  const fold = train.map((p) => foldOf.get(p.senderId)!);

  // Garment type: one member per fold of people.
  const members: TypeMember[] = [];
  const memberReports: HeadsMetrics['type']['members'] = [];
  const oof = batch(train.length, FINE_LABELS.length);
  for (let k = 0; k < folds; k++) {
    const inFold = samples.flatMap((s, i) => (fold[i] === k ? [i] : []));
    const { member, bestEpoch, bestAccuracy } = trainTypeMember(
      samples.filter((_, i) => fold[i] !== k),
      inFold.map((i) => samples[i]!),
      typeConfig,
      seed * 1000 + k,
      `type${k}`,
      (epoch, loss, accuracy) => log(`type member ${k + 1}/${folds} epoch ${epoch + 1}: loss ${loss.toFixed(4)}, held-out fine accuracy ${accuracy.toFixed(4)}`),
    );
    members.push(member);
    memberReports.push({ fold: k, best_epoch: bestEpoch + 1, validation_fine_accuracy: round(bestAccuracy) });
    const p = member.probs(stack(inFold.map((i) => samples[i]!.views[0]!)));
    inFold.forEach((i, r) => oof.data.set(p.data.subarray(r * FINE_LABELS.length, (r + 1) * FINE_LABELS.length), i * FINE_LABELS.length));
  }
  const validation = typeFigures(oof, train.map((p) => p.fine));

  // Hashing: one head per garment type; 'unknown' gets a general head over every training photo.
  const hashHeads: HashHead[] = COARSE_TYPES.map((type, t) => {
    const own = train.flatMap((p, i) => (type === 'unknown' || COARSE_INDEX_OF_FINE[p.fine] === t ? [{ views: hashViews[i]!, label: p.fine }] : []));
    log(`hashing head ${type}: ${own.length} photos`);
    return trainHashHead(own, standardize.mean.length, hashConfig, `hash_${type}`);
  });

  const heads = new ItemHeads(standardize, standardizeCentre, members, hashHeads);
  // Stored as float16 (item-heads.ts); everything below, test figures included, uses the rounded weights.
  heads.roundWeightsToHalf();
  const bytes = exportItemHeads(heads, { trained_by: 'stylist train heads', seed: String(seed) });
  fs.mkdirSync(options.outDir, { recursive: true });
  const headsFile = path.join(options.outDir, HEADS_FILE);
  writeAtomic(headsFile, bytes);

  // Test figures from the exported model, as the app runs it.
  const session = await HeadsSession.open(headsFile);
  const testRaw = splitHeads(await session.runFlat(flat(test.map((p) => p.embedding)), flat(test.map((p) => p.centre)), test.length), test.length);
  await session.close();
  const ts = heads.forward(stack(test.map((p) => p.embedding)), stack(test.map((p) => p.centre)));
  let maxDiff = 0;
  testRaw.forEach((r, i) => {
    const cmp = (a: Float32Array, b: Float32Array, offset: number) => a.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - b[offset + j]!))));
    cmp(r.fine, ts.fine.data, i * ts.fine.cols);
    cmp(r.coarse, ts.coarse.data, i * ts.coarse.cols);
    cmp(r.hash, ts.hash.data, i * ts.hash.cols);
  });
  const testFine = batch(test.length, FINE_LABELS.length);
  testRaw.forEach((r, i) => testFine.data.set(r.fine, i * FINE_LABELS.length));
  const testFigures = typeFigures(testFine, test.map((p) => p.fine));

  const baseline = baselineFigures(train.map((p, i) => ({ embedding: p.embedding, fine: p.fine, group: fold[i]! })), test, seed);

  const predictions = testRaw.map(readHeads);
  const hashing = hashingFigures(
    test.map((p, i) => ({ fine: p.fine, embedding: p.embedding, code: predictionCode(predictions[i]!.codes, COARSE_INDEX_OF_FINE[p.fine]!) })),
    heads.bits,
  );

  const metrics: HeadsMetrics = {
    command: 'stylist train heads',
    seed,
    files: { heads: HEADS_FILE, sha256: crypto.createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length },
    backbone: { file: path.basename(options.backbonePath), bytes: fs.statSync(options.backbonePath).size },
    data: {
      train_photos: train.length,
      test_photos: test.length,
      train_people: new Set(train.map((p) => p.senderId)).size,
      test_people: new Set(test.map((p) => p.senderId)).size,
    },
    type: {
      config: typeConfig,
      members: memberReports,
      validation_fine_accuracy: validation.fine_accuracy,
      validation_coarse_accuracy: validation.coarse_accuracy,
      test: testFigures,
      baseline_test: baseline,
    },
    hashing: { config: hashConfig, bits: heads.bits, test: hashing },
    onnx_max_abs_diff: Number(maxDiff.toExponential(2)),
    check_items: checkItems(test, predictions, testRaw),
  };
  writeAtomic(path.join(options.outDir, HEADS_METRICS_FILE), Buffer.from(`${JSON.stringify(metrics, null, 2)}\n`));
  return metrics;
}

/** The code of coarse type t out of all types' codes. */
function predictionCode(codes: Uint8Array, t: number): Uint8Array {
  const bytes = codes.length / COARSE_TYPES.length;
  return codes.subarray(t * bytes, (t + 1) * bytes);
}

/** Two fixed test photos per coarse type (the first in the data set's order), with what the heads said. */
function checkItems(test: readonly (FeaturePhoto & { fine: number })[], predictions: ReturnType<typeof readHeads>[], raw: { fine: Float32Array }[]): CheckItem[] {
  const out: CheckItem[] = [];
  COARSE_TYPES.forEach((_, t) => {
    test.forEach((p, i) => {
      if (COARSE_INDEX_OF_FINE[p.fine] !== t || out.filter((c) => COARSE_INDEX_OF_FINE[fineIndexOfLabel(c.label)] === t).length >= 2) return;
      const pr = predictions[i]!;
      out.push({
        image: p.image,
        label: p.label,
        type: pr.type,
        typeConfidence: pr.typeConfidence,
        fineLabel: pr.fineLabel,
        fine: Array.from(raw[i]!.fine, (v) => round(v)),
        code: codeToHex(pr.code),
      });
    });
  });
  return out;
}

function flat(vectors: readonly Float32Array[]): Float32Array {
  const d = vectors[0]?.length ?? 0;
  const out = new Float32Array(vectors.length * d);
  vectors.forEach((v, i) => out.set(v, i * d));
  return out;
}

function writeAtomic(file: string, bytes: Uint8Array): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, bytes);
  fs.renameSync(tmp, file);
}

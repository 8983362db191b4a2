// Teaching the house style: a lookbook's items go through the vision pipeline, the general compatibility
// model is trained on its outfits and written to a model folder. Shared by `stylist train compat` and the
// app's "teach the house style" job (which runs it in a worker thread).
import fs from 'node:fs';
import path from 'node:path';
import { loadLookbookData } from './lookbook-data.ts';
import { fileSha256 } from '../vision/models-key.ts';
import { saveModel } from './store.ts';
import { trainCompat } from './train.ts';
import type { TrainCompatOptions, TrainReport } from './train.ts';
import type { CompatMetrics } from './evaluate.ts';

export interface HouseStyleProgress {
  phase: 'reading' | 'embedding' | 'features' | 'training' | 'saving' | 'done';
  /** Images embedded, or epochs run. */
  done: number;
  total: number;
  validation: CompatMetrics | null;
}

export interface TeachOptions {
  lookbookDir: string;
  /** The backbone (ONNX) that embeds the lookbook's images. */
  backbonePath: string;
  outDir: string;
  /** Embedding cache (null: none); defaults to the repository's .cache/embeddings. */
  cacheDir?: string | null;
  onProgress?: (p: HouseStyleProgress) => void;
  shouldStop?: () => boolean;
  train?: Omit<TrainCompatOptions, 'meta' | 'onProgress' | 'shouldStop'>;
}

export interface TeachResult {
  report: TrainReport;
  items: number;
  outfits: number;
  skippedOutfits: number;
  unreadableItems: number;
  modelId: string;
}

export async function teachHouseStyle(options: TeachOptions): Promise<TeachResult> {
  const progress = options.onProgress ?? (() => {});
  progress({ phase: 'reading', done: 0, total: 0, validation: null });
  const data = await loadLookbookData(options.lookbookDir, {
    modelPath: options.backbonePath,
    cacheDir: options.cacheDir,
    onProgress: (done, total) => progress({ phase: 'embedding', done, total, validation: null }),
  });
  if (options.shouldStop?.()) throw new Error('cancelled');
  const { model, report } = trainCompat(data.items, data.outfits, {
    ...options.train,
    // The backbone whose features it learns: with another one, the app no longer uses it (store.ts, modelDirFor).
    meta: { trainedOn: `lookbook ${path.basename(data.dir)} (${data.outfits.length} outfits)`, lookbookOutfits: data.outfits.length, backboneSha256: await fileSha256(options.backbonePath) },
    shouldStop: options.shouldStop,
    onProgress: (p) => progress({ phase: p.phase === 'done' ? 'saving' : p.phase, done: p.epoch, total: p.maxEpochs, validation: p.validation }),
  });
  if (options.shouldStop?.()) throw new Error('cancelled');
  model.meta.validation = report.validation;
  // Written beside the target and swapped in, so the app never reads half a model.
  const staging = `${options.outDir}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  saveModel(model, staging);
  const old = `${options.outDir}.old-${process.pid}`;
  if (fs.existsSync(options.outDir)) fs.renameSync(options.outDir, old);
  fs.renameSync(staging, options.outDir);
  fs.rmSync(old, { recursive: true, force: true });
  progress({ phase: 'done', done: report.epochs, total: report.epochs, validation: report.validation });
  return { report, items: data.items.length, outfits: data.outfits.length, skippedOutfits: data.skippedOutfits.length, unreadableItems: data.unreadableItems.length, modelId: model.id };
}

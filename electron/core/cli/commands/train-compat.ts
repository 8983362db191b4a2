// stylist train compat --lookbook DIR --out MODEL_DIR [--json]
// stylist train compat --clothing DIR --out models/compat [--json]   (the shipped prior; see below)
// Teaches the house style: imports the lookbook's items through the vision pipeline (embeddings cached),
// trains the general compatibility model on all its outfits (a tenth of them, by top, chooses the epoch)
// and writes the model folder. Pass the folder to `stylist score --model`, or copy it into a library's
// house-style/ folder (the app's "teach the house style" does exactly this).
import path from 'node:path';
import { BACKBONE_FILE } from '../../core.ts';
import { GENERATED_MODELS_DIR } from '../../paths.ts';
import { teachHouseStyle } from '../../compat/house-style.ts';
import { similarityPrior } from '../../compat/prior.ts';
import { saveModel } from '../../compat/store.ts';
import { loadClothingDataset } from '../../datasets/clothing-dataset.ts';
import { embedFiles } from '../../datasets/embed-files.ts';
import type { ParsedArgs } from '../args.ts';
import { stringFlag } from '../args.ts';
import { printResult, progressLine } from '../output.ts';
import { round } from './eval-embeddings.ts';

export async function trainCompatCommand(args: ParsedArgs): Promise<void> {
  const out = path.resolve(stringFlag(args, 'out'));
  if (args.flags.has('clothing')) return buildShippedPrior(args, out);
  const embedding = progressLine('embedding');
  const result = await teachHouseStyle({
    lookbookDir: stringFlag(args, 'lookbook'),
    backbonePath: path.join(stringFlag(args, 'models', GENERATED_MODELS_DIR), BACKBONE_FILE),
    outDir: out,
    onProgress: (p) => {
      if (p.phase === 'embedding') embedding(p.done, p.total);
      else if (p.phase === 'training' && p.validation) process.stderr.write(`\repoch ${p.done}/${p.total} validation auc ${round(p.validation.auc_swap, 3)}/${round(p.validation.auc_random, 3)} fitb ${round(p.validation.fitb, 3)}   `);
      else if (p.phase === 'done') process.stderr.write('\n');
    },
  });
  const v = result.report.validation;
  printResult(
    args,
    {
      out,
      model_id: result.modelId,
      items: result.items,
      outfits: result.outfits,
      skipped_outfits: result.skippedOutfits,
      unreadable_items: result.unreadableItems,
      epochs: result.report.epochs,
      best_epoch: result.report.bestEpoch,
      validation: { auc_swap: round(v.auc_swap), auc_random: round(v.auc_random), fitb: round(v.fitb) },
      seconds: Math.round(result.report.seconds),
    },
    (r) => `Trained on ${r.outfits} outfits (${r.items} items) in ${r.seconds} s; held-out tops: AUC ${r.validation.auc_swap} (one-swap) / ${r.validation.auc_random} (random), FITB ${r.validation.fitb}. Model written to ${r.out}.`,
  );
}

/**
 * The model the app ships: the similarity prior with its whitening fitted on the CC0 clothing dataset's
 * photos of the training people (sender_id % 5 != 0). No lookbook is read.
 */
async function buildShippedPrior(args: ParsedArgs, out: string): Promise<void> {
  const dir = path.resolve(stringFlag(args, 'clothing'));
  const photos = loadClothingDataset(dir);
  const { embeddings } = await embedFiles(photos.map((p) => p.file), {
    modelPath: path.join(stringFlag(args, 'models', GENERATED_MODELS_DIR), BACKBONE_FILE),
    onProgress: progressLine('embedding'),
  });
  const train = photos.flatMap((p, i) => (p.split === 'train' && embeddings[i] ? [embeddings[i]] : []));
  const model = similarityPrior(train, { trainedOn: `similarity prior, whitening fitted on ${train.length} CC0 clothing-dataset photos (training people)` });
  saveModel(model, out);
  printResult(args, { out, model_id: model.id, kind: 'similarity prior', photos: train.length }, (r) => `Wrote the similarity prior (${r.photos} CC0 photos) to ${r.out}.`);
}

// stylist eval types --data DIR [--heads DIR] [--json]
// Garment type on the clothing dataset's test people (sender_id % 5 == 0) with the committed heads as the
// app runs them (ONNX), and in the same run the baseline: a plain linear probe trained on the same
// features of the training people. Garment accuracies count photos with a garment label; the app's own
// decision (which may be "unsure") and the confusion matrices are printed as well.
import path from 'node:path';
import { BACKBONE_FILE } from '../../core.ts';
import { GENERATED_MODELS_DIR } from '../../paths.ts';
import { loadDatasetFeatures } from '../../heads/features.ts';
import { HEADS_FILE } from '../../heads/files.ts';
import { HeadsSession } from '../../heads/runtime.ts';
import { labelled, peopleFolds } from '../../heads/train.ts';
import { baselineFigures, typeFigures } from '../../heads/evaluate.ts';
import { COARSE_TYPES, FINE_LABELS } from '../../heads/labels.ts';
import { batch } from '../../learning/nn/tensor.ts';
import type { ParsedArgs } from '../args.ts';
import { stringFlag } from '../args.ts';
import { printResult, progressLine } from '../output.ts';
import { DEFAULT_HEADS_DIR } from './train-heads.ts';

export async function evalTypes(args: ParsedArgs): Promise<void> {
  const backbonePath = path.join(stringFlag(args, 'models', GENERATED_MODELS_DIR), BACKBONE_FILE);
  const headsFile = path.join(path.resolve(stringFlag(args, 'heads', DEFAULT_HEADS_DIR)), HEADS_FILE);
  const photos = labelled(await loadDatasetFeatures(stringFlag(args, 'data'), backbonePath, { onProgress: progressLine }));
  const train = photos.filter((p) => p.split === 'train');
  const test = photos.filter((p) => p.split === 'test');

  const session = await HeadsSession.open(headsFile);
  const raw = await session.run(test);
  await session.close();
  const fine = batch(test.length, FINE_LABELS.length);
  raw.forEach((r, i) => fine.data.set(r.fine, i * FINE_LABELS.length));
  const heads = typeFigures(fine, test.map((p) => p.fine));

  // Baseline on the same features, trained here on the training people.
  const folds = peopleFolds(train, 5, 1);
  const baseline = baselineFigures(train.map((p) => ({ embedding: p.embedding, fine: p.fine, group: folds.get(p.senderId)! })), test);

  printResult(
    args,
    {
      coarse_accuracy: heads.coarse_accuracy,
      fine_accuracy: heads.fine_accuracy,
      baseline_coarse_accuracy: baseline.coarse_accuracy,
      baseline_fine_accuracy: baseline.fine_accuracy,
      coarse_accuracy_app: heads.coarse_accuracy_app,
      fine_accuracy_app: heads.fine_accuracy_app,
      baseline_coarse_accuracy_app: baseline.coarse_accuracy_app,
      baseline_fine_accuracy_app: baseline.fine_accuracy_app,
      unsure_recall: heads.unsure_recall,
      garment_photos: heads.garment_photos,
      junk_photos: heads.junk_photos,
      test_people: new Set(test.map((p) => p.senderId)).size,
      coarse_types: COARSE_TYPES,
      coarse_confusion: heads.coarse_confusion,
      fine_labels: FINE_LABELS,
      fine_confusion: heads.fine_confusion,
      heads: headsFile,
    },
    (r) =>
      `Garment type on ${r.garment_photos} garment photos of ${r.test_people} test people: coarse ${r.coarse_accuracy}, fine ${r.fine_accuracy} ` +
      `(linear probe: ${r.baseline_coarse_accuracy}, ${r.baseline_fine_accuracy}). As the app decides (may say unsure): coarse ${r.coarse_accuracy_app}, ` +
      `fine ${r.fine_accuracy_app}; ${Math.round(r.unsure_recall * 100)}% of ${r.junk_photos} junk photos called unsure.\n\n` +
      confusionTable(r.coarse_types, r.coarse_confusion),
  );
}

function confusionTable(labels: readonly string[], m: number[][]): string {
  const w = 10;
  const head = `${'true \\ app'.padEnd(w)}${labels.map((l) => l.slice(0, w - 1).padStart(w)).join('')}`;
  return [head, ...m.map((row, i) => `${labels[i]!.padEnd(w)}${row.map((v) => String(v).padStart(w)).join('')}`)].join('\n');
}

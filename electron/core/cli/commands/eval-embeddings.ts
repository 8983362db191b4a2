// stylist eval embeddings: 5-NN accuracy (cosine) of the backbone's embeddings on the clothing dataset's
// ten main labels, for the test people (sender_id % 5 == 0), neighbours drawn from other people's photos.
import path from 'node:path';
import { loadClothingDataset } from '../../datasets/clothing-dataset.ts';
import { embedFiles } from '../../datasets/embed-files.ts';
import { knnPredict, normalize } from '../../evaluation/metrics.ts';
import { BACKBONE_FILE } from '../../core.ts';
import { GENERATED_MODELS_DIR } from '../../paths.ts';
import type { ParsedArgs } from '../args.ts';
import { stringFlag } from '../args.ts';
import { printResult, progressLine } from '../output.ts';

export const EMBEDDING_EVAL_LABELS = ['T-Shirt', 'Longsleeve', 'Pants', 'Shoes', 'Shirt', 'Dress', 'Outwear', 'Shorts', 'Hat', 'Skirt'];

export async function evalEmbeddings(args: ParsedArgs): Promise<void> {
  const dataDir = stringFlag(args, 'data');
  const photos = loadClothingDataset(dataDir).filter((p) => EMBEDDING_EVAL_LABELS.includes(p.label));
  const { embeddings } = await embedFiles(photos.map((p) => p.file), {
    modelPath: path.join(stringFlag(args, 'models', GENERATED_MODELS_DIR), BACKBONE_FILE),
    onProgress: progressLine('embedding'),
  });
  const all = photos.flatMap((p, i) => (embeddings[i] ? [{ ...p, v: normalize(embeddings[i]) }] : []));
  let right = 0;
  const queries = all.filter((p) => p.split === 'test');
  for (const q of queries) {
    const gallery = all.filter((g) => g.senderId !== q.senderId);
    if (knnPredict(q.v, gallery, 5) === q.label) right++;
  }
  printResult(args, { knn5_accuracy: round(right / queries.length), n: queries.length, gallery: all.length, labels: EMBEDDING_EVAL_LABELS.length }, (r) =>
    `5-NN accuracy on ${r.n} test-people photos (${r.labels} labels, neighbours from other people): ${r.knn5_accuracy}`);
}

export function round(x: number, digits = 4): number {
  return Math.round(x * 10 ** digits) / 10 ** digits;
}

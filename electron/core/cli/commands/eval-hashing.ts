// stylist eval hashing --data DIR [--heads DIR] [--json]
// "More like this" quality on the clothing dataset's test people: every test photo queries the other test
// photos of its garment type; relevant = same fine label. mAP@50 of the Hamming ranking of the committed
// heads' codes (ONNX, as the app runs them) against the cosine ranking of the float backbone embeddings.
import path from 'node:path';
import { BACKBONE_FILE } from '../../core.ts';
import { GENERATED_MODELS_DIR } from '../../paths.ts';
import { loadDatasetFeatures } from '../../heads/features.ts';
import { HEADS_FILE } from '../../heads/files.ts';
import { HeadsSession } from '../../heads/runtime.ts';
import { labelled } from '../../heads/train.ts';
import { hashingFigures } from '../../heads/evaluate.ts';
import { readHeads, codeForType } from '../../heads/predict.ts';
import { COARSE_INDEX_OF_FINE, COARSE_TYPES } from '../../heads/labels.ts';
import type { ParsedArgs } from '../args.ts';
import { stringFlag } from '../args.ts';
import { printResult, progressLine } from '../output.ts';
import { DEFAULT_HEADS_DIR } from './train-heads.ts';

export async function evalHashing(args: ParsedArgs): Promise<void> {
  const backbonePath = path.join(stringFlag(args, 'models', GENERATED_MODELS_DIR), BACKBONE_FILE);
  const headsFile = path.join(path.resolve(stringFlag(args, 'heads', DEFAULT_HEADS_DIR)), HEADS_FILE);
  const test = labelled(await loadDatasetFeatures(stringFlag(args, 'data'), backbonePath, { onProgress: progressLine })).filter((p) => p.split === 'test');
  const session = await HeadsSession.open(headsFile);
  const raw = await session.run(test);
  await session.close();
  const predictions = raw.map(readHeads);
  const bits = (predictions[0]!.codes.length * 8) / COARSE_TYPES.length;
  const figures = hashingFigures(
    test.map((p, i) => ({ fine: p.fine, embedding: p.embedding, code: codeForType(predictions[i]!.codes, COARSE_TYPES[COARSE_INDEX_OF_FINE[p.fine]!]!) })),
    bits,
  );
  printResult(args, { ...figures, bits, heads: headsFile }, (r) =>
    `"More like this" on ${r.queries} test-people photos (same type, relevant = same fine label): mAP@50 Hamming (${r.bits}-bit codes) ${r.hamming_map50}, ` +
    `float cosine ${r.float_map50}, ratio ${r.ratio}; ${Math.round(r.neighbour_overlap50 * 100)}% of the float top-50 is in the Hamming top-50.`);
}

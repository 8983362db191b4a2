// stylist train heads --data DIR [--out models/heads] [--seed N] [--json]
// Trains the item heads (garment type + one hashing head per type) on the clothing dataset's training
// people, exports them to ONNX and writes metrics.json beside them. Seeded and deterministic: the files
// committed in models/heads are exactly what this command writes.
import path from 'node:path';
import { BACKBONE_FILE } from '../../core.ts';
import { GENERATED_MODELS_DIR, REPO_ROOT } from '../../paths.ts';
import { trainHeads } from '../../heads/train.ts';
import type { ParsedArgs } from '../args.ts';
import { stringFlag } from '../args.ts';
import { printResult, progressLine } from '../output.ts';

export const DEFAULT_HEADS_DIR = path.join(REPO_ROOT, 'models', 'heads');

export async function trainHeadsCommand(args: ParsedArgs): Promise<void> {
  const started = performance.now();
  const out = path.resolve(stringFlag(args, 'out', DEFAULT_HEADS_DIR));
  const verbose = args.flags.has('verbose');
  const metrics = await trainHeads({
    dataDir: stringFlag(args, 'data'),
    backbonePath: path.join(stringFlag(args, 'models', GENERATED_MODELS_DIR), BACKBONE_FILE),
    outDir: out,
    seed: Number(stringFlag(args, 'seed', '1')),
    onProgress: progressLine,
    log: (m) => (verbose || !m.includes(' epoch ') ? process.stderr.write(`${m}\n`) : undefined),
  });
  const t = metrics.type.test;
  printResult(
    args,
    {
      out,
      coarse_accuracy: t.coarse_accuracy,
      fine_accuracy: t.fine_accuracy,
      baseline_coarse_accuracy: metrics.type.baseline_test.coarse_accuracy,
      baseline_fine_accuracy: metrics.type.baseline_test.fine_accuracy,
      validation_fine_accuracy: metrics.type.validation_fine_accuracy,
      hamming_map50: metrics.hashing.test.hamming_map50,
      float_map50: metrics.hashing.test.float_map50,
      ratio: metrics.hashing.test.ratio,
      sha256: metrics.files.sha256,
      seconds: Math.round((performance.now() - started) / 1000),
    },
    (r) =>
      `Heads written to ${r.out} in ${r.seconds} s (sha256 ${r.sha256.slice(0, 12)}). Test people: coarse ${r.coarse_accuracy}, fine ${r.fine_accuracy} ` +
      `(linear probe ${r.baseline_coarse_accuracy} / ${r.baseline_fine_accuracy}); hashing mAP@50 ${r.hamming_map50} vs float ${r.float_map50} (ratio ${r.ratio}).`,
  );
}

// stylist eval compat --lookbook DIR [--compare MODEL_DIR] [--json]
// Splits the lookbook's outfits by top (no top in both parts), trains the compatibility model on one part
// and reports on the other: AUC against one-swap negatives, AUC against fully random outfits, and
// fill-in-the-blank accuracy (one slot hidden, 4 candidates), with the baselines computed in the same
// run on the same negatives: chance, the sum of pairwise cosine similarities, and a logistic model on
// element-wise products. --compare measures a saved model (e.g. the shipped one) on the same questions.
import path from 'node:path';
import { BACKBONE_FILE } from '../../core.ts';
import { GENERATED_MODELS_DIR } from '../../paths.ts';
import { Rng } from '../../learning/nn/rng.ts';
import { cosineSumScorer, trainLogisticBaseline } from '../../compat/baselines.ts';
import { splitByTop } from '../../compat/data.ts';
import { buildEvalSet, chanceMetrics, measure } from '../../compat/evaluate.ts';
import type { CompatMetrics } from '../../compat/evaluate.ts';
import { loadLookbookData } from '../../compat/lookbook-data.ts';
import { PreparedItems } from '../../compat/scoring.ts';
import { loadModel } from '../../compat/store.ts';
import { trainCompat } from '../../compat/train.ts';
import type { ParsedArgs } from '../args.ts';
import { stringFlag } from '../args.ts';
import { printResult, progressLine } from '../output.ts';
import { round } from './eval-embeddings.ts';

export const TEST_FRACTION = 0.2;

export async function evalCompat(args: ParsedArgs): Promise<void> {
  const started = Date.now();
  const seed = Number(stringFlag(args, 'seed', '42'));
  const data = await loadLookbookData(stringFlag(args, 'lookbook'), {
    modelPath: path.join(stringFlag(args, 'models', GENERATED_MODELS_DIR), BACKBONE_FILE),
    onProgress: progressLine('embedding'),
  });
  const { train, test } = splitByTop(data.outfits, TEST_FRACTION, new Rng(seed));
  const questions = buildEvalSet(test, new Rng(seed + 1), { negativesPerOutfit: 2, candidates: 4 });
  const r = (m: CompatMetrics) => ({ auc_swap: round(m.auc_swap), auc_random: round(m.auc_random), fitb: round(m.fitb) });

  process.stderr.write(`training on ${train.length} outfits, measuring on ${test.length} outfits whose tops are held out\n`);
  const { model, report } = trainCompat(data.items, train, {
    meta: { trainedOn: 'eval compat (lookbook, training part)' },
    seed,
    onProgress: (p) => {
      if (p.phase === 'training' && p.validation) process.stderr.write(`\repoch ${p.epoch}/${p.maxEpochs} validation auc ${round(p.validation.auc_swap, 3)}/${round(p.validation.auc_random, 3)} fitb ${round(p.validation.fitb, 3)}   `);
    },
  });
  process.stderr.write('\n');
  const prepared = new PreparedItems(model, data.items);
  const modelMetrics = measure((inst) => prepared.score(inst), questions);

  const cosine = measure(cosineSumScorer(data.items), questions);
  const logistic = measure(trainLogisticBaseline(data.items, train, new Rng(seed + 2)), questions);
  const compareDir = args.flags.get('compare');
  let compared: (ReturnType<typeof r> & { dir: string; trained_on: string }) | undefined;
  if (typeof compareDir === 'string') {
    const other = loadModel(compareDir);
    const p = new PreparedItems(other, data.items);
    compared = { dir: compareDir, trained_on: other.meta.trainedOn, ...r(measure((inst) => p.score(inst), questions)) };
  }
  const tops = new Set(test.flatMap((o) => o.items.top ?? []));
  printResult(
    args,
    {
      ...r(modelMetrics),
      baselines: { chance: r(chanceMetrics(questions)), cosine_sum: r(cosine), logistic_product: r(logistic) },
      ...(compared ? { compared } : {}),
      train_outfits: train.length,
      test_outfits: test.length,
      test_tops: tops.size,
      negatives: { swap: questions.swaps.length, random: questions.randoms.length, fitb_questions: questions.fitb.length, fitb_candidates: questions.candidates },
      epochs: report.epochs,
      best_epoch: report.bestEpoch,
      seed,
      seconds: Math.round((Date.now() - started) / 1000),
    },
    (res) =>
      [
        `Outfit compatibility on ${res.test_outfits} outfits with held-out tops (trained on ${res.train_outfits}):`,
        `  model             AUC one-swap ${res.auc_swap}  AUC random ${res.auc_random}  FITB ${res.fitb}`,
        ...Object.entries(res.baselines).map(([name, m]) => `  ${name.padEnd(17)} AUC one-swap ${m.auc_swap}  AUC random ${m.auc_random}  FITB ${m.fitb}`),
        ...(res.compared ? [`  ${res.compared.dir} (${res.compared.trained_on}): AUC one-swap ${res.compared.auc_swap}  AUC random ${res.compared.auc_random}  FITB ${res.compared.fitb}`] : []),
      ].join('\n'),
  );
}

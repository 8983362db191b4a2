// stylist eval personal: personalisation measured with SYNTHETIC people (hidden tastes on lookbook item
// attributes), see electron/core/personal/personal-eval.ts.
import path from 'node:path';
import { loadLookbook } from '../../datasets/lookbook.ts';
import { loadLookbookData } from '../../compat/lookbook-data.ts';
import { SHIPPED_COMPAT_DIR, loadModel } from '../../compat/store.ts';
import { CHECKPOINTS, evalPersonal } from '../../personal/personal-eval.ts';
import type { PoolItem } from '../../personal/personal-eval.ts';
import { evalPersonalCeiling } from '../../personal/personal-ceiling.ts';
import { BACKBONE_FILE } from '../../core.ts';
import { GENERATED_MODELS_DIR } from '../../paths.ts';
import type { ParsedArgs } from '../args.ts';
import { UsageError, stringFlag } from '../args.ts';
import { printResult, progressLine } from '../output.ts';

export async function evalPersonalCommand(args: ParsedArgs): Promise<void> {
  const people = stringFlag(args, 'people', 'test');
  if (people !== 'test' && people !== 'dev') throw new UsageError(`--people is test or dev, not ${people}`);
  const blameRate = Number(stringFlag(args, 'blame-rate', '0'));
  if (!(blameRate >= 0 && blameRate <= 1)) throw new UsageError(`--blame-rate is a share between 0 and 1, not ${stringFlag(args, 'blame-rate')}`);
  const dir = path.resolve(stringFlag(args, 'lookbook'));
  const model = loadModel(path.resolve(stringFlag(args, 'model', SHIPPED_COMPAT_DIR)));
  const data = await loadLookbookData(dir, { modelPath: path.join(stringFlag(args, 'models', GENERATED_MODELS_DIR), BACKBONE_FILE), onProgress: progressLine('embedding lookbook') });
  const lookbook = loadLookbook(dir);
  const pool: PoolItem[] = data.items.map((it, i) => ({ slot: it.slot, embedding: it.embedding, attributes: lookbook.items.get(data.itemIds[i]!)!.attributes }));
  const seed = Number(stringFlag(args, 'seed', '1'));
  if (args.flags.get('ceiling')) {
    const ceiling = evalPersonalCeiling(model, pool, { seed, people });
    printResult(args, ceiling, (r) =>
      [
        `Ceiling on the frozen features, SYNTHETIC ${r.people_set} people: each answer about one garment of a slot the taste rules (an oracle): two medoids per slot, then the garment the model is least sure of:`,
        ...Object.keys(r.ceiling_auc_at).map((c) => `  after ${c} answers: AUC ${r.ceiling_auc_at[Number(c)]} with ${r.noise * 100}% wrong, ${r.clean_ceiling_auc_at[Number(c)]} with none`),
      ].join('\n'),
    );
    return;
  }
  const result = evalPersonal(model, pool, { seed, people, blameRate, log: (m) => console.error(m) });
  printResult(args, result, (r) =>
    [
      `SYNTHETIC ${r.people_set} people (${r.people.length} hidden tastes, ${r.noise * 100}% noisy answers), model ${model.meta.trainedOn}:`,
      ...CHECKPOINTS.map((c) => `  after ${c} judgements: AUC ${r.auc_at[c]} (centroid ${r.centroid_auc_at[c]}), liked in top 20 ${r.liked_top20_at[c]}`),
      `  general model alone: AUC ${r.general_auc}; ${r.seconds_per_finetune} s per fine-tune`,
    ].join('\n'),
  );
}

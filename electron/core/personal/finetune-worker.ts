// Worker thread that fine-tunes one person's parts, so training never runs on the thread that answers the
// window. It loads the general model from its folder, trains, and answers with the serialised weights.
import { parentPort } from 'node:worker_threads';
import { loadModel } from '../compat/store.ts';
import { fineTune } from './finetune.ts';
import type { FineTuneItem, FineTuneJudgement } from './finetune.ts';
import { serializePersonal } from './person-model.ts';

export interface FineTuneRequest {
  id: number;
  modelDir: string;
  items: FineTuneItem[];
  judgements: FineTuneJudgement[];
}
export type FineTuneResponse = { id: number; ok: true; blob: Uint8Array; personalId: string; ms: number } | { id: number; ok: false; error: string };

const models = new Map<string, ReturnType<typeof loadModel>>();

parentPort!.on('message', (req: FineTuneRequest) => {
  try {
    const t0 = performance.now();
    let model = models.get(req.modelDir);
    if (!model) {
      model = loadModel(req.modelDir);
      models.clear();
      models.set(req.modelDir, model);
    }
    const personal = fineTune(model, req.items, req.judgements);
    const blob = serializePersonal(personal, model.id);
    parentPort!.postMessage({ id: req.id, ok: true, blob, personalId: personal.id, ms: performance.now() - t0 } satisfies FineTuneResponse);
  } catch (error) {
    parentPort!.postMessage({ id: req.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies FineTuneResponse);
  }
});

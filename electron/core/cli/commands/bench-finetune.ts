// stylist bench finetune: with 200 judgements held, the time from a new judgement to re-ranked
// suggestions (record it, fine-tune in the worker, re-rank the top 20 with the new version), p50/p95 over
// 20 clicks; and, in the same run, one full retrain from scratch in-process, and the re-rank alone (the
// part of a click that is not training), so a loaded machine shows as a slower baseline, not a mystery. The wardrobe is 300 real
// photos of the clothing dataset's test people (embedded by the real backbone); the model is the shipped one.
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { openDatabase } from '../../db/database.ts';
import { ItemsRepo } from '../../library/items-repo.ts';
import { JudgementsRepo } from '../../library/judgements-repo.ts';
import { PeopleRepo } from '../../library/people-repo.ts';
import { loadClothingDataset } from '../../datasets/clothing-dataset.ts';
import { embedFiles } from '../../datasets/embed-files.ts';
import { SHIPPED_COMPAT_DIR, loadModel } from '../../compat/store.ts';
import { OutfitEngine } from '../../outfits/engine.ts';
import { suggestOutfits } from '../../outfits/suggest.ts';
import { QUESTION_EVERY, questionsFor } from '../../personal/questions.ts';
import { PersonalService, trainingData } from '../../personal/personal-service.ts';
import { fineTune } from '../../personal/finetune.ts';
import { Rng } from '../../learning/nn/rng.ts';
import { BACKBONE_FILE } from '../../core.ts';
import { GENERATED_MODELS_DIR } from '../../paths.ts';
import type { GarmentType } from '../../../../shared/api.ts';
import type { ParsedArgs } from '../args.ts';
import { stringFlag } from '../args.ts';
import { printResult, progressLine } from '../output.ts';
import { round } from './eval-embeddings.ts';
import { garmentTypeOfLabel } from '../../heads/labels.ts';

/** The wardrobe of 300 garments the bench holds by default; `--wardrobe N` scales it (as far as the kit has photos). */
const WANT: Partial<Record<GarmentType, number>> = { top: 130, bottom: 100, shoes: 70 };
const WANT_TOTAL = 300;

export async function benchFinetune(args: ParsedArgs): Promise<void> {
  const rng = new Rng(11);
  const photos = rng.shuffle(loadClothingDataset(stringFlag(args, 'data')));
  const size = Number(stringFlag(args, 'wardrobe', String(WANT_TOTAL)));
  if (!Number.isInteger(size) || size < 30) throw new Error(`--wardrobe takes a number of garments (at least 30), not ${stringFlag(args, 'wardrobe')}`);
  const chosen = Object.entries(WANT).flatMap(([type, n]) => photos.filter((p) => garmentTypeOfLabel(p.label) === type).slice(0, Math.round((n * size) / WANT_TOTAL)));
  const { embeddings } = await embedFiles(chosen.map((p) => p.file), { modelPath: path.join(stringFlag(args, 'models', GENERATED_MODELS_DIR), BACKBONE_FILE), onProgress: progressLine('embedding') });

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stylist-bench-finetune-'));
  const db = openDatabase(path.join(dir, 'library.db'));
  const items = new ItemsRepo(db);
  const judgements = new JudgementsRepo(db, items);
  const person = new PeopleRepo(db).create('bench');
  const ids = items.insertBatch(person.id, chosen.flatMap((p, i) => (embeddings[i] ? [{
    sha256: i.toString(16).padStart(64, '0'), fileName: p.image, ext: 'jpg', width: 1, height: 1, type: garmentTypeOfLabel(p.label)!, typeConfidence: 1, tags: [], colors: [], embedding: embeddings[i],
  }] : [])), []);
  const modelDir = stringFlag(args, 'model', SHIPPED_COMPAT_DIR);
  const model = loadModel(modelDir);
  const service = new PersonalService({ db, general: () => ({ model, dir: modelDir }), wardrobe: (p) => items.wardrobeWithEmbeddings(p), judgements: (p) => judgements.list(p), debounceMs: 0 });
  const wardrobe = items.wardrobeWithEmbeddings(person.id);
  const bySlot = (t: GarmentType) => wardrobe.filter((w) => w.item.type === t).map((w) => w.item.id);
  const randomOutfit = () => (['top', 'bottom', 'shoes'] as const).map((t) => rng.pick(bySlot(t)));
  const judge = () => judgements.record(person.id, randomOutfit(), rng.next() < 0.3 ? 'like' : 'dislike');
  try {
    for (let n = 0; n < 200; n++) judge();
    service.schedule(person.id);
    await service.idle(person.id);
    const embeddingOf = new Map(wardrobe.map((w) => [w.item.id, w.embedding]));
    const asking = { items: wardrobe.map((w) => ({ id: w.item.id, type: w.item.type })), embeddings: (ids: number[]) => new Map(ids.map((id) => [id, embeddingOf.get(id)!])) };
    const questionTimes: number[] = [];
    // The best 20 and, as the app puts among them, the questions (questions.ts) for the new version.
    const rerank = () => {
      const parts = service.personal(person.id);
      const engine = new OutfitEngine(model, parts);
      const top = suggestOutfits(engine.index(wardrobe.map((w) => ({ id: w.item.id, type: w.item.type, embedding: w.embedding }))), { k: 20 });
      const t = performance.now();
      if (questionsFor(asking, judgements.list(person.id), parts!, Math.floor(20 / QUESTION_EVERY), person.id).length === 0) throw new Error('no questions were asked');
      questionTimes.push(performance.now() - t);
      return top;
    };
    rerank();
    const clicks: number[] = [];
    const reranks: number[] = [];
    for (let c = 0; c < 20; c++) {
      const t0 = performance.now();
      judge();
      service.schedule(person.id);
      await service.idle(person.id);
      const top = rerank();
      clicks.push(performance.now() - t0);
      if (top.length !== 20) throw new Error(`expected 20 suggestions, got ${top.length}`);
      const t2 = performance.now();
      rerank();
      reranks.push(performance.now() - t2);
    }
    const t1 = performance.now();
    const data = trainingData(wardrobe, judgements.list(person.id));
    fineTune(model, data.items, data.outfits);
    const fullRetrainMs = performance.now() - t1;
    clicks.sort((a, b) => a - b);
    reranks.sort((a, b) => a - b);
    questionTimes.sort((a, b) => a - b);
    const pct = (q: number, xs = clicks) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
    printResult(
      args,
      {
        click_to_rerank_p50_ms: round(pct(0.5), 1), click_to_rerank_p95_ms: round(pct(0.95), 1), full_retrain_ms: round(fullRetrainMs, 1),
        rerank_only_p50_ms: round(pct(0.5, reranks), 1), click_over_rerank_p50: round(pct(0.5) / pct(0.5, reranks), 2),
        questions_p50_ms: round(pct(0.5, questionTimes), 1),
        judgements: data.outfits.length, wardrobe: ids.length, clicks: clicks.length,
      },
      (r) => `With ${r.judgements} judgements and ${r.wardrobe} items: click to re-ranked top 20 p50 ${r.click_to_rerank_p50_ms} ms, p95 ${r.click_to_rerank_p95_ms} ms; full retrain ${r.full_retrain_ms} ms; the re-rank alone p50 ${r.rerank_only_p50_ms} ms (a click is ${r.click_over_rerank_p50}x that), of which picking the questions p50 ${r.questions_p50_ms} ms.`,
    );
  } finally {
    await service.close();
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

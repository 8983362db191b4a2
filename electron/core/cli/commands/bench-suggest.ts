// stylist bench suggest [--data DIR] [--model MODEL_DIR] [--json]
// Outfit search with the app's model on synthetic libraries built from real item features (the CC0
// clothing dataset's backbone embeddings):
//  (a) a wardrobe of 300 items (120 tops, 90 bottoms, 60 shoes, 15 dresses, 15 outerwear): top-20 latency
//      (p50/p95 over 200 queries after the first one and 10 untimed warm-up rounds, pair tables cached as
//      in the app; the first query's CPU time is reported as cpu_ms.wardrobe_first_query) and a full
//      re-score after a model change (every item's vectors and every pair table recomputed);
//  (a') the same wardrobe growing by 30 batches of 16 items (300 to 780, as while photos import into it):
//      the first top-20 after each batch, with the index grown from the previous one (as in the app) and,
//      alternating with it, rebuilt from scratch by an engine that does not grow indexes (the baseline);
//  (b) a catalogue of 50,000 items (each a blend of two real items of its slot): top-20 with one pinned
//      item and with none, and recall@20 of the pruned search against exact search, measured in the same
//      run on a 5,000-item sub-catalogue small enough for exact search (full pair tables + branch and
//      bound), with the same shares of candidates and pools per slot (PINNED_DEFAULTS etc. scaled by 0.1).
// Every latency is reported as wall-clock and as CPU time of the process (the load average is printed:
// on a shared machine wall-clock includes waiting for a core).
import os from 'node:os';
import path from 'node:path';
import { BACKBONE_FILE } from '../../core.ts';
import { GENERATED_MODELS_DIR, REPO_ROOT } from '../../paths.ts';
import { loadClothingDataset } from '../../datasets/clothing-dataset.ts';
import { embedFiles } from '../../datasets/embed-files.ts';
import { slotOfLabel } from '../../compat/clothing-prior.ts';
import { SHIPPED_COMPAT_DIR, loadModel } from '../../compat/store.ts';
import type { CompatModel } from '../../compat/model.ts';
import { Rng } from '../../learning/nn/rng.ts';
import { OutfitEngine } from '../../outfits/engine.ts';
import type { EngineItem } from '../../outfits/engine.ts';
import { CatalogueIndex, PINNED_DEFAULTS, UNPINNED_DEFAULTS, topIdsOf } from '../../outfits/catalogue.ts';
import { suggestOutfits } from '../../outfits/suggest.ts';
import type { Slot } from '../../outfits/slots.ts';
import type { ParsedArgs } from '../args.ts';
import { stringFlag } from '../args.ts';
import { printResult, progressLine } from '../output.ts';
import { round } from './eval-embeddings.ts';

const WARDROBE: Record<Slot, number> = { top: 120, bottom: 90, shoes: 60, dress: 15, outerwear: 15 };
const CATALOGUE_SIZE = 50_000;
const CATALOGUE_SHARE: Record<Slot, number> = { top: 0.4, bottom: 0.3, shoes: 0.2, dress: 0.05, outerwear: 0.05 };
const SUB_CATALOGUE_SIZE = 5_000;
const WARM_UP_QUERIES = 10;
const BATCHES = 30;
const BATCH = 16;
/** Slots of imported items, in the wardrobe's proportions. */
const BATCH_SLOTS = (Object.entries(WARDROBE) as [Slot, number][]).flatMap(([slot, n]) => Array<Slot>(n / 15).fill(slot));

export async function benchSuggest(args: ParsedArgs): Promise<void> {
  const kit = process.env.STYLIST_KIT ?? path.join(REPO_ROOT, '..', 'shared');
  const dataDir = path.resolve(stringFlag(args, 'data', path.join(kit, 'data', 'clothing-dataset')));
  const modelDir = stringFlag(args, 'model', SHIPPED_COMPAT_DIR);
  const model = loadModel(modelDir);
  const photos = loadClothingDataset(dataDir);
  const { embeddings } = await embedFiles(photos.map((p) => p.file), {
    modelPath: path.join(stringFlag(args, 'models', GENERATED_MODELS_DIR), BACKBONE_FILE),
    onProgress: progressLine('embedding'),
  });
  const real = new Map<Slot, Float32Array[]>();
  photos.forEach((p, i) => {
    const slot = slotOfLabel(p.label);
    const e = embeddings[i];
    if (slot && e) (real.get(slot) ?? real.set(slot, []).get(slot)!).push(e);
  });
  const rng = new Rng(2024);

  // (a) wardrobe
  let nextId = 1;
  const wardrobe: EngineItem[] = [];
  for (const [slot, n] of Object.entries(WARDROBE) as [Slot, number][]) {
    const pool = rng.shuffle([...real.get(slot)!]);
    for (let i = 0; i < n; i++) wardrobe.push({ id: nextId++, type: slot, embedding: pool[i % pool.length]! });
  }
  const engine = new OutfitEngine(model);
  engine.index(wardrobe).computeAllTables();
  // The first queries run while the JIT compiles the search (on other threads, counted in the process's
  // CPU time): the very first is reported on its own, the next few are not timed, so p50/p95 are of the
  // steady state a person sees after their first request.
  const cold = timings();
  timed(() => suggestOutfits(engine.index(wardrobe), { k: 20 }), cold);
  // Its own random pins: the timed queries and the catalogue below draw what they drew without it.
  const warmUpRng = new Rng(7);
  for (let q = 0; q < WARM_UP_QUERIES; q++) {
    suggestOutfits(engine.index(wardrobe), { k: 20 });
    suggestOutfits(engine.index(wardrobe), { k: 20, pinned: [warmUpRng.pick(wardrobe).id] });
  }
  const unpinnedW = timings();
  const pinnedW = timings();
  for (let q = 0; q < 200; q++) {
    const list = timed(() => suggestOutfits(engine.index(wardrobe), { k: 20 }), unpinnedW);
    if (list.length < 20) throw new Error(`the wardrobe gave only ${list.length} suggestions`);
    const pin = rng.pick(wardrobe).id;
    timed(() => suggestOutfits(engine.index(wardrobe), { k: 20, pinned: [pin] }), pinnedW);
  }
  const rescore = timings();
  for (let r = 0; r < 12; r++) {
    const changed = perturbed(model, r);
    timed(() => {
      engine.setModel(changed);
      engine.index(wardrobe).computeAllTables();
    }, rescore);
  }
  engine.setModel(model);

  // (a') batches imported into the wardrobe
  const growing = new OutfitEngine(model);
  const rebuilding = new OutfitEngine(model, undefined, { growIndexes: false });
  const grownW = timings();
  const rebuiltW = timings();
  let w = [...wardrobe];
  for (const e of [growing, rebuilding]) suggestOutfits(e.index(w), { k: 20 });
  for (let b = 0; b < BATCHES; b++) {
    for (let i = 0; i < BATCH; i++) {
      const slot = rng.pick(BATCH_SLOTS);
      w = [...w, { id: nextId++, type: slot, embedding: rng.pick(real.get(slot)!) }];
    }
    const runs: [OutfitEngine, ReturnType<typeof timings>][] = [[growing, grownW], [rebuilding, rebuiltW]];
    for (const [e, into] of b % 2 ? runs.reverse() : runs) timed(() => suggestOutfits(e.index(w), { k: 20 }), into);
  }

  // (b) catalogue
  const catalogue = syntheticCatalogue(real, CATALOGUE_SIZE, rng, 1_000_000);
  const index = new CatalogueIndex(model, catalogue);
  const unpinned = timings();
  for (let q = 0; q < 5; q++) {
    const list = timed(() => index.suggest({ k: 20 }), unpinned);
    if (list.length < 20) throw new Error(`the catalogue gave only ${list.length} suggestions`);
  }
  const pinned = timings();
  for (let q = 0; q < 30; q++) {
    const pin = rng.pick(catalogue).id;
    timed(() => index.suggest({ k: 20, pinned: [pin] }), pinned);
  }

  // Recall@20 against exact search on a sub-catalogue (exact: full pair tables + branch and bound).
  const sub = rng.shuffle([...catalogue]).slice(0, SUB_CATALOGUE_SIZE);
  const subIndex = new CatalogueIndex(model, sub);
  const exactEngine = new OutfitEngine(model);
  const exactIndex = exactEngine.index(sub);
  const scale = SUB_CATALOGUE_SIZE / CATALOGUE_SIZE;
  // Unpinned: the whole sub-catalogue, and four times with a random 5% of it excluded; then 15 pinned.
  const unpinnedQueries = [{}, ...Array.from({ length: 4 }, () => ({ exclude: sub.filter(() => rng.next() < 0.05).map((i) => i.id) }))];
  const queries = [...unpinnedQueries, ...Array.from({ length: 15 }, () => ({ pinned: [rng.pick(sub).id] }))];
  const recalls: number[] = [];
  let exactMs = 0;
  for (const query of queries) {
    const t0 = performance.now();
    const exact = topIdsOf(exactIndex, query, 20);
    exactMs += performance.now() - t0;
    const approx = new Set(subIndex.topIds(query, 20, { scale }).map((o) => o.ids.join(',')));
    recalls.push(exact.filter((o) => approx.has(o.ids.join(','))).length / Math.max(1, exact.length));
  }

  printResult(
    args,
    {
      wardrobe_p50_ms: round(quantile(unpinnedW.wall, 0.5), 2),
      wardrobe_p95_ms: round(quantile(unpinnedW.wall, 0.95), 2),
      wardrobe_rescore_ms: round(quantile(rescore.wall, 0.5), 1),
      after_batch_grown_p50_ms: round(quantile(grownW.wall, 0.5), 2),
      after_batch_rebuilt_p50_ms: round(quantile(rebuiltW.wall, 0.5), 2),
      after_batch_grown_p95_ms: round(quantile(grownW.wall, 0.95), 2),
      after_batch_rebuilt_p95_ms: round(quantile(rebuiltW.wall, 0.95), 2),
      after_batch_ratio: round(quantile(grownW.cpu, 0.5) / quantile(rebuiltW.cpu, 0.5), 2),
      catalogue_pinned_ms: round(quantile(pinned.wall, 0.5), 1),
      catalogue_unpinned_ms: round(quantile(unpinned.wall, 0.5), 1),
      recall_at_20: round(recalls.reduce((a, b) => a + b, 0) / recalls.length, 3),
      recall_unpinned: round(recalls.slice(0, unpinnedQueries.length).reduce((a, b) => a + b, 0) / unpinnedQueries.length, 3),
      recall_pinned: round(recalls.slice(unpinnedQueries.length).reduce((a, b) => a + b, 0) / (recalls.length - unpinnedQueries.length), 3),
      cpu_ms: {
        wardrobe_first_query: round(cold.cpu[0]!, 1),
        wardrobe_p50: round(quantile(unpinnedW.cpu, 0.5), 2),
        wardrobe_p95: round(quantile(unpinnedW.cpu, 0.95), 2),
        wardrobe_rescore: round(quantile(rescore.cpu, 0.5), 1),
        after_batch_grown: round(quantile(grownW.cpu, 0.5), 2),
        after_batch_rebuilt: round(quantile(rebuiltW.cpu, 0.5), 2),
        catalogue_pinned: round(quantile(pinned.cpu, 0.5), 1),
        catalogue_unpinned: round(quantile(unpinned.cpu, 0.5), 1),
      },
      wardrobe_pinned_p95_ms: round(quantile(pinnedW.wall, 0.95), 2),
      wardrobe_rescore_p95_ms: round(quantile(rescore.wall, 0.95), 1),
      catalogue_pinned_p95_ms: round(quantile(pinned.wall, 0.95), 1),
      catalogue_build_ms: Math.round(index.buildMs),
      catalogue_items: catalogue.length,
      pruning: { unpinned: UNPINNED_DEFAULTS, pinned: PINNED_DEFAULTS },
      recall_sub_catalogue: { items: sub.length, scale, queries: queries.length, exact_ms_per_query: round(exactMs / queries.length, 1) },
      load_average: round(os.loadavg()[0]!, 2),
      cpus: os.cpus().length,
      model: modelDir,
      model_id: model.id,
      wardrobe: WARDROBE,
    },
    (r) =>
      [
        `Wardrobe (300 items): top-20 p50 ${r.wardrobe_p50_ms} ms, p95 ${r.wardrobe_p95_ms} ms (pinned p95 ${r.wardrobe_pinned_p95_ms} ms); full re-score ${r.wardrobe_rescore_ms} ms`,
        `After each of ${BATCHES} batches of ${BATCH} (wardrobe ${300} to ${300 + BATCHES * BATCH} items): first top-20 p50 ${r.after_batch_grown_p50_ms} ms with the index grown, ${r.after_batch_rebuilt_p50_ms} ms rebuilt (CPU ratio ${r.after_batch_ratio})`,
        `Catalogue (${r.catalogue_items} items, index ${r.catalogue_build_ms} ms): pinned top-20 ${r.catalogue_pinned_ms} ms, unpinned ${r.catalogue_unpinned_ms} ms`,
        `Recall@20 vs exact search on ${r.recall_sub_catalogue.items} items (${r.recall_sub_catalogue.queries} queries): ${r.recall_at_20}`,
      ].join('\n'),
  );
}

/** Items that blend two real items of a slot (0.7 / 0.3), so every one of the N is distinct. */
function syntheticCatalogue(real: Map<Slot, Float32Array[]>, n: number, rng: Rng, firstId: number): EngineItem[] {
  const out: EngineItem[] = [];
  let id = firstId;
  for (const [slot, share] of Object.entries(CATALOGUE_SHARE) as [Slot, number][]) {
    const pool = real.get(slot)!;
    const count = Math.round(n * share);
    for (let i = 0; i < count; i++) {
      const a = rng.pick(pool);
      const b = rng.pick(pool);
      out.push({ id: id++, type: slot, embedding: a.map((v, k) => 0.7 * v + 0.3 * b[k]!) });
    }
  }
  return out;
}

/** A copy of the model with its pair networks nudged: a different model, as after a retraining. */
function perturbed(model: CompatModel, seed: number): CompatModel {
  const copy = Object.create(Object.getPrototypeOf(model) as object) as CompatModel;
  Object.assign(copy, model);
  const rng = new Rng(seed + 1);
  const pairs = new Map([...model.pairs].map(([k, net]) => {
    const c = net.clone();
    for (const p of c.params()) for (let i = 0; i < p.value.length; i += 97) p.value[i]! += 1e-3 * rng.normal();
    return [k, c] as const;
  }));
  Object.assign(copy, { pairs });
  copy.markChanged();
  return copy;
}

/** Wall-clock and CPU milliseconds of one call (CPU time is what a loaded machine cannot inflate). */
function timed<T>(fn: () => T, into: { wall: number[]; cpu: number[] }): T {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = fn();
  into.wall.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  into.cpu.push((c.user + c.system) / 1000);
  return out;
}

const timings = () => ({ wall: [] as number[], cpu: [] as number[] });

function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

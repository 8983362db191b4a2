// The outfit engine as the app uses it: the library's model (its taught house style, else the shipped
// model), reloaded when the house style changes; suggestions for a person's wardrobe; and the "teach the
// house style" jobs.
import fs from 'node:fs';
import path from 'node:path';
import type { Item, OutfitModelInfo, OutfitSuggestion, HouseStyleProgress } from '../../../shared/api.ts';
import { HOUSE_STYLE_DIRNAME, MODEL_JSON, loadModel, modelDirFor, shippedCompatDir } from '../compat/store.ts';
import { TeachJob } from '../compat/teach-job.ts';
import { OutfitEngine, WardrobeIndex, usableOf } from './engine.ts';
import { CatalogueIndex } from './catalogue.ts';
import type { IndexBuildRequest, IndexBuildResponse } from './index-worker.ts';
import { RequestWorker, siblingModule } from '../request-worker.ts';
import type { PersonalCompat } from '../compat/model.ts';
import type { EmbeddingsOf, WardrobeEntry } from './engine.ts';
import { suggestOutfits } from './suggest.ts';
import type { SuggestOptions, SuggestedOutfit } from './suggest.ts';

/** A person's wardrobe as suggestions read it: ids and types, and the rest only as needed. */
export interface OutfitWardrobe {
  items: readonly WardrobeEntry[];
  /** Read only for items the engine has no vectors of yet. */
  embeddings: EmbeddingsOf;
  /** The items of the outfits returned, in the order given. */
  describe(ids: number[]): Item[];
}

/** Answers kept per index: a window asks again with the same options until the wardrobe changes. */
const ANSWERS_PER_INDEX = 16;

export const BACKBONE_FILE_NAME = 'mobilenet_v2_imagenet.onnx';

/**
 * Past this many outfit items (a shop's stock), suggestions search a catalogue, built in a worker, through
 * candidates per query instead of exact pair tables. Measured with the shipped model on kit embeddings
 * (scratch script, quiet machine): at 5,000 items both cost about 0.5 s for the first request and 50 ms
 * for the next; at 20,000 the exact tables took 5.5 s, 0.6 s per new request and 1.4 GB, the catalogue
 * 0.75 s to build, 36-71 ms per request and 0.46 GB.
 */
export const EXACT_SEARCH_MAX_ITEMS = 4000;

/**
 * From this many outfit items, a wardrobe's exact index is built in the worker when there is none to grow it
 * from (the wardrobe seen for the first time, or changed beyond half). Measured with synthetic embeddings
 * (scratch script, load 3.5): on this thread the first request blocked it 64-96 ms at 800 items and 155-238 ms
 * at 2,000; in the worker it took 101-109 ms and 424-503 ms (the worker sorts every row, which later searches
 * and growth use), blocking this thread at most 24 ms, plus about 400 ms for the worker's own start once.
 */
export const COLD_INDEX_IN_WORKER_MIN_ITEMS = 1000;

export class OutfitService {
  private readonly libraryRoot: string;
  private readonly backboneDir: string;
  private readonly shippedDir: string;
  private engine: OutfitEngine | null = null;
  private source: OutfitModelInfo['source'] = 'shipped';
  private stamp = '';
  readonly jobs = new Map<string, TeachJob>();
  private readonly personalEngines = new Map<string, OutfitEngine>();
  /** An index never changes (a changed wardrobe or model gets a new one), so its answers can be kept with it. */
  private readonly answers = new WeakMap<WardrobeIndex | CatalogueIndex, Map<string, SuggestedOutfit[]>>();

  /**
   * The library's database: the index worker reads embeddings from it (none: large wardrobes fail, and
   * every exact index is built on this thread).
   */
  private readonly databasePath: string | null;
  private readonly exactSearchMaxItems: number;
  private readonly coldIndexInWorkerMinItems: number;
  private readonly indexWorker = new RequestWorker<IndexBuildRequest, IndexBuildResponse>(siblingModule(import.meta.url, 'index-worker'), 'outfit index worker');
  /** How many exact indexes the worker built and this thread took (a figure for benches and tests). */
  indexesFromWorker = 0;
  /** An exact index being built in the worker, per engine (a person's scores): one at a time. */
  private readonly coldBuilds = new WeakMap<OutfitEngine, Promise<void>>();
  /** The latest large wardrobe's catalogue, or its build under way (a shop's stock: one at a time). */
  private catalogue: { key: string; index: Promise<CatalogueIndex> } | null = null;

  constructor(options: { libraryRoot: string; backboneDir: string; databasePath?: string; exactSearchMaxItems?: number; coldIndexInWorkerMinItems?: number }) {
    this.libraryRoot = options.libraryRoot;
    this.backboneDir = options.backboneDir;
    this.shippedDir = shippedCompatDir(options.backboneDir);
    this.databasePath = options.databasePath ?? null;
    this.exactSearchMaxItems = options.exactSearchMaxItems ?? EXACT_SEARCH_MAX_ITEMS;
    this.coldIndexInWorkerMinItems = options.coldIndexInWorkerMinItems ?? COLD_INDEX_IN_WORKER_MIN_ITEMS;
  }

  async close(): Promise<void> {
    await this.indexWorker.close();
  }

  /** The engine over the library's current model (a changed house style is picked up here). */
  current(): OutfitEngine {
    const { dir, source } = modelDirFor(this.libraryRoot, this.shippedDir);
    const file = path.join(dir, MODEL_JSON);
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    const stamp = `${dir}:${stat?.mtimeMs ?? 0}:${stat?.size ?? 0}`;
    if (!this.engine || stamp !== this.stamp) {
      const model = loadModel(dir);
      if (this.engine) this.engine.setModel(model);
      else this.engine = new OutfitEngine(model);
      this.stamp = stamp;
      this.source = source;
    }
    return this.engine;
  }

  /** The folder of the model current() serves (the personal fine-tuning worker loads the same one). */
  modelDir(): string {
    return modelDirFor(this.libraryRoot, this.shippedDir).dir;
  }

  /**
   * Suggestions from the general model, or with a person's parts (an engine kept per person's version). Asked
   * again for a wardrobe and model that did not change, the kept answer is served: only the ids and types of the
   * wardrobe and the returned items are read.
   */
  async suggest(wardrobe: OutfitWardrobe, options: SuggestOptions, personal?: PersonalCompat): Promise<OutfitSuggestion[]> {
    const general = this.current();
    let engine = general;
    if (personal) {
      const key = `${general.currentModel.id}/${personal.id}`;
      engine = this.personalEngines.get(key) ?? new OutfitEngine(general.currentModel, personal);
      // Keep the few most recent people's engines (their item vectors and pair tables).
      this.personalEngines.delete(key);
      this.personalEngines.set(key, engine);
      while (this.personalEngines.size > 8) this.personalEngines.delete(this.personalEngines.keys().next().value!);
    }
    const usable = usableOf(wardrobe.items);
    const space = usable.length > this.exactSearchMaxItems ? await this.catalogueOf(engine, usable, personal) : await this.exactIndexOf(engine, usable, wardrobe.embeddings, personal);
    const kept = this.answers.get(space) ?? new Map<string, SuggestedOutfit[]>();
    this.answers.set(space, kept);
    const request = JSON.stringify(options);
    let found = kept.get(request);
    if (!found) {
      found = space instanceof CatalogueIndex ? space.suggest(options) : suggestOutfits(space, options);
      if (kept.size >= ANSWERS_PER_INDEX) kept.delete(kept.keys().next().value!);
      kept.set(request, found);
    }
    const byId = new Map(wardrobe.describe([...new Set(found.flatMap((s) => s.itemIds))]).map((item) => [item.id, item]));
    return found.map((s) => ({ items: s.itemIds.map((id) => byId.get(id)!), score: s.score, pairScores: s.pairScores.map((p) => ({ ...p })) }));
  }

  /**
   * The wardrobe's exact index: kept or grown by the engine on this thread, or, for a sizeable wardrobe with
   * nothing to grow from, built in the worker and handed to the engine. A build under way for the engine is
   * waited for first: an import changes the wardrobe every batch, and the next index grows from that one.
   */
  private async exactIndexOf(engine: OutfitEngine, usable: readonly WardrobeEntry[], embeddings: EmbeddingsOf, personal: PersonalCompat | undefined): Promise<WardrobeIndex> {
    await this.coldBuilds.get(engine);
    const inWorker = usable.length >= this.coldIndexInWorkerMinItems && this.databasePath && (!personal || personal.blob) && !engine.hasIndexNear(usable);
    if (inWorker) {
      const key = engine.wardrobeKey(usable);
      const build = this.buildInWorker('exact', engine, usable, personal)
        .then((r) => {
          // Scores changed meanwhile (a new house style): the engine builds the index itself below.
          if (r.kind !== 'exact' || engine.wardrobeKey(usable) !== key) return;
          engine.adopt(WardrobeIndex.fromParts(key, r.parts));
          this.indexesFromWorker++;
        })
        // A failed build costs only time: the engine builds the index on this thread below.
        .catch(() => {})
        .finally(() => {
          if (this.coldBuilds.get(engine) === build) this.coldBuilds.delete(engine);
        });
      this.coldBuilds.set(engine, build);
      await build;
    }
    return engine.indexOf(usable, embeddings);
  }

  /** The catalogue of a large wardrobe under the engine's scores: kept, or built in the worker (one build per wardrobe). */
  private catalogueOf(engine: OutfitEngine, usable: readonly WardrobeEntry[], personal: PersonalCompat | undefined): Promise<CatalogueIndex> {
    const key = engine.wardrobeKey(usable);
    if (this.catalogue?.key === key) return this.catalogue.index;
    if (!this.databasePath) throw new Error(`a wardrobe of more than ${this.exactSearchMaxItems} items needs the library's database`);
    if (personal && !personal.blob) throw new Error(`person parts ${personal.id} have no stored weights for the index worker`);
    const index = this.buildInWorker('catalogue', engine, usable, personal).then((r) => {
      if (r.kind !== 'catalogue') throw new Error('the index worker answered a catalogue request with another index');
      return new CatalogueIndex(r.parts);
    });
    this.catalogue = { key, index };
    // A failed build is not kept: the next request tries again.
    index.catch(() => {
      if (this.catalogue?.index === index) this.catalogue = null;
    });
    return index;
  }

  /** An index of the wardrobe under the engine's scores, built by the worker (which needs the database). */
  private async buildInWorker(kind: IndexBuildRequest['kind'], engine: OutfitEngine, usable: readonly WardrobeEntry[], personal: PersonalCompat | undefined) {
    const r = await this.indexWorker.request({
      kind,
      databasePath: this.databasePath!,
      modelDir: this.modelDir(),
      modelId: engine.currentModel.id,
      personal: personal ? { id: personal.id, blob: personal.blob! } : null,
      items: usable.map((i) => ({ id: i.id, type: i.type })),
    });
    if (!r.ok) throw new Error(`building the ${kind === 'catalogue' ? 'catalogue' : 'wardrobe index'} failed: ${r.error}`);
    return r;
  }

  info(): OutfitModelInfo {
    const model = this.current().currentModel;
    return { source: this.source, id: model.id, trainedOn: model.meta.trainedOn, createdAt: model.meta.createdAt };
  }

  /** Starts teaching the house style from a lookbook folder; the result replaces the library's model. */
  teach(lookbookDir: string): TeachJob {
    for (const job of this.jobs.values()) if (job.snapshot().state === 'running') throw new Error('a house style is already being taught');
    const job = new TeachJob({
      lookbookDir: path.resolve(lookbookDir),
      backbonePath: path.join(this.backboneDir, BACKBONE_FILE_NAME),
      outDir: path.join(this.libraryRoot, HOUSE_STYLE_DIRNAME),
      cacheDir: path.join(this.libraryRoot, 'cache', 'embeddings'),
    });
    this.jobs.set(job.id, job);
    return job;
  }

  status(jobId: string): HouseStyleProgress | null {
    return this.jobs.get(jobId)?.snapshot() ?? null;
  }
}

// The outfit engine as the app uses it: the library's model (its taught house style, else the shipped
// model), reloaded when the house style changes; suggestions for a person's wardrobe; and the "teach the
// house style" jobs.
import fs from 'node:fs';
import path from 'node:path';
import type { Item, OutfitModelInfo, OutfitSuggestion, HouseStyleProgress } from '../../../shared/api.ts';
import { HOUSE_STYLE_DIRNAME, MODEL_JSON, loadModel, modelDirFor, shippedCompatDir } from '../compat/store.ts';
import { TeachJob } from '../compat/teach-job.ts';
import { OutfitEngine, usableOf } from './engine.ts';
import { CatalogueIndex } from './catalogue.ts';
import type { CatalogueBuildRequest, CatalogueBuildResponse } from './catalogue-worker.ts';
import { RequestWorker, siblingModule } from '../request-worker.ts';
import type { PersonalCompat } from '../compat/model.ts';
import type { EmbeddingsOf, WardrobeEntry, WardrobeIndex } from './engine.ts';
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

  /** The library's database: the catalogue worker reads embeddings from it (none: large wardrobes fail). */
  private readonly databasePath: string | null;
  private readonly exactSearchMaxItems: number;
  private readonly catalogueWorker = new RequestWorker<CatalogueBuildRequest, CatalogueBuildResponse>(siblingModule(import.meta.url, 'catalogue-worker'), 'catalogue worker');
  /** The latest large wardrobe's catalogue, or its build under way (a shop's stock: one at a time). */
  private catalogue: { key: string; index: Promise<CatalogueIndex> } | null = null;

  constructor(options: { libraryRoot: string; backboneDir: string; databasePath?: string; exactSearchMaxItems?: number }) {
    this.libraryRoot = options.libraryRoot;
    this.backboneDir = options.backboneDir;
    this.shippedDir = shippedCompatDir(options.backboneDir);
    this.databasePath = options.databasePath ?? null;
    this.exactSearchMaxItems = options.exactSearchMaxItems ?? EXACT_SEARCH_MAX_ITEMS;
  }

  async close(): Promise<void> {
    await this.catalogueWorker.close();
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
    const space = usable.length > this.exactSearchMaxItems ? await this.catalogueOf(engine, usable, personal) : engine.indexOf(usable, wardrobe.embeddings);
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

  /** The catalogue of a large wardrobe under the engine's scores: kept, or built in the worker (one build per wardrobe). */
  private catalogueOf(engine: OutfitEngine, usable: readonly WardrobeEntry[], personal: PersonalCompat | undefined): Promise<CatalogueIndex> {
    const key = engine.wardrobeKey(usable);
    if (this.catalogue?.key === key) return this.catalogue.index;
    if (!this.databasePath) throw new Error(`a wardrobe of more than ${this.exactSearchMaxItems} items needs the library's database`);
    if (personal && !personal.blob) throw new Error(`person parts ${personal.id} have no stored weights for the catalogue worker`);
    const index = this.catalogueWorker
      .request({
        databasePath: this.databasePath,
        modelDir: this.modelDir(),
        modelId: engine.currentModel.id,
        personal: personal ? { id: personal.id, blob: personal.blob! } : null,
        items: usable.map((i) => ({ id: i.id, type: i.type })),
      })
      .then((r) => {
        if (!r.ok) throw new Error(`building the catalogue failed: ${r.error}`);
        return new CatalogueIndex(r.parts);
      });
    this.catalogue = { key, index };
    // A failed build is not kept: the next request tries again.
    index.catch(() => {
      if (this.catalogue?.index === index) this.catalogue = null;
    });
    return index;
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

// The outfit engine as the app uses it: the library's model (its taught house style, else the shipped
// model), reloaded when the house style changes; suggestions for a person's wardrobe; and the "teach the
// house style" jobs.
import fs from 'node:fs';
import path from 'node:path';
import type { Item, OutfitModelInfo, OutfitSuggestion, HouseStyleProgress } from '../../../shared/api.ts';
import { HOUSE_STYLE_DIRNAME, MODEL_JSON, loadModel, modelDirFor, shippedCompatDir } from '../compat/store.ts';
import { fileSha256 } from '../vision/models-key.ts';
import { TeachJob } from '../compat/teach-job.ts';
import { OutfitEngine, usableOf } from './engine.ts';
import type { IndexOrigin, SearchRequest, SearchResponse } from './search-worker.ts';
import { RequestWorker, siblingModule } from '../request-worker.ts';
import type { PersonalCompat } from '../compat/model.ts';
import type { EmbeddingsOf, WardrobeEntry } from './engine.ts';
import { OUTFIT_SLOTS } from './slots.ts';
import type { Slot } from './slots.ts';
import { KeptAnswers, OutfitRequestError, suggestOutfits } from './suggest.ts';
import type { SuggestOptions, SuggestedOutfit } from './suggest.ts';

/** A person's wardrobe as suggestions read it: ids and types, and the rest only as needed. */
export interface OutfitWardrobe {
  items: readonly WardrobeEntry[];
  /** Read only for items the engine has no vectors of yet. */
  embeddings: EmbeddingsOf;
  /** The items of the outfits returned, in the order given. */
  describe(ids: number[]): Item[];
}

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
 * From this many outfit items, a wardrobe's suggestions come from the search worker, which keeps its exact
 * index (every row sorted, grown there as the wardrobe changes). Measured in `bench load` (RELIABILITY.md,
 * Load): at 2,500 items, searched on this thread, a first request held it 205-785 ms and each new one 55-352
 * ms; searched in the worker, the first held it 14-34 ms. Below, this thread keeps the search: a grown index with sorted rows
 * answers in p50 22-26 ms at 840-1,480 items while an import runs, where the worker's answers, waiting for
 * a core beside the import's threads, took p50 52-58 ms and p95 250-367 ms (load 3.5-4).
 */
export const WORKER_SEARCH_MIN_ITEMS = 2000;

/**
 * From this many outfit items, a wardrobe this thread holds no index near (seen for the first time, or changed
 * beyond half) is searched in the worker as well. At 1,500 items (scratch script, synthetic embeddings, quiet
 * machine) its first request held this thread 108-173 ms; in the worker it took 130-147 ms and held this
 * thread at most 14 ms (plus about 300 ms once, for the worker's start). One whose index this thread grows
 * stays here up to WORKER_SEARCH_MIN_ITEMS; one in the worker stays there (this thread holds nothing near it).
 */
export const COLD_WORKER_SEARCH_MIN_ITEMS = 1000;

export class OutfitService {
  private readonly libraryRoot: string;
  private readonly backboneDir: string;
  private readonly shippedDir: string;
  private engine: OutfitEngine | null = null;
  private source: OutfitModelInfo['source'] = 'shipped';
  private stamp = '';
  /** The backbone file's sha256, which a house style must have been taught with (null until hashed, or unreadable). */
  private backboneSha256: string | null = null;
  private readonly backboneKnown: Promise<void>;
  private houseStyleOutdated = false;
  readonly jobs = new Map<string, TeachJob>();
  private readonly personalEngines = new Map<string, OutfitEngine>();
  /** Answers kept with the index they came from (here), or with the wardrobe last sent to the worker. */
  private readonly answers = new KeptAnswers();

  /**
   * The library's database: the search worker reads embeddings from it (none: every wardrobe is searched on
   * this thread, and one past EXACT_SEARCH_MAX_ITEMS is refused).
   */
  private readonly databasePath: string | null;
  private readonly exactSearchMaxItems: number;
  private readonly workerSearchMinItems: number;
  private readonly coldWorkerSearchMinItems: number;
  private readonly searchWorker = new RequestWorker<SearchRequest, SearchResponse>(siblingModule(import.meta.url, 'search-worker'), 'outfit search worker');
  /** How the worker's answers came about (its index kept, grown or built): a figure for benches and tests. */
  readonly workerIndexes: Record<IndexOrigin, number> = { kept: 0, grown: 0, built: 0 };
  /**
   * The wardrobe last sent to the worker per person's scores, whose answers are kept here too: asked again,
   * the same request is answered without waiting for the worker (which an import keeps busy growing indexes).
   */
  private readonly workerWardrobes = new Map<string, { ids: Int32Array; slots: Uint8Array }>();

  constructor(options: { libraryRoot: string; backboneDir: string; databasePath?: string; exactSearchMaxItems?: number; workerSearchMinItems?: number; coldWorkerSearchMinItems?: number }) {
    this.libraryRoot = options.libraryRoot;
    this.backboneDir = options.backboneDir;
    this.shippedDir = shippedCompatDir(options.backboneDir);
    this.databasePath = options.databasePath ?? null;
    this.exactSearchMaxItems = options.exactSearchMaxItems ?? EXACT_SEARCH_MAX_ITEMS;
    this.workerSearchMinItems = options.workerSearchMinItems ?? WORKER_SEARCH_MIN_ITEMS;
    this.coldWorkerSearchMinItems = options.coldWorkerSearchMinItems ?? COLD_WORKER_SEARCH_MIN_ITEMS;
    this.backboneKnown = fileSha256(path.join(this.backboneDir, BACKBONE_FILE_NAME)).then(
      (sha) => void (this.backboneSha256 = sha),
      () => {},
    );
  }

  async close(): Promise<void> {
    await this.searchWorker.close();
  }

  /**
   * Items were described again by newer models (library/redescribe.ts): every engine, index and answer built on
   * their old embeddings goes, here and in the worker (the next request starts a new one).
   */
  async forgetItems(): Promise<void> {
    this.engine = null;
    this.stamp = '';
    this.personalEngines.clear();
    this.workerWardrobes.clear();
    await this.searchWorker.close();
  }

  /** The engine over the library's current model (a changed house style is picked up here). */
  current(): OutfitEngine {
    const { dir, source, outdated } = modelDirFor(this.libraryRoot, this.shippedDir, this.backboneSha256);
    this.houseStyleOutdated = outdated;
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
    return modelDirFor(this.libraryRoot, this.shippedDir, this.backboneSha256).dir;
  }

  /**
   * Suggestions from the general model, or with a person's parts. A large wardrobe is searched in the worker;
   * others here, by an engine kept per person's version. Asked again for a wardrobe and model that did not
   * change, the kept answer is served: only the ids and types of the wardrobe and the returned items are read.
   */
  async suggest(wardrobe: OutfitWardrobe, options: SuggestOptions, personal?: PersonalCompat): Promise<OutfitSuggestion[]> {
    await this.backboneKnown;
    const general = this.current();
    const engine = this.engineFor(general, personal);
    const usable = usableOf(wardrobe.items);
    const search = usable.length > this.exactSearchMaxItems ? 'catalogue' : 'exact';
    const workerCan = this.databasePath !== null && (!personal || personal.blob !== undefined);
    const large = usable.length >= this.workerSearchMinItems || (usable.length >= this.coldWorkerSearchMinItems && !engine.hasIndexNear(usable));
    let found: SuggestedOutfit[] | undefined;
    if (search === 'catalogue' || (large && workerCan)) {
      if (!this.databasePath) throw new Error(`a wardrobe of more than ${this.exactSearchMaxItems} items needs the library's database`);
      if (personal && !personal.blob) throw new Error(`person parts ${personal.id} have no stored weights for the search worker`);
      try {
        found = await this.searchInWorker(search, general.currentModel.id, usable, options, personal);
      } catch (error) {
        // An exact search the worker could not do is done here (slower for the window, but an answer).
        if (search === 'catalogue' || error instanceof OutfitRequestError) throw error;
      }
    }
    found ??= this.searchHere(engine, usable, wardrobe.embeddings, options);
    const byId = new Map(wardrobe.describe([...new Set(found.flatMap((s) => s.itemIds))]).map((item) => [item.id, item]));
    return found.map((s) => ({ items: s.itemIds.map((id) => byId.get(id)!), score: s.score, pairScores: s.pairScores.map((p) => ({ ...p })) }));
  }

  /** The engine of a person's scores: the general one, or one kept per person's version (the few most recent). */
  private engineFor(general: OutfitEngine, personal: PersonalCompat | undefined): OutfitEngine {
    if (!personal) return general;
    const key = `${general.currentModel.id}/${personal.id}`;
    const engine = this.personalEngines.get(key) ?? new OutfitEngine(general.currentModel, personal);
    this.personalEngines.delete(key);
    this.personalEngines.set(key, engine);
    while (this.personalEngines.size > 8) this.personalEngines.delete(this.personalEngines.keys().next().value!);
    return engine;
  }

  /** The exact search on this thread. */
  private searchHere(engine: OutfitEngine, usable: readonly WardrobeEntry[], embeddings: EmbeddingsOf, options: SuggestOptions): SuggestedOutfit[] {
    const index = engine.indexOf(usable, embeddings);
    return this.answers.answer(index, options, () => suggestOutfits(index, options));
  }

  /** The search worker's answer (it keeps the wardrobe's index, and reads embeddings from the database). */
  private async searchInWorker(search: SearchRequest['search'], modelId: string, usable: readonly WardrobeEntry[], options: SuggestOptions, personal: PersonalCompat | undefined): Promise<SuggestedOutfit[]> {
    const ids = Int32Array.from(usable, (i) => i.id);
    const slots = Uint8Array.from(usable, (i) => OUTFIT_SLOTS.indexOf(i.type as Slot));
    const scores = `${search}|${modelId}/${personal?.id ?? 'general'}`;
    let sent = this.workerWardrobes.get(scores);
    if (!sent || !sameArrays(sent.ids, ids) || !sameArrays(sent.slots, slots)) sent = { ids: ids.slice(), slots: slots.slice() };
    const found = this.answers.find(sent, options);
    if (found) return found;
    this.workerWardrobes.delete(scores);
    this.workerWardrobes.set(scores, sent);
    if (this.workerWardrobes.size > 8) this.workerWardrobes.delete(this.workerWardrobes.keys().next().value!);
    const r = await this.searchWorker.request(
      {
        search,
        databasePath: this.databasePath!,
        modelDir: this.modelDir(),
        modelId,
        personal: personal ? { id: personal.id, blob: personal.blob! } : null,
        ids,
        slots,
        options,
      },
      [ids.buffer, slots.buffer],
    );
    if (!r.ok) {
      if ('badRequest' in r && r.badRequest) throw new OutfitRequestError(r.error);
      throw new Error(`searching the wardrobe in the worker failed: ${r.error}`);
    }
    this.workerIndexes[r.index]++;
    return this.answers.keep(sent, options, r.outfits);
  }

  info(): OutfitModelInfo {
    const model = this.current().currentModel;
    return { source: this.source, id: model.id, trainedOn: model.meta.trainedOn, createdAt: model.meta.createdAt, houseStyleOutdated: this.houseStyleOutdated };
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

function sameArrays(a: Int32Array | Uint8Array, b: Int32Array | Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

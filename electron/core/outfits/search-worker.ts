// Worker thread that answers suggestions for large wardrobes, so the thread answering the window never holds
// their indexes or searches them: a shop's stock (past EXACT_SEARCH_MAX_ITEMS, a catalogue searched through
// candidates) and a sizeable wardrobe (an exact index with every row sorted, grown here batch by batch as
// the wardrobe changes). It reads the items' embeddings through its own read-only connection to the
// library and keeps the indexes and their answers between requests.
import { parentPort } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { loadModel } from '../compat/store.ts';
import type { CompatModel, PersonalCompat } from '../compat/model.ts';
import { ItemsRepo } from '../library/items-repo.ts';
import { deserializePersonal, toPersonalCompat } from '../personal/person-model.ts';
import { CatalogueIndex } from './catalogue.ts';
import { OutfitEngine } from './engine.ts';
import type { EngineItem, WardrobeEntry, WardrobeIndex } from './engine.ts';
import { OUTFIT_SLOTS } from './slots.ts';
import { KeptAnswers, OutfitRequestError, suggestOutfits } from './suggest.ts';
import type { SuggestOptions, SuggestedOutfit } from './suggest.ts';

export interface SearchRequest {
  id: number;
  /** A catalogue (candidates per query) or the exact index. */
  search: 'catalogue' | 'exact';
  databasePath: string;
  modelDir: string;
  /** The model the main thread scores with: a different one in the folder is an error, not a silent mix. */
  modelId: string;
  personal: { id: string; blob: Uint8Array } | null;
  /** The wardrobe's outfit items by id, each one's slot as its index in OUTFIT_SLOTS. */
  ids: Int32Array;
  slots: Uint8Array;
  options: SuggestOptions;
}

/** How the index answering came about: kept from an earlier request, grown from a kept one, or built whole. */
export type IndexOrigin = 'kept' | 'grown' | 'built';

export type SearchResponse =
  | { id: number; ok: true; outfits: SuggestedOutfit[]; index: IndexOrigin }
  | { id: number; ok: false; error: string; badRequest: boolean };

/** Embeddings are read in chunks of this many ids (one statement each). */
const READ_CHUNK = 2000;
/** Engines kept (one per person's scores), as on the main thread. */
const ENGINES_KEPT = 8;

let model: { dir: string; model: CompatModel } | null = null;
let database: { path: string; repo: ItemsRepo; close: () => void } | null = null;
const personals = new Map<string, PersonalCompat>();
const engines = new Map<string, OutfitEngine>();
let catalogue: { key: string; index: CatalogueIndex } | null = null;
const answers = new KeptAnswers();
const seen = new WeakSet<WardrobeIndex>();

function modelFor(dir: string, id: string): CompatModel {
  if (model?.dir !== dir || model.model.id !== id) {
    model = { dir, model: loadModel(dir) };
    engines.clear();
    personals.clear();
    catalogue = null;
  }
  if (model.model.id !== id) throw new Error(`the model in ${dir} is ${model.model.id}, not ${id}`);
  return model.model;
}

function personalFor(m: CompatModel, p: SearchRequest['personal']): PersonalCompat | undefined {
  if (!p) return undefined;
  let parts = personals.get(p.id);
  if (!parts) {
    parts = toPersonalCompat(m, deserializePersonal(Buffer.from(p.blob), m, p.id));
    personals.set(p.id, parts);
    if (personals.size > ENGINES_KEPT) personals.delete(personals.keys().next().value!);
  }
  return parts;
}

function engineFor(m: CompatModel, personal: PersonalCompat | undefined): OutfitEngine {
  const key = `${m.id}/${personal?.id ?? 'general'}`;
  // No limit on sorting rows here: the time is no one's wait, and every later search and growth gains.
  const engine = engines.get(key) ?? new OutfitEngine(m, personal, { sortedRowsMaxItems: Infinity });
  engines.delete(key);
  engines.set(key, engine);
  if (engines.size > ENGINES_KEPT) engines.delete(engines.keys().next().value!);
  return engine;
}

/** The embeddings of these items; an item deleted since the main thread listed the wardrobe is left out. */
function embeddingsOf(databasePath: string, ids: readonly number[]): Map<number, Float32Array> {
  if (database?.path !== databasePath) {
    database?.close();
    const db = new BetterSqlite3(databasePath, { readonly: true, fileMustExist: true });
    database = { path: databasePath, repo: new ItemsRepo(db), close: () => db.close() };
  }
  const out = new Map<number, Float32Array>();
  for (let i = 0; i < ids.length; i += READ_CHUNK) for (const [id, e] of database.repo.embeddingsOf(ids.slice(i, i + READ_CHUNK))) out.set(id, e);
  return out;
}

function searchSpace(req: SearchRequest, engine: OutfitEngine, m: CompatModel, personal: PersonalCompat | undefined, items: WardrobeEntry[]) {
  if (req.search === 'exact') {
    const index = engine.indexOf(items, (ids) => embeddingsOf(req.databasePath, ids));
    const origin: IndexOrigin = seen.has(index) ? 'kept' : index.grown ? 'grown' : 'built';
    seen.add(index);
    return { space: index, origin };
  }
  const key = engine.wardrobeKey(items);
  if (catalogue?.key === key) return { space: catalogue.index, origin: 'kept' as const };
  const embeddings = embeddingsOf(req.databasePath, items.map((i) => i.id));
  const withEmbeddings: EngineItem[] = items.flatMap((i) => (embeddings.has(i.id) ? [{ ...i, embedding: embeddings.get(i.id)! }] : []));
  // One catalogue at a time (a shop's stock).
  catalogue = { key, index: new CatalogueIndex(m, withEmbeddings, personal) };
  return { space: catalogue.index, origin: 'built' as const };
}

function answer(req: SearchRequest): SearchResponse & { ok: true } {
  const m = modelFor(req.modelDir, req.modelId);
  const personal = personalFor(m, req.personal);
  const engine = engineFor(m, personal);
  const items = Array.from(req.ids, (id, i): WardrobeEntry => ({ id, type: OUTFIT_SLOTS[req.slots[i]!]! }));
  const { space, origin } = searchSpace(req, engine, m, personal, items);
  const outfits = answers.answer(space, req.options, () => (space instanceof CatalogueIndex ? space.suggest(req.options) : suggestOutfits(space, req.options)));
  return { id: req.id, ok: true, outfits, index: origin };
}

parentPort!.on('message', (req: SearchRequest) => {
  try {
    parentPort!.postMessage(answer(req) satisfies SearchResponse);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    parentPort!.postMessage({ id: req.id, ok: false, error: message, badRequest: error instanceof OutfitRequestError } satisfies SearchResponse);
  }
});

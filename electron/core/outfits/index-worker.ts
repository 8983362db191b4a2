// Worker thread that builds the indexes that would hold the thread answering the window for too long: a
// large wardrobe's catalogue (a shop's stock: thousands of items), and a sizeable wardrobe's exact index the
// first time it is seen (its items' vectors, every pair table and its sorted rows). It reads the items'
// embeddings through its own read-only connection to the library, computes under the model (and the
// person's parts), and sends the index's arrays back without copying them.
import { parentPort } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { loadModel } from '../compat/store.ts';
import type { CompatModel, PersonalCompat } from '../compat/model.ts';
import { blobToEmbedding } from '../library/items-repo.ts';
import { deserializePersonal, toPersonalCompat } from '../personal/person-model.ts';
import { CatalogueIndex } from './catalogue.ts';
import type { CatalogueParts } from './catalogue.ts';
import { OutfitEngine } from './engine.ts';
import type { EngineItem, SlotBlock, WardrobeEntry, WardrobeIndexParts } from './engine.ts';

export interface IndexBuildRequest {
  id: number;
  kind: 'catalogue' | 'exact';
  databasePath: string;
  modelDir: string;
  /** The model the main thread scores with: a different one in the folder is an error, not a silent mix. */
  modelId: string;
  personal: { id: string; blob: Uint8Array } | null;
  items: WardrobeEntry[];
}
export type IndexBuildResponse =
  | { id: number; ok: true; kind: 'catalogue'; parts: CatalogueParts }
  | { id: number; ok: true; kind: 'exact'; parts: WardrobeIndexParts }
  | { id: number; ok: false; error: string };

/** Embeddings are read in chunks of this many ids (one statement each). */
const READ_CHUNK = 2000;

let model: { dir: string; model: CompatModel } | null = null;

function modelFor(dir: string, id: string): CompatModel {
  if (model?.dir !== dir || model.model.id !== id) model = { dir, model: loadModel(dir) };
  if (model.model.id !== id) throw new Error(`the model in ${dir} is ${model.model.id}, not ${id}`);
  return model.model;
}

/** The wardrobe's items with their embeddings; an item deleted since the main thread listed it is left out. */
function readItems(databasePath: string, entries: readonly WardrobeEntry[]): EngineItem[] {
  const db = new BetterSqlite3(databasePath, { readonly: true, fileMustExist: true });
  const embeddings = new Map<number, Float32Array>();
  try {
    const read = db.prepare('SELECT item_id AS id, embedding FROM item_embeddings WHERE item_id IN (SELECT value FROM json_each(?))');
    for (let i = 0; i < entries.length; i += READ_CHUNK) {
      const ids = entries.slice(i, i + READ_CHUNK).map((item) => item.id);
      for (const row of read.all(JSON.stringify(ids)) as { id: number; embedding: Buffer }[]) embeddings.set(row.id, blobToEmbedding(row.embedding));
    }
  } finally {
    db.close();
  }
  return entries.flatMap((item) => {
    const embedding = embeddings.get(item.id);
    return embedding ? [{ ...item, embedding }] : [];
  });
}

function build(req: IndexBuildRequest): IndexBuildResponse & { ok: true } {
  const m = modelFor(req.modelDir, req.modelId);
  const personal: PersonalCompat | undefined = req.personal ? toPersonalCompat(m, deserializePersonal(Buffer.from(req.personal.blob), m, req.personal.id)) : undefined;
  const items = readItems(req.databasePath, req.items);
  if (req.kind === 'catalogue') return { id: req.id, ok: true, kind: 'catalogue', parts: CatalogueIndex.of(m, items, personal).parts() };
  // Sorting every row costs this thread alone; every later search over the index, and its growth, gains.
  const index = new OutfitEngine(m, personal, { sortedRowsMaxItems: Infinity }).index(items);
  index.computeAllTables();
  return { id: req.id, ok: true, kind: 'exact', parts: index.parts() };
}

/** Every array buffer of the parts, once each: moved to the main thread, not copied. */
function buffersOf(res: IndexBuildResponse & { ok: true }): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const add = (a: ArrayBufferView) => buffers.add(a.buffer as ArrayBuffer);
  const addBlocks = (blocks: ReadonlyMap<unknown, SlotBlock>) => {
    for (const b of blocks.values()) {
      add(b.unary);
      for (const side of b.sides.values()) add(side.data);
    }
  };
  addBlocks(res.parts.blocks);
  if (res.kind === 'catalogue') {
    for (const a of res.parts.est.values()) add(a);
    for (const a of res.parts.order.values()) add(a);
  } else {
    for (const t of res.parts.tables.values()) add(t.data);
    for (const a of res.parts.rowOrders.values()) add(a);
  }
  return [...buffers];
}

parentPort!.on('message', (req: IndexBuildRequest) => {
  try {
    const res = build(req);
    parentPort!.postMessage(res satisfies IndexBuildResponse, buffersOf(res));
  } catch (error) {
    parentPort!.postMessage({ id: req.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies IndexBuildResponse);
  }
});

// Worker thread that builds a large wardrobe's catalogue index (a shop's stock: thousands of items), so the
// thread answering the window never spends a second on it. It reads the items' embeddings through its own
// read-only connection to the library, computes their vectors under the model (and the person's parts),
// then the estimates and orders, and sends the index's arrays back without copying them.
import { parentPort } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { loadModel } from '../compat/store.ts';
import type { CompatModel } from '../compat/model.ts';
import { blobToEmbedding } from '../library/items-repo.ts';
import { deserializePersonal, toPersonalCompat } from '../personal/person-model.ts';
import { CatalogueIndex } from './catalogue.ts';
import type { CatalogueParts } from './catalogue.ts';
import type { WardrobeEntry } from './engine.ts';

export interface CatalogueBuildRequest {
  id: number;
  databasePath: string;
  modelDir: string;
  /** The model the main thread scores with: a different one in the folder is an error, not a silent mix. */
  modelId: string;
  personal: { id: string; blob: Uint8Array } | null;
  items: WardrobeEntry[];
}
export type CatalogueBuildResponse = { id: number; ok: true; parts: CatalogueParts } | { id: number; ok: false; error: string };

/** Embeddings are read in chunks of this many ids (one statement each). */
const READ_CHUNK = 2000;

let model: { dir: string; model: CompatModel } | null = null;

function modelFor(dir: string, id: string): CompatModel {
  if (model?.dir !== dir || model.model.id !== id) model = { dir, model: loadModel(dir) };
  if (model.model.id !== id) throw new Error(`the model in ${dir} is ${model.model.id}, not ${id}`);
  return model.model;
}

function build(req: CatalogueBuildRequest): CatalogueParts {
  const m = modelFor(req.modelDir, req.modelId);
  const personal = req.personal ? toPersonalCompat(m, deserializePersonal(Buffer.from(req.personal.blob), m, req.personal.id)) : undefined;
  const db = new BetterSqlite3(req.databasePath, { readonly: true, fileMustExist: true });
  const embeddings = new Map<number, Float32Array>();
  try {
    const read = db.prepare('SELECT item_id AS id, embedding FROM item_embeddings WHERE item_id IN (SELECT value FROM json_each(?))');
    for (let i = 0; i < req.items.length; i += READ_CHUNK) {
      const ids = req.items.slice(i, i + READ_CHUNK).map((item) => item.id);
      for (const row of read.all(JSON.stringify(ids)) as { id: number; embedding: Buffer }[]) embeddings.set(row.id, blobToEmbedding(row.embedding));
    }
  } finally {
    db.close();
  }
  // An item deleted since the main thread listed the wardrobe is left out (the next request lists it without).
  const items = req.items.flatMap((item) => {
    const embedding = embeddings.get(item.id);
    return embedding ? [{ ...item, embedding }] : [];
  });
  return CatalogueIndex.of(m, items, personal).parts();
}

/** Every array buffer of the parts, once each: moved to the main thread, not copied. */
function buffersOf(parts: CatalogueParts): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  const add = (a: ArrayBufferView) => buffers.add(a.buffer as ArrayBuffer);
  for (const b of parts.blocks.values()) {
    add(b.unary);
    for (const side of b.sides.values()) add(side.data);
  }
  for (const a of parts.est.values()) add(a);
  for (const a of parts.order.values()) add(a);
  return [...buffers];
}

parentPort!.on('message', (req: CatalogueBuildRequest) => {
  try {
    const parts = build(req);
    parentPort!.postMessage({ id: req.id, ok: true, parts } satisfies CatalogueBuildResponse, buffersOf(parts));
  } catch (error) {
    parentPort!.postMessage({ id: req.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies CatalogueBuildResponse);
  }
});

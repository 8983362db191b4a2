// The walking skeleton through the real core: real kit photos, the real provisioned ONNX backbone,
// sharp, and a real SQLite file in a temp library.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiMethod, ApiInput, ApiResults, Item } from '../../../shared/api.ts';
import { openCore } from '../../../electron/core/core.ts';
import type { Core } from '../../../electron/core/core.ts';
import { MODEL_DIR, clothingPhotos, requireModel, tempDir } from '../../helpers/kit.ts';
import { call as callApi } from '../../helpers/api-call.ts';
import { BACKGROUND_NICE, threadPriorities } from '../../../electron/core/library/thread-priority.ts';

let core: Core;
let libraryDir: string;
let personId: number;

const call = <M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiResults[M]> => callApi(core, method, input);

async function importAndWait(paths: string[]) {
  const { jobId } = await call('import.paths', { personId, paths });
  for (;;) {
    const p = await call('import.status', { jobId });
    if (p.state !== 'running') return p;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const photos = clothingPhotos().filter((p) => p.senderId % 5 === 0);
const pick = (label: string, n: number) => photos.filter((p) => p.label === label).slice(0, n).map((p) => p.file);

beforeAll(() => {
  requireModel();
  libraryDir = tempDir();
  core = openCore({ libraryDir, modelDir: MODEL_DIR, shell: 'browser', version: 'test' });
});
afterAll(async () => {
  await core?.close();
});

describe('import through the real core', () => {
  let imported: Item[];
  const broken = path.join(tempDir(), 'broken');

  it('imports real photos and reports each bad file by name with a reason', async () => {
    personId = (await call('people.create', { name: 'Ann' })).id;
    fs.mkdirSync(broken, { recursive: true });
    const good = [...pick('T-Shirt', 3), ...pick('Pants', 3), ...pick('Shoes', 3)];
    const truncated = path.join(broken, 'truncated.jpg');
    fs.writeFileSync(truncated, fs.readFileSync(good[0]!).subarray(0, 2000));
    fs.writeFileSync(path.join(broken, 'empty.jpg'), Buffer.alloc(0));
    fs.writeFileSync(path.join(broken, 'notes.jpg'), 'this is a shopping list, not a photo');
    const result = await importAndWait([...good, broken]);
    expect(result.state).toBe('done');
    expect(result.total).toBe(12);
    expect(result.imported).toBe(9);
    expect(result.failed.map((f) => path.basename(f.file)).sort()).toEqual(['empty.jpg', 'notes.jpg', 'truncated.jpg']);
    const reasons = Object.fromEntries(result.failed.map((f) => [path.basename(f.file), f.error]));
    expect(reasons['empty.jpg']).toMatch(/empty/);
    expect(reasons['notes.jpg']).toMatch(/not an image|unknown format/);
    expect(reasons['truncated.jpg']).toMatch(/damaged|incomplete|could not be read/);
    imported = (await call('items.list', { personId })).items;
    expect(imported).toHaveLength(9);
  });

  it('stores an embedding, ImageNet tags, colours and files on disk for each item', () => {
    const bytes = core.services.db.prepare('SELECT length(e.embedding) FROM items i LEFT JOIN item_embeddings e ON e.item_id = i.id').pluck().all();
    expect(bytes).toEqual(imported.map(() => 1280 * 4));
    for (const item of imported) {
      expect(item.tags).toHaveLength(5);
      expect(item.tags[0]!.p).toBeGreaterThan(0);
      expect(item.colors.length).toBeGreaterThan(0);
      expect(fs.existsSync(core.mediaFile('thumb', item.sha256)!)).toBe(true);
      expect(fs.existsSync(core.mediaFile('original', item.sha256)!)).toBe(true);
    }
    expect(core.services.provider()).toBe('cpu');
    // The import's decoding and inference threads yield the cores to the main thread (Linux: thread-priority.ts).
    if (process.platform === 'linux') {
      const threads = threadPriorities();
      const working = threads.filter((t) => /^(libvips worker|WorkerThread)$/.test(t.name));
      expect(working.length).toBeGreaterThan(1);
      expect(working.every((t) => t.nice === BACKGROUND_NICE)).toBe(true);
      expect(threads.filter((t) => !/^(libvips worker|WorkerThread)$/.test(t.name)).every((t) => t.nice === 0)).toBe(true);
    }
  });

  it('embeds the same photo the same way, and different garments differently', () => {
    const rows = core.services.db.prepare('SELECT embedding FROM item_embeddings ORDER BY item_id').all() as { embedding: Buffer }[];
    const e = rows.map((r) => new Float32Array(r.embedding.buffer.slice(r.embedding.byteOffset, r.embedding.byteOffset + r.embedding.byteLength)));
    expect(e.every((v) => v.every((x) => Number.isFinite(x) && x >= 0))).toBe(true);
    expect(new Set(rows.map((r) => r.embedding.toString('hex'))).size).toBe(rows.length);
  });

  it('detects re-imported bytes and does not duplicate them', async () => {
    const again = await importAndWait(pick('T-Shirt', 3));
    expect(again.duplicates).toBe(3);
    expect(again.imported).toBe(0);
    expect((await call('items.list', { personId })).total).toBe(9);
  });

  it('suggests valid outfits from the wardrobe and records a like', async () => {
    // Type the items as the kit labels them (the ImageNet prior is only a guess).
    const labelType = { 'T-Shirt': 'top', Pants: 'bottom', Shoes: 'shoes' } as const;
    const byName = new Map(photos.map((p) => [path.basename(p.file), labelType[p.label as keyof typeof labelType]]));
    for (const item of imported) await call('items.setType', { itemId: item.id, type: byName.get(item.fileName)! });
    const suggestions = await call('outfits.suggest', { personId, k: 5 });
    expect(suggestions.length).toBeGreaterThan(0);
    for (const s of suggestions) {
      expect(s.items.map((i) => i.type)).toEqual(['top', 'bottom', 'shoes']);
      expect(s.pairScores).toHaveLength(3);
      expect(s.score).toBeCloseTo(s.pairScores.reduce((a, p) => a + p.score, 0), 6);
    }
    // Asked again, the same answer (kept with the wardrobe's index); once an item is archived, it is in none.
    expect(await call('outfits.suggest', { personId, k: 5 })).toEqual(suggestions);
    const archived = suggestions[0]!.items[0]!.id;
    await call('items.archive', { personId, itemIds: [archived], reason: 'donated' });
    const after = await call('outfits.suggest', { personId, k: 5 });
    expect(after.length).toBeGreaterThan(0);
    expect(after.flatMap((s) => s.items.map((i) => i.id))).not.toContain(archived);
    await call('items.archive', { personId, itemIds: [archived], reason: null });
    expect(await call('outfits.suggest', { personId, k: 5 })).toEqual(suggestions);
    const first = suggestions[0]!;
    const j = await call('judgements.record', { personId, itemIds: first.items.map((i) => i.id), verdict: 'like' });
    expect(j.verdict).toBe('like');
    expect(await call('judgements.list', { personId })).toEqual([j]);
  });

  it('keeps a type correction as the person set it', async () => {
    const item = imported[0]!;
    const updated = await call('items.setType', { itemId: item.id, type: 'outerwear' });
    expect(updated).toMatchObject({ type: 'outerwear', typeSource: 'user', typeConfidence: 1 });
  });

  it('refuses judgements on items outside the wardrobe and unknown people', async () => {
    const r = await core.dispatch('judgements.record', { personId, itemIds: [999_999, 999_998], verdict: 'like' });
    expect(r).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const u = await core.dispatch('items.list', { personId: 424242 });
    expect(u).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

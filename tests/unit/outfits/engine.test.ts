// The engine's caches: an unchanged wardrobe reuses its pair tables, a changed one (item added, type
// changed) or a new model gets fresh ones, and cached tables always agree with scoring from scratch. The
// catalogue search finds the exact top outfits when its pruning keeps enough candidates. The app's
// service prefers a library's taught house style over the shipped model.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';
import { OutfitEngine } from '../../../electron/core/outfits/engine.ts';
import { openCore } from '../../../electron/core/core.ts';
import type { Core } from '../../../electron/core/core.ts';
import { call } from '../../helpers/api-call.ts';
import { addSyntheticItems } from '../../helpers/synthetic-library.ts';
import { CatalogueIndex, topIdsOf, topRows, topRowsByRow } from '../../../electron/core/outfits/catalogue.ts';
import { BACKBONE_FILE_NAME, OutfitService } from '../../../electron/core/outfits/service.ts';
import type { OutfitWardrobe } from '../../../electron/core/outfits/service.ts';
import { OutfitRequestError, suggestOutfits } from '../../../electron/core/outfits/suggest.ts';
import { PreparedItems } from '../../../electron/core/compat/scoring.ts';
import { HOUSE_STYLE_DIRNAME, saveModel } from '../../../electron/core/compat/store.ts';
import { isSlot } from '../../../electron/core/outfits/slots.ts';
import type { Slot } from '../../../electron/core/outfits/slots.ts';
import type { Item } from '../../../shared/api.ts';
import { fileSha256 } from '../../../electron/core/vision/models-key.ts';
import { fitFeatureTransform } from '../../../electron/core/compat/features.ts';
import { CompatModel } from '../../../electron/core/compat/model.ts';
import { MODEL_DIR, requireModel, tempDir } from '../../helpers/kit.ts';
import { randomEmbedding, randomModel, randomWardrobe } from './helpers.ts';

describe('pair score cache', () => {
  it('reuses tables for the same wardrobe and rebuilds them when items, types or the model change', () => {
    const rng = new Rng(4);
    const model = randomModel(1);
    const engine = new OutfitEngine(model);
    const wardrobe = randomWardrobe(rng, 6);
    const first = engine.index(wardrobe);
    expect(engine.index([...wardrobe].reverse())).toBe(first);

    const added = [...wardrobe, { id: 999, type: 'shoes', embedding: randomEmbedding(rng) }];
    const second = engine.index(added);
    expect(second).not.toBe(first);
    expect(second.ids('shoes')).toContain(999);

    const retyped = wardrobe.map((i) => (i.type === 'top' ? { ...i, type: 'outerwear' } : i));
    const third = engine.index(retyped);
    expect(third).not.toBe(first);
    expect(third.size('top')).toBe(0);

    engine.setModel(randomModel(2));
    expect(engine.index(wardrobe)).not.toBe(first);
  });

  it('leaves out an item whose embedding cannot be read', () => {
    const rng = new Rng(6);
    const engine = new OutfitEngine(randomModel(4));
    const wardrobe = randomWardrobe(rng, 6).filter((i) => isSlot(i.type));
    const lost = wardrobe[0]!;
    const index = engine.indexOf(wardrobe, (ids) => new Map(ids.filter((id) => id !== lost.id).map((id) => [id, wardrobe.find((i) => i.id === id)!.embedding])));
    expect(index.find(lost.id)).toBeUndefined();
    expect(index.size(lost.type as Slot)).toBe(wardrobe.filter((i) => i.type === lost.type).length - 1);
    for (const s of suggestOutfits(index, { k: 5 })) expect(s.itemIds).not.toContain(lost.id);
  });

  it('cached tables equal scores computed from scratch', () => {
    const rng = new Rng(8);
    const model = randomModel(3);
    const engine = new OutfitEngine(model);
    const wardrobe = randomWardrobe(rng, 5).filter((i) => isSlot(i.type));
    const index = engine.index(wardrobe);
    const items = wardrobe.map((i) => ({ slot: i.type as Slot, embedding: i.embedding }));
    const prepared = new PreparedItems(model, items);
    const at = new Map(wardrobe.map((w, k) => [w.id, k]));
    for (const [a, b] of [['top', 'bottom'], ['shoes', 'top'], ['dress', 'shoes'], ['outerwear', 'dress']] as [Slot, Slot][]) {
      for (let i = 0; i < index.size(a); i++) {
        for (let j = 0; j < index.size(b); j++) {
          const ia = at.get(index.ids(a)[i]!)!;
          const ib = at.get(index.ids(b)[j]!)!;
          const scratch = prepared.score({ [a]: ia, [b]: ib });
          expect(index.pairScore(a, i, b, j)).toBeCloseTo(scratch, 4);
        }
      }
    }
  });
});

describe('catalogue search', () => {
  it('matches exact search when the candidates cover the catalogue, and stays close with few', () => {
    const rng = new Rng(12);
    const model = randomModel(5);
    const items = Array.from({ length: 400 }, (_, i) => ({ id: i + 1, type: rng.pick(['top', 'top', 'bottom', 'bottom', 'shoes', 'dress', 'outerwear']), embedding: randomEmbedding(rng) }));
    const catalogue = new CatalogueIndex(model, items);
    const exact = new OutfitEngine(model).index(items);
    for (const query of [{}, { pinned: [items.find((i) => i.type === 'top')!.id] }, { exclude: items.slice(0, 50).map((i) => i.id) }]) {
      const want = topIdsOf(exact, query, 20).map((o) => o.ids.join(','));
      const all = catalogue.topIds(query, 20, { candidates: 400, seeds: 0, pool: 400 }).map((o) => o.ids.join(','));
      expect(all).toEqual(want);
      const pruned = new Set(catalogue.topIds(query, 20, { candidates: 20, seeds: 10, perSeed: 10, pool: 200 }).map((o) => o.ids.join(',')));
      expect(want.filter((w) => pruned.has(w)).length).toBeGreaterThanOrEqual(14);
    }
    const suggestions = catalogue.suggest({ k: 10, pinned: [items[0]!.id] });
    for (const s of suggestions) expect(s.itemIds).toContain(items[0]!.id);
  });
});

describe('catalogue pools', () => {
  it('selection by row picks rows of the same values as the heap, ties at the cut to the lower rows', () => {
    const rng = new Rng(17);
    for (let trial = 0; trial < 60; trial++) {
      const n = 1 + rng.int(400);
      // Few distinct values: many ties, also at the cut.
      const levels = 1 + rng.int(trial % 2 ? 6 : 1000);
      const values = Float32Array.from({ length: n }, () => rng.int(levels) / levels);
      const ok = (r: number) => r % 7 !== 3;
      const m = 1 + rng.int(n);
      const got = Array.from(topRowsByRow(values, m, ok));
      const heap = topRows(values, m, ok);
      expect(got.every(ok)).toBe(true);
      expect(got).toEqual([...got].sort((a, b) => a - b));
      expect(got.map((r) => values[r]!).sort()).toEqual(heap.map((r) => values[r]!).sort());
      // At the cut value, the lowest allowed rows.
      const cut = Math.min(...got.map((r) => values[r]!));
      const tiedRows = Array.from(values.keys()).filter((r) => ok(r) && values[r] === cut);
      expect(got.filter((r) => values[r] === cut)).toEqual(tiedRows.slice(0, got.filter((r) => values[r] === cut).length));
    }
  });
});

describe('the app service', () => {
  it('uses the shipped model until a house style is taught, then the house style', async () => {
    const root = tempDir('stylist-library-');
    const service = new OutfitService({ libraryRoot: root, backboneDir: root });
    expect(service.info().source).toBe('shipped');
    const rng = new Rng(3);
    const dim = service.current().currentModel.transform.pca.dim;
    const items = (['top', 'bottom', 'shoes', 'top', 'bottom', 'shoes'] as const).map((type, i) => ({ id: i + 1, type, fileName: `${type}.jpg` }) as Item);
    const embeddings = new Map(items.map((item) => [item.id, Float32Array.from({ length: dim }, () => Math.abs(rng.normal()))]));
    const read: number[][] = [];
    const wardrobe: OutfitWardrobe = {
      items,
      embeddings: (ids) => (read.push(ids), new Map(ids.map((id) => [id, embeddings.get(id)!]))),
      describe: (ids) => items.filter((item) => ids.includes(item.id)),
    };
    const first = await service.suggest(wardrobe, { k: 3 });
    expect(first.length).toBeGreaterThan(0);
    // Asked again, the same answer, and no embedding read twice.
    expect(await service.suggest(wardrobe, { k: 3 })).toEqual(first);
    expect(read.flat().sort((a, b) => a - b)).toEqual(items.map((i) => i.id));

    // A house style for embeddings of the backbone's size.
    const taught = randomModelFor(dim);
    saveModel(taught, path.join(root, HOUSE_STYLE_DIRNAME));
    expect(service.info()).toMatchObject({ source: 'house-style', trainedOn: 'a lookbook (test)', id: taught.id });
    const suggestions = await service.suggest(wardrobe, { k: 3 });
    expect(suggestions.length).toBeGreaterThan(0);
    for (const s of suggestions) expect(s.items.map((i) => i.type)).toEqual(['top', 'bottom', 'shoes']);
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe('a house style taught with another image model', () => {
  it('is set aside for the shipped model, and said so, until it is taught again', async () => {
    const root = tempDir('stylist-library-');
    const backboneDir = tempDir('stylist-backbone-');
    fs.writeFileSync(path.join(backboneDir, BACKBONE_FILE_NAME), 'the backbone of this version');
    const backboneSha256 = await fileSha256(path.join(backboneDir, BACKBONE_FILE_NAME));
    const dim = new OutfitService({ libraryRoot: root, backboneDir: root }).current().currentModel.transform.pca.dim;
    const taught = (meta: Record<string, unknown>) => {
      const model = randomModelFor(dim);
      Object.assign(model.meta, meta);
      saveModel(model, path.join(root, HOUSE_STYLE_DIRNAME));
      return model;
    };
    const items = (['top', 'bottom', 'shoes'] as const).map((type, i) => ({ id: i + 1, type, fileName: `${type}.jpg` }) as Item);
    const wardrobe: OutfitWardrobe = {
      items,
      embeddings: (ids) => new Map(ids.map((id) => [id, Float32Array.from({ length: dim }, (_, j) => ((id * 7 + j) % 13) / 13)])),
      describe: (ids) => items.filter((item) => ids.includes(item.id)),
    };

    // Taught before the backbone was recorded (so with the 224 px one), or with another backbone: set aside.
    for (const meta of [{}, { backboneSha256: 'f'.repeat(64) }]) {
      taught(meta);
      const service = new OutfitService({ libraryRoot: root, backboneDir });
      expect((await service.suggest(wardrobe, { k: 1 })).length).toBe(1);
      expect(service.info()).toMatchObject({ source: 'shipped', houseStyleOutdated: true });
      expect(service.modelDir()).not.toBe(path.join(root, HOUSE_STYLE_DIRNAME));
    }
    // Taught again with this backbone: in use.
    const current = taught({ backboneSha256 });
    const service = new OutfitService({ libraryRoot: root, backboneDir });
    await service.suggest(wardrobe, { k: 1 });
    expect(service.info()).toMatchObject({ source: 'house-style', id: current.id, houseStyleOutdated: false });
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(backboneDir, { recursive: true, force: true });
  });
});

/** A random model (weights as randomModel's) whose feature transform reads `dim`-d embeddings. */
function randomModelFor(dim: number): CompatModel {
  const model = randomModel(9);
  const rng = new Rng(2);
  const rows = Array.from({ length: 40 }, () => Float32Array.from({ length: dim }, () => Math.abs(rng.normal())));
  const out = new CompatModel(model.config, fitFeatureTransform(rows, { dim: model.config.inputDim }), new Rng(1), { trainedOn: 'a lookbook (test)', createdAt: new Date(0).toISOString() });
  model.params().forEach((p, i) => out.params()[i]!.value.set(p.value));
  out.markChanged();
  return out;
}

describe('the extension point for personalisation', () => {
  it("swaps in a person's copy of a pair network and adds a per-item term", () => {
    const rng = new Rng(6);
    const model = randomModel(4);
    const wardrobe = randomWardrobe(rng, 5).filter((i) => ['top', 'bottom', 'shoes'].includes(i.type));
    const general = new OutfitEngine(model).index(wardrobe);

    const copy = model.pairs.get('top+bottom')!.clone();
    // The copy is independent of the general network.
    const w = copy.left.weight.value;
    for (let i = 0; i < w.length; i++) w[i]! += 0.5;
    expect(model.pairs.get('top+bottom')!.left.weight.value[0]).not.toBe(w[0]);
    const personal = { id: 'person-1', pairs: new Map([['top+bottom' as const, copy]]), itemTerm: () => 0.5 };
    const engine = new OutfitEngine(model, personal);
    const index = engine.index(wardrobe);
    expect(engine.scoreId).toBe(`${model.id}/person-1`);
    // Pairs without a personal copy keep the general scores; the copied pair changes.
    expect(index.pairScore('top', 0, 'shoes', 0)).toBeCloseTo(general.pairScore('top', 0, 'shoes', 0), 5);
    let changed = 0;
    for (let i = 0; i < index.size('top'); i++) for (let j = 0; j < index.size('bottom'); j++) if (Math.abs(index.pairScore('top', i, 'bottom', j) - general.pairScore('top', i, 'bottom', j)) > 1e-4) changed++;
    expect(changed).toBeGreaterThan(0);
    // The item term counts once per item of the outfit, on top of the pair scores.
    for (const s of suggestOutfits(index, { k: 3 })) expect(s.score).toBeCloseTo(s.pairScores.reduce((a, p) => a + p.score, 0) + 0.5 * s.itemIds.length, 4);
  });
});

/** A real library (SQLite file, the model) for `use`; the outfit services it makes are closed and the folder removed after. */
async function withLibrary(
  use: (lib: {
    dir: string;
    core: Core;
    databasePath: string;
    service: (options?: Partial<ConstructorParameters<typeof OutfitService>[0]>) => OutfitService;
    wardrobe: (personId: number) => OutfitWardrobe;
  }) => Promise<void>,
): Promise<void> {
  requireModel();
  const dir = tempDir('stylist-library-');
  const core = openCore({ libraryDir: dir, modelDir: MODEL_DIR, shell: 'browser', version: 'test' });
  const services: OutfitService[] = [];
  const { repo, files } = core.services;
  try {
    await use({
      dir,
      core,
      databasePath: files.databasePath,
      service: (options = {}) => {
        services.push(new OutfitService({ libraryRoot: dir, backboneDir: MODEL_DIR, ...options }));
        return services.at(-1)!;
      },
      wardrobe: (personId) => ({ items: repo.outfitWardrobe(personId), embeddings: (list) => repo.embeddingsOf(list), describe: (list) => repo.itemsByIds(list) }),
    });
  } finally {
    await Promise.all(services.map((s) => s.close()));
    await core.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('large wardrobes', () => {
  it('are searched as a catalogue built in a worker from the library database: kept while unchanged, pins and exclusions kept, near the exact top', () =>
    withLibrary(async ({ core, databasePath, service: make, wardrobe: wardrobeOf }) => {
      const service = make({ databasePath, exactSearchMaxItems: 100 });
      const person = await call(core, 'people.create', { name: 'Shop' });
      const ids = await addSyntheticItems(core, person.id, 240, new Rng(31));
      const { repo } = core.services;
      const wardrobe = () => wardrobeOf(person.id);
      const key = (list: { items: Item[] }[]) => list.map((s) => s.items.map((i) => i.id).join(','));

      const first = await service.suggest(wardrobe(), { k: 10 });
      expect(first.length).toBe(10);
      // The same wardrobe again: the kept catalogue (a new request still searches it).
      const exclude = [first[0]!.items[0]!.id];
      const without = await service.suggest(wardrobe(), { k: 10, exclude });
      for (const s of without) expect(s.items.some((i) => i.id === exclude[0])).toBe(false);
      const pin = ids.find((id) => repo.itemsByIds([id])[0]!.type === 'shoes')!;
      for (const s of await service.suggest(wardrobe(), { k: 5, pinned: [pin] })) expect(s.items.map((i) => i.id)).toContain(pin);

      // Near the exact search over the same items (the top outfits mostly the same).
      const exact = make();
      const want = key(await exact.suggest(wardrobe(), { k: 10 }));
      const got = new Set(key(first));
      expect(want.filter((w) => got.has(w)).length).toBeGreaterThanOrEqual(7);

      // Past the limit, the search goes through the search worker, which needs the database.
      const noDatabase = make({ exactSearchMaxItems: 100 });
      await expect(noDatabase.suggest(wardrobe(), { k: 10 })).rejects.toThrow(/needs the library's database/);

      // An item added: a new catalogue, which holds it.
      const [added] = await addSyntheticItems(core, person.id, 1, new Rng(32));
      const withNew = await service.suggest(wardrobe(), { k: 5, pinned: [added!] });
      for (const s of withNew) expect(s.items.map((i) => i.id)).toContain(added);
    }));

  it('past a size, are searched in the worker, whose exact index grows with the wardrobe: the same suggestions as searched here', () =>
    withLibrary(async ({ dir, core, databasePath, service, wardrobe: wardrobeOf }) => {
      const inWorker = service({ databasePath, workerSearchMinItems: 50 });
      const here = service();
      const broken = service({ databasePath: path.join(dir, 'missing.db'), workerSearchMinItems: 50 });
      const person = await call(core, 'people.create', { name: 'Client' });
      await addSyntheticItems(core, person.id, 160, new Rng(41));
      const wardrobe = () => wardrobeOf(person.id);
      const same = async (request: Parameters<OutfitService['suggest']>[1]) => expect(await inWorker.suggest(wardrobe(), request)).toEqual(await here.suggest(wardrobe(), request));
      await same({ k: 10 });
      expect(inWorker.workerIndexes).toEqual({ built: 1, grown: 0, kept: 0 });
      // The same request again: its answer is kept on this side, the worker is not asked.
      await same({ k: 10 });
      expect(inWorker.workerIndexes).toEqual({ built: 1, grown: 0, kept: 0 });
      const first = (await here.suggest(wardrobe(), { k: 1 }))[0]!.items;
      // A new request on the same wardrobe: the kept index; a batch imported: the index grows.
      await same({ k: 10, exclude: [first[0]!.id] });
      await addSyntheticItems(core, person.id, 8, new Rng(42));
      await same({ k: 10, pinned: [first[1]!.id] });
      expect(inWorker.workerIndexes).toEqual({ built: 1, grown: 1, kept: 1 });
      // A request the wardrobe cannot satisfy is the caller's error, from the worker as from here.
      await expect(inWorker.suggest(wardrobe(), { k: 5, pinned: [999_999] })).rejects.toThrow(OutfitRequestError);
      // The worker cannot read the library: searched here, with the same answer.
      expect(await broken.suggest(wardrobe(), { k: 10 })).toEqual(await here.suggest(wardrobe(), { k: 10 }));
      expect(broken.workerIndexes).toEqual({ built: 0, grown: 0, kept: 0 });
    }));

  it('are searched in the worker from a smaller size when this thread holds no index near them, and stay where their index is', () =>
    withLibrary(async ({ core, databasePath, service: make, wardrobe }) => {
      const service = make({ databasePath, workerSearchMinItems: 10_000, coldWorkerSearchMinItems: 50 });
      // Grown here past the size: it stays here.
      const grows = await call(core, 'people.create', { name: 'Grows' });
      await addSyntheticItems(core, grows.id, 40, new Rng(51));
      await service.suggest(wardrobe(grows.id), { k: 5 });
      await addSyntheticItems(core, grows.id, 20, new Rng(52));
      await service.suggest(wardrobe(grows.id), { k: 5 });
      expect(service.workerIndexes).toEqual({ built: 0, grown: 0, kept: 0 });
      // Seen first at that size: the worker builds its index, and grows it after a batch.
      const arrives = await call(core, 'people.create', { name: 'Arrives' });
      await addSyntheticItems(core, arrives.id, 80, new Rng(53));
      await service.suggest(wardrobe(arrives.id), { k: 5 });
      await addSyntheticItems(core, arrives.id, 8, new Rng(54));
      await service.suggest(wardrobe(arrives.id), { k: 5 });
      expect(service.workerIndexes).toEqual({ built: 1, grown: 1, kept: 0 });
    }));
});

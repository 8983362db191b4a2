// A wardrobe index grown from the previous one (batches imported, items archived or retyped) holds the
// same tables and sorted rows, bit for bit, as one built from scratch, and gives the same suggestions.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';
import { OutfitEngine } from '../../../electron/core/outfits/engine.ts';
import type { EngineItem, WardrobeIndex } from '../../../electron/core/outfits/engine.ts';
import { suggestOutfits } from '../../../electron/core/outfits/suggest.ts';
import { OUTFIT_SLOTS as SLOTS, canonicalPair } from '../../../electron/core/outfits/slots.ts';
import { computeRowOrder } from '../../../electron/core/outfits/search.ts';
import { randomEmbedding, randomModel, randomWardrobe } from './helpers.ts';

const OUTFIT_TYPES = ['top', 'bottom', 'shoes', 'dress', 'outerwear', 'accessory'] as const;

function expectSameIndex(got: WardrobeIndex, want: WardrobeIndex): void {
  for (const a of SLOTS) {
    expect(got.ids(a)).toEqual(want.ids(a));
    for (const b of SLOTS) {
      if (a === b || !canonicalPair(a, b)) continue;
      const t = got.table(a, b);
      expect(t.rows).toBe(want.table(a, b).rows);
      expect(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).equals(Buffer.from(want.table(a, b).data.buffer))).toBe(true);
      expect(got.rowOrder(a, b)).toEqual(want.rowOrder(a, b));
    }
  }
}

describe('growing a wardrobe index', () => {
  it('equals an index built from scratch after imports, archives and retyping, and suggests the same', () => {
    const rng = new Rng(21);
    const model = randomModel(7);
    const engine = new OutfitEngine(model);
    let wardrobe = randomWardrobe(rng, 30);
    let nextId = 1000;
    engine.index(wardrobe).computeAllTables();
    let grownCount = 0;
    for (let step = 0; step < 24; step++) {
      const change = step % 4;
      if (change === 0 || change === 3) {
        // A batch imported: new ids, any types.
        const batch: EngineItem[] = Array.from({ length: 1 + rng.int(16) }, () => ({ id: nextId++, type: rng.pick(OUTFIT_TYPES), embedding: randomEmbedding(rng) }));
        wardrobe = [...wardrobe, ...batch];
      } else if (change === 1) {
        // A few archived.
        const gone = new Set(Array.from({ length: 1 + rng.int(4) }, () => rng.pick(wardrobe).id));
        wardrobe = wardrobe.filter((i) => !gone.has(i.id));
      } else {
        // One retyped (its vectors are computed again under its new slot).
        const i = rng.int(wardrobe.length);
        wardrobe = wardrobe.map((item, k) => (k === i ? { ...item, type: item.type === 'top' ? 'outerwear' : 'top' } : item));
      }
      const index = engine.index(wardrobe);
      if (index.grown) grownCount++;
      const fresh = new OutfitEngine(model).index(wardrobe);
      fresh.computeAllTables();
      // Only some tables searched on odd steps: the next index grows what there is and computes the rest.
      if (step % 2) suggestOutfits(index, { k: 5 });
      else index.computeAllTables();
      expectSameIndex(index, fresh);
      const exclude = [rng.pick(wardrobe).id];
      expect(suggestOutfits(index, { k: 8, exclude })).toEqual(suggestOutfits(fresh, { k: 8, exclude }));
    }
    expect(grownCount).toBe(24);
  });

  it('grows only from an index of the same scores that shares at least half the items', () => {
    const rng = new Rng(5);
    const model = randomModel(9);
    const engine = new OutfitEngine(model);
    const first = randomWardrobe(rng, 20);
    engine.index(first).computeAllTables();
    const stranger = randomWardrobe(rng, 20, 5000);
    expect(engine.index(stranger).grown).toBeNull();
    const mostlySame = [...first.slice(0, Math.ceil(first.length * 0.8)), ...randomWardrobe(rng, 3, 9000)];
    expect(engine.index(mostlySame).grown?.tables).toBeGreaterThan(0);
    engine.setModel(randomModel(10));
    expect(engine.index(first).grown).toBeNull();
  });

  it('keeps sorted rows past the size where a new index starts without them, when it grows from one that has them', () => {
    const rng = new Rng(8);
    const model = randomModel(4);
    const engine = new OutfitEngine(model);
    const newItems = (n: number, firstId: number) =>
      Array.from({ length: n }, (_, k): EngineItem => ({ id: firstId + k, type: OUTFIT_TYPES[k % 5]!, embedding: randomEmbedding(rng) }));
    let wardrobe = newItems(990, 1);
    engine.index(wardrobe).computeAllTables();
    for (let nextId = 50_000; nextId < 50_040; nextId += 20) {
      wardrobe = [...wardrobe, ...newItems(20, nextId)];
      const index = engine.index(wardrobe);
      expect(index.grown?.rowOrders).toBeGreaterThan(0);
      for (const a of SLOTS) {
        for (const b of SLOTS) {
          if (a !== b && canonicalPair(a, b)) expect(index.rowOrder(a, b)).toEqual(computeRowOrder(index.table(a, b)));
        }
      }
    }
    // The same wardrobe indexed cold: no sorted rows at this size.
    const cold = new OutfitEngine(model).index(wardrobe);
    expect(cold.keepsSortedRows).toBe(false);
    expect(cold.rowOrder('top', 'bottom')).toBeNull();
  });
});

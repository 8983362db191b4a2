// Suggestions over random wardrobes of every type mix, with random pins, exclusions and slot choices:
// never an invalid outfit, pins always in, exclusions never, the diversity rule kept, and the score
// explained per pair.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';
import { OutfitEngine } from '../../../electron/core/outfits/engine.ts';
import type { EngineItem } from '../../../electron/core/outfits/engine.ts';
import { OutfitRequestError, suggestOutfits } from '../../../electron/core/outfits/suggest.ts';
import type { SuggestedOutfit, SuggestOptions } from '../../../electron/core/outfits/suggest.ts';
import { VALID_SLOT_SETS, displayOrder, isSlot, isValidOutfit } from '../../../electron/core/outfits/slots.ts';
import { randomEmbedding, randomModel, randomWardrobe } from './helpers.ts';
import type { GarmentType } from '../../../shared/api.ts';

function suggest(engine: OutfitEngine, wardrobe: EngineItem[], options: SuggestOptions): SuggestedOutfit[] {
  return suggestOutfits(engine.index(wardrobe), options);
}

function differInOneItemOnly(a: number[], b: number[], pinned: Set<number>): boolean {
  const fa = a.filter((id) => !pinned.has(id));
  const fb = b.filter((id) => !pinned.has(id));
  const onlyA = fa.filter((id) => !fb.includes(id)).length;
  const onlyB = fb.filter((id) => !fa.includes(id)).length;
  return Math.max(onlyA, onlyB) < Math.min(2, fa.length, fb.length);
}

describe('suggestions are always valid outfits', () => {
  it('holds over random wardrobes, pins, exclusions and slot choices (both dress modes)', () => {
    const rng = new Rng(5);
    let nonEmpty = 0;
    for (const dress of ['top+bottom', 'native'] as const) {
      const engine = new OutfitEngine(randomModel(7, dress));
      for (let trial = 0; trial < 150; trial++) {
        const wardrobe = randomWardrobe(rng, 6);
        const type = new Map(wardrobe.map((i) => [i.id, i.type as GarmentType]));
        const usable = wardrobe.filter((i) => isSlot(i.type));
        const pinned = usable.length && rng.next() < 0.5 ? [rng.pick(usable).id] : [];
        if (pinned.length && rng.next() < 0.3) pinned.push(rng.pick(usable).id);
        const exclude = wardrobe.filter((i) => !pinned.includes(i.id) && rng.next() < 0.2).map((i) => i.id);
        const slots = rng.next() < 0.3 ? rng.pick(VALID_SLOT_SETS) : undefined;
        const k = 1 + rng.int(12);
        const maxUsesPerItem = 1 + rng.int(3);
        let result: SuggestedOutfit[];
        try {
          result = suggest(engine, wardrobe, { k, pinned, exclude, slots, maxUsesPerItem });
        } catch (error) {
          // Only impossible requests may fail: pins that cannot share an outfit (or a chosen slot set).
          expect(error).toBeInstanceOf(OutfitRequestError);
          const pinnedTypes = [...new Set(pinned)].map((id) => type.get(id)!);
          const impossible =
            new Set(pinnedTypes).size < pinnedTypes.length ||
            !pinnedTypes.every(isSlot) ||
            !(slots ? [slots] : VALID_SLOT_SETS).some((set) => pinnedTypes.every((t) => (set as readonly string[]).includes(t)));
          expect(impossible).toBe(true);
          continue;
        }
        if (result.length) nonEmpty++;
        expect(result.length).toBeLessThanOrEqual(k);
        const uses = new Map<number, number>();
        const pinnedSet = new Set(pinned);
        result.forEach((s, i) => {
          const types = s.itemIds.map((id) => type.get(id)!);
          expect(isValidOutfit(types)).toBe(true);
          expect(new Set(s.itemIds).size).toBe(s.itemIds.length);
          for (const id of pinned) expect(s.itemIds).toContain(id);
          for (const id of exclude) expect(s.itemIds).not.toContain(id);
          if (slots) expect([...types].sort()).toEqual([...slots].sort());
          // Display order: head to toe.
          expect([...types].sort(displayOrder)).toEqual(types);
          // Why: the pair scores add up to the score (the general model has no per-item terms).
          expect(s.pairScores.reduce((a, p) => a + p.score, 0)).toBeCloseTo(s.score, 4);
          expect(s.pairScores.length).toBe((types.length * (types.length - 1)) / 2);
          if (i > 0) expect(s.score).toBeLessThanOrEqual(result[i - 1]!.score + 1e-9);
          for (const id of s.itemIds) if (!pinnedSet.has(id)) uses.set(id, (uses.get(id) ?? 0) + 1);
          for (const earlier of result.slice(0, i)) expect(differInOneItemOnly(s.itemIds, earlier.itemIds, pinnedSet)).toBe(false);
        });
        for (const n of uses.values()) expect(n).toBeLessThanOrEqual(maxUsesPerItem);
      }
    }
    expect(nonEmpty).toBeGreaterThan(100);
  });
});

function fixedWardrobe(): EngineItem[] {
  const rng = new Rng(21);
  const items: EngineItem[] = [];
  let id = 1;
  const add = (type: string, n: number) => {
    for (let i = 0; i < n; i++) items.push({ id: id++, type, embedding: randomEmbedding(rng) });
  };
  add('top', 6);
  add('bottom', 5);
  add('shoes', 4);
  add('dress', 3);
  add('outerwear', 2);
  add('accessory', 3);
  return items;
}

describe('pins, exclusions and diversity', () => {
  const engine = new OutfitEngine(randomModel(9));
  const wardrobe = fixedWardrobe();
  const typeOf = (id: number) => wardrobe.find((i) => i.id === id)!.type;

  it('builds around a pinned item and never uses an excluded one', () => {
    const top = wardrobe.find((i) => i.type === 'top')!.id;
    const shoes = wardrobe.filter((i) => i.type === 'shoes').map((i) => i.id);
    const result = suggest(engine, wardrobe, { k: 10, pinned: [top], exclude: shoes.slice(0, 2) });
    expect(result.length).toBeGreaterThan(1);
    for (const s of result) {
      expect(s.itemIds).toContain(top);
      expect(s.itemIds.some((id) => shoes.slice(0, 2).includes(id))).toBe(false);
    }
  });

  it('refuses pins that cannot share an outfit', () => {
    const [t1, t2] = wardrobe.filter((i) => i.type === 'top').map((i) => i.id);
    const dress = wardrobe.find((i) => i.type === 'dress')!.id;
    const bottom = wardrobe.find((i) => i.type === 'bottom')!.id;
    const accessory = wardrobe.find((i) => i.type === 'accessory')!.id;
    expect(() => suggest(engine, wardrobe, { k: 5, pinned: [t1!, t2!] })).toThrow(OutfitRequestError);
    expect(() => suggest(engine, wardrobe, { k: 5, pinned: [dress, bottom] })).toThrow(OutfitRequestError);
    expect(() => suggest(engine, wardrobe, { k: 5, pinned: [accessory] })).toThrow(OutfitRequestError);
    expect(() => suggest(engine, wardrobe, { k: 5, slots: ['top', 'dress', 'shoes'] })).toThrow(OutfitRequestError);
  });

  it('keeps only the chosen slots', () => {
    const result = suggest(engine, wardrobe, { k: 8, slots: ['dress', 'shoes'] });
    expect(result.length).toBeGreaterThan(0);
    for (const s of result) expect(s.itemIds.map(typeOf)).toEqual(['dress', 'shoes']);
  });

  it('spreads items across suggestions and avoids near-duplicates unless asked', () => {
    const strict = suggest(engine, wardrobe, { k: 12, maxUsesPerItem: 2 });
    const counts = new Map<number, number>();
    for (const s of strict) for (const id of s.itemIds) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);
    for (let i = 0; i < strict.length; i++) for (let j = 0; j < i; j++) expect(differInOneItemOnly(strict[i]!.itemIds, strict[j]!.itemIds, new Set())).toBe(false);

    // Asked for near-duplicates and unlimited uses: exactly the top of the exact ranking.
    const loose = suggest(engine, wardrobe, { k: 12, maxUsesPerItem: 1000, allowNearDuplicates: true });
    expect(loose).toHaveLength(12);
    expect(loose.some((a, i) => loose.slice(0, i).some((b) => differInOneItemOnly(a.itemIds, b.itemIds, new Set())))).toBe(true);
    expect(loose[0]!.score).toBeGreaterThanOrEqual(strict[0]!.score - 1e-9);
  });

  it('never suggests one outfit twice, also when near-duplicates are allowed and the search takes several rounds', () => {
    // Enough items that k = 40 takes more than one round of the exact search (its first round is 240 outfits).
    const rng = new Rng(31);
    const big: EngineItem[] = [];
    for (const [type, n] of [['top', 14], ['bottom', 10], ['shoes', 8], ['outerwear', 4]] as const) for (let i = 0; i < n; i++) big.push({ id: big.length + 1, type, embedding: randomEmbedding(rng) });
    for (const maxUsesPerItem of [2, 3, 6]) {
      const result = suggest(engine, big, { k: 40, maxUsesPerItem, allowNearDuplicates: true });
      // Every outfit has shoes: 8 pairs, each in at most maxUsesPerItem suggestions.
      expect(result).toHaveLength(Math.min(40, 8 * maxUsesPerItem));
      expect(new Set(result.map((s) => [...s.itemIds].sort((a, b) => a - b).join(','))).size).toBe(result.length);
    }
  });

  it('returns what a tiny wardrobe allows: one top, one bottom, one pair of shoes make one outfit', () => {
    const rng = new Rng(2);
    const tiny = (['top', 'bottom', 'shoes', 'accessory'] as const).map((type, i) => ({ id: 100 + i, type, embedding: randomEmbedding(rng) }));
    const result = suggest(engine, tiny, { k: 5 });
    expect(result).toHaveLength(1);
    expect(result[0]!.itemIds.map((id) => tiny.find((t) => t.id === id)!.type)).toEqual(['top', 'bottom', 'shoes']);
    expect(result[0]!.pairScores.map((p) => `${p.a}+${p.b}`)).toEqual(['top+bottom', 'top+shoes', 'bottom+shoes']);
  });
});

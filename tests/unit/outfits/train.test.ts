// The outfit model learns a planted compatibility rule from synthetic outfits: every item has a hidden
// "palette" (one of four) written into its embedding among as much noise; real outfits share one palette.
// After training, outfits whose tops were held out beat one-swap and random negatives. Also: a
// saved model scores exactly as before, and the shipped prior loads and scores.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';
import { trainCompat } from '../../../electron/core/compat/train.ts';
import { PreparedItems } from '../../../electron/core/compat/scoring.ts';
import { buildEvalSet, measure } from '../../../electron/core/compat/evaluate.ts';
import { cosineSumScorer } from '../../../electron/core/compat/baselines.ts';
import { SHIPPED_COMPAT_DIR, loadModel, saveModel } from '../../../electron/core/compat/store.ts';
import type { DataItem, SlottedOutfit } from '../../../electron/core/compat/data.ts';
import type { Slot } from '../../../electron/core/outfits/slots.ts';
import { tempDir } from '../../helpers/kit.ts';

const DIM = 48;
const PALETTES = 4;

function plantedData(seed: number): { items: DataItem[]; outfits: SlottedOutfit[] } {
  const rng = new Rng(seed);
  // Each palette has a direction per slot (a palette looks different on a top and on shoes).
  const direction = new Map<string, Float32Array>();
  const dir = (slot: Slot, p: number) => direction.get(`${slot}${p}`) ?? direction.set(`${slot}${p}`, Float32Array.from({ length: DIM }, () => rng.normal())).get(`${slot}${p}`)!;
  const items: DataItem[] = [];
  const palette: number[] = [];
  const bySlotPalette = new Map<string, number[]>();
  for (const slot of ['top', 'bottom', 'shoes', 'outerwear'] as const) {
    for (let i = 0; i < 60; i++) {
      const p = i % PALETTES;
      const d = dir(slot, p);
      // As much noise as signal: cosine similarity of whole embeddings does not see the palette.
      const e = Float32Array.from({ length: DIM }, (_, k) => d[k]! + rng.normal());
      const idx = items.push({ slot, embedding: e }) - 1;
      palette.push(p);
      (bySlotPalette.get(`${slot}${p}`) ?? bySlotPalette.set(`${slot}${p}`, []).get(`${slot}${p}`)!).push(idx);
    }
  }
  const outfits: SlottedOutfit[] = [];
  for (let o = 0; o < 700; o++) {
    const p = rng.int(PALETTES);
    const pick = (slot: Slot) => [rng.pick(bySlotPalette.get(`${slot}${p}`)!)];
    const items_: SlottedOutfit['items'] = { top: pick('top'), bottom: pick('bottom'), shoes: pick('shoes') };
    if (rng.next() < 0.3) items_.outerwear = pick('outerwear');
    outfits.push({ id: String(o), items: items_ });
  }
  void palette;
  return { items, outfits };
}

describe('training on a planted rule', () => {
  it('learns that outfits share a palette (held-out tops), far above the cosine baseline', () => {
    const { items, outfits } = plantedData(3);
    // Hold out by top, as the real evaluation does.
    const heldTops = new Set(items.flatMap((it, i) => (it.slot === 'top' && i % 5 === 0 ? [i] : [])));
    const test = outfits.filter((o) => heldTops.has(o.items.top![0]!));
    const train = outfits.filter((o) => !heldTops.has(o.items.top![0]!));
    const { model, report } = trainCompat(items, train, {
      meta: { trainedOn: 'synthetic planted rule (test)' },
      config: { inputDim: 24, hidden: 32, rank: 8 },
      maxEpochs: 25,
      patience: 5,
      seed: 5,
    });
    expect(report.epochs).toBeGreaterThan(1);
    const set = buildEvalSet(test, new Rng(9), { negativesPerOutfit: 3 });
    const prepared = new PreparedItems(model, items);
    const m = measure((inst) => prepared.score(inst), set);
    const cosine = measure(cosineSumScorer(items), set);
    expect(m.auc_swap).toBeGreaterThan(0.8);
    expect(m.auc_random).toBeGreaterThan(0.9);
    expect(m.fitb).toBeGreaterThan(0.55);
    expect(m.auc_random).toBeGreaterThan(cosine.auc_random + 0.15);

    // Saved and loaded, it scores the same outfits the same way.
    const dir = path.join(tempDir('stylist-compat-'), 'model');
    saveModel(model, dir);
    const loaded = loadModel(dir);
    expect(loaded.id).toBe(model.id);
    const again = new PreparedItems(loaded, items);
    for (const inst of set.positives.slice(0, 20)) expect(again.score(inst)).toBeCloseTo(prepared.score(inst), 5);
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }, 60_000);
});

describe('the shipped model', () => {
  it('is a CC0-only prior that loads and scores every slot pair', () => {
    const model = loadModel(SHIPPED_COMPAT_DIR);
    expect(model.meta.trainedOn).toMatch(/CC0/);
    expect(model.meta.trainedOn).not.toMatch(/lookbook/i);
    const rng = new Rng(1);
    const slots: Slot[] = ['top', 'bottom', 'shoes', 'dress', 'outerwear'];
    const items: DataItem[] = slots.map((slot) => ({ slot, embedding: Float32Array.from({ length: model.transform.pca.dim }, () => Math.abs(rng.normal())) }));
    const prepared = new PreparedItems(model, items);
    const separates = prepared.breakdown({ top: 0, bottom: 1, shoes: 2, outerwear: 4 });
    expect(separates.map((p) => `${p.a}+${p.b}`)).toEqual(['top+bottom', 'top+shoes', 'bottom+shoes', 'outerwear+top', 'outerwear+bottom', 'outerwear+shoes']);
    expect(prepared.breakdown({ dress: 3, shoes: 2, outerwear: 4 })).toHaveLength(3);
    for (const p of separates) expect(Number.isFinite(p.score)).toBe(true);
  });
});

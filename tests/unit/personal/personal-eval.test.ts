// The personalisation eval's loop on a SYNTHETIC pool whose embeddings carry the taste's attribute: the app's
// questions are asked, the person's model learns the taste, and the figures the command prints are consistent.
// A two-slot taste is learned in every seed (two of three were unlearned when dislikes alone trained the user
// term, AUC 0.36 / 0.39 after 50 judgements: EVALUATION.md, Personalisation).
import { describe, expect, it } from 'vitest';
import { SHIPPED_COMPAT_DIR, loadModel } from '../../../electron/core/compat/store.ts';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';
import { CHECKPOINTS, evalPersonal } from '../../../electron/core/personal/personal-eval.ts';
import { evalPersonalCeiling } from '../../../electron/core/personal/personal-ceiling.ts';
import type { PoolItem } from '../../../electron/core/personal/personal-eval.ts';
import type { Taste } from '../../../electron/core/personal/simulated-people.ts';

/** Items of each slot, half of them "GREY"; the colour moves the embedding along one direction per slot. */
function pool(dim: number): PoolItem[] {
  const rng = new Rng(3);
  const out: PoolItem[] = [];
  for (const [slot, n] of [['top', 200], ['bottom', 160], ['shoes', 120], ['outerwear', 40]] as const) {
    for (let i = 0; i < n; i++) {
      const grey = i % 2 === 0;
      const e = new Float32Array(dim).map(() => Math.max(0, rng.normal()));
      for (let k = 0; k < 40; k++) e[k + (slot.length * 40) % (dim - 40)]! += grey ? 3 : 0;
      out.push({ slot, embedding: e, attributes: { color: grey ? 'GREY' : 'WHITE' } });
    }
  }
  return out;
}

describe('eval personal (synthetic pool)', () => {
  it('learns a taste the embeddings carry, with the app\'s questions, and reports every checkpoint', () => {
    const model = loadModel(SHIPPED_COMPAT_DIR);
    const taste: Taste = { name: 'grey tops', rules: { top: (a) => a.color === 'GREY' } };
    const r = evalPersonal(model, pool(model.transform.pca.dim), { tastes: [taste], seed: 1 });
    expect(Object.keys(r.auc_at).map(Number)).toEqual(CHECKPOINTS);
    expect(r.synthetic).toBe(true);
    expect(r.general_auc).toBeLessThan(0.7);
    expect(r.auc_at[20]).toBeGreaterThan(0.9);
    expect(r.auc_at[50]).toBeGreaterThan(0.9);
    expect(r.auc_at[50]).toBeGreaterThan(r.general_auc + 0.15);
    expect(r.people[0]!.heldOutPositiveShare).toBeGreaterThan(0.1);
    expect(r.questions_asked).toBeGreaterThanOrEqual(30);
  }, 120_000);

  it('learns a two-slot taste in every seed, whatever its first answers', () => {
    const model = loadModel(SHIPPED_COMPAT_DIR);
    const taste: Taste = { name: 'grey tops with grey bottoms', rules: { top: (a) => a.color === 'GREY', bottom: (a) => a.color === 'GREY' } };
    for (const seed of [1, 2, 3]) {
      const r = evalPersonal(model, pool(model.transform.pca.dim), { tastes: [taste], seed });
      expect(r.auc_at[50], `seed ${seed}`).toBeGreaterThan(0.85);
    }
  }, 120_000);

  it('learns from dislikes that name the wrong garment: a three-slot taste a loop of likes and dislikes turns against', () => {
    const model = loadModel(SHIPPED_COMPAT_DIR);
    const grey = (a: Record<string, string>) => a.color === 'GREY';
    const taste: Taste = { name: 'grey all over', rules: { top: grey, bottom: grey, shoes: grey } };
    // Seed 3 with likes and dislikes alone: AUC 0.05 after 50 judgements (a noisy first like taught the opposite,
    // and the dislikes blame the garments it is unsure of, not the ones it is wrongly sure of).
    const named = evalPersonal(model, pool(model.transform.pca.dim), { tastes: [taste], seed: 3, blameRate: 1 });
    expect(named.blame_rate).toBe(1);
    expect(named.auc_at[20]).toBeGreaterThan(0.9);
    expect(named.auc_at[50]).toBeGreaterThan(0.9);
  }, 120_000);

  it('measures the ceiling of single-garment answers on the same people: clean answers teach the taste, coin flips nothing', () => {
    const model = loadModel(SHIPPED_COMPAT_DIR);
    const grey = (a: Record<string, string>) => a.color === 'GREY';
    const taste: Taste = { name: 'grey tops with grey bottoms', rules: { top: grey, bottom: grey } };
    const r = evalPersonalCeiling(model, pool(model.transform.pca.dim), { tastes: [taste], seed: 1 });
    expect(r.synthetic).toBe(true);
    expect(Object.keys(r.ceiling_auc_at).map(Number)).toEqual(CHECKPOINTS.filter((c) => c > 0));
    // The pool carries the colour plainly, so 20 clean answers about well-chosen garments teach it.
    expect(r.clean_ceiling_auc_at[20]).toBeGreaterThan(0.95);
    expect(r.clean_ceiling_auc_at[100]).toBeGreaterThan(0.95);
    // Half the answers wrong teach nothing.
    const coin = evalPersonalCeiling(model, pool(model.transform.pca.dim), { tastes: [taste], seed: 1, noise: 0.5 });
    expect(coin.ceiling_auc_at[100]).toBeLessThan(0.75);
    expect(coin.clean_ceiling_auc_at[100]).toBe(r.clean_ceiling_auc_at[100]);
    // A taste on one slot of fewer garments (60 shoes) than the answers (100): every one is asked about, then no more.
    const shoes: Taste = { name: 'grey shoes', rules: { shoes: grey } };
    const small = evalPersonalCeiling(model, pool(model.transform.pca.dim), { tastes: [shoes], seed: 1 });
    expect(small.clean_ceiling_auc_at[100]).toBeGreaterThan(0.95);
  }, 120_000);
});

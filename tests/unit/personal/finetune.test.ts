// Fine-tuning a person's parts on a planted taste: items whose embedding leans one way are liked. The
// model must learn it from outfit-level likes and dislikes, and stay near the general model with none.
import { describe, expect, it } from 'vitest';
import { CompatModel } from '../../../electron/core/compat/model.ts';
import { fitFeatureTransform } from '../../../electron/core/compat/features.ts';
import { PreparedItems } from '../../../electron/core/compat/scoring.ts';
import type { Instance } from '../../../electron/core/compat/data.ts';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';
import { auc } from '../../../electron/core/evaluation/metrics.ts';
import { fineTune } from '../../../electron/core/personal/finetune.ts';
import type { FineTuneItem, FineTuneJudgement, Outfit } from '../../../electron/core/personal/finetune.ts';
import { deserializePersonal, serializePersonal, toPersonalCompat } from '../../../electron/core/personal/person-model.ts';
import type { Slot } from '../../../electron/core/outfits/slots.ts';

const DIM = 64;
const SLOTS: Slot[] = ['top', 'bottom', 'shoes'];

/** Items whose embedding leans along a hidden direction (over its first `informative` dimensions) are liked; slots not in `ruled` are all liked. */
function world(seed: number, { dim = DIM, informative = dim, perSlot = 40, ruled = SLOTS }: { dim?: number; informative?: number; perSlot?: number; ruled?: Slot[] } = {}) {
  const rng = new Rng(seed);
  const taste = Float32Array.from({ length: dim }, (_, k) => (k < informative ? rng.normal() : 0));
  const items: (FineTuneItem & { liked: boolean })[] = [];
  for (const slot of SLOTS) {
    for (let i = 0; i < perSlot; i++) {
      const e = Float32Array.from({ length: dim }, () => Math.abs(rng.normal()) + 0.2);
      let s = 0;
      for (let k = 0; k < dim; k++) s += (e[k]! - 1) * taste[k]!;
      items.push({ slot, embedding: e, liked: !ruled.includes(slot) || s > 0 });
    }
  }
  const transform = fitFeatureTransform(items.map((i) => i.embedding), { dim: 16 });
  const model = new CompatModel({ inputDim: 16, hidden: 16, rank: 4, inputDropout: 0, dropout: 0, dress: 'top+bottom' }, transform, new Rng(seed + 1), { trainedOn: 'test', createdAt: 'now' });
  const bySlot = SLOTS.map((s) => items.flatMap((it, i) => (it.slot === s ? [i] : [])));
  const outfit = (): Outfit => Object.fromEntries(SLOTS.map((s, k) => [s, rng.pick(bySlot[k]!)]));
  const liked = (o: Outfit) => SLOTS.every((s) => items[o[s]!]!.liked);
  return { rng, items, model, outfit, liked };
}

describe('personal fine-tuning', () => {
  it('learns a planted taste from outfit-level judgements, with noisy answers', () => {
    const w = world(3);
    const judgements: FineTuneJudgement[] = [];
    // Enough likes to learn from: half the judged outfits are drawn from liked items.
    const likedItems = SLOTS.map((s) => w.items.flatMap((it, i) => (it.slot === s && it.liked ? [i] : [])));
    for (let n = 0; n < 100; n++) {
      const o = n % 2 ? w.outfit() : (Object.fromEntries(SLOTS.map((s, k) => [s, w.rng.pick(likedItems[k]!)])) as Outfit);
      const truth = w.liked(o);
      judgements.push({ outfit: o, liked: n % 10 === 0 ? !truth : truth });
    }
    const personal = fineTune(w.model, w.items, judgements);
    const heldOut = Array.from({ length: 600 }, w.outfit);
    const labels = heldOut.map(w.liked);
    const general = new PreparedItems(w.model, w.items);
    const mine = new PreparedItems(w.model, w.items, { personal: toPersonalCompat(w.model, personal) });
    const aucOf = (p: PreparedItems) => {
      const s = heldOut.map((o) => p.score(o as Instance));
      return auc(s.filter((_, i) => labels[i]), s.filter((_, i) => !labels[i]));
    };
    const before = aucOf(general);
    const after = aucOf(mine);
    console.log(`planted taste: AUC general ${before.toFixed(3)} -> personal ${after.toFixed(3)}`);
    expect(after).toBeGreaterThan(0.85);
    expect(after - before).toBeGreaterThan(0.2);
  });

  it('settles on its fit: more answers without mistakes do not unlearn a taste (backbone-sized embeddings)', () => {
    // At the app's embedding size a too-large Adam rate left the fit oscillating, and 100 clean answers scored
    // below 50 (EVALUATION.md, Personalisation).
    const w = world(5, { dim: 1280, informative: 10, perSlot: 100, ruled: ['top', 'bottom'] });
    const judgements: FineTuneJudgement[] = Array.from({ length: 100 }, () => {
      const o = w.outfit();
      return { outfit: o, liked: w.liked(o) };
    });
    const heldOut = Array.from({ length: 600 }, w.outfit);
    const labels = heldOut.map(w.liked);
    const aucAfter = (n: number) => {
      const p = new PreparedItems(w.model, w.items, { personal: toPersonalCompat(w.model, fineTune(w.model, w.items, judgements.slice(0, n))) });
      const s = heldOut.map((o) => p.score(o as Instance));
      return auc(s.filter((_, i) => labels[i]), s.filter((_, i) => !labels[i]));
    };
    const [at50, at100] = [aucAfter(50), aucAfter(100)];
    console.log(`clean random answers: AUC after 50 ${at50.toFixed(3)}, after 100 ${at100.toFixed(3)}`);
    // (The old rate: 0.58 after 50, 0.48 after 100.)
    expect(at100).toBeGreaterThan(0.65);
    expect(at100).toBeGreaterThan(at50 - 0.05);
  });

  it('is the general model with no judgements, and deterministic with them', () => {
    const w = world(5);
    expect(fineTune(w.model, w.items, [])).toMatchObject({ id: 'general' });
    const j: FineTuneJudgement[] = [{ outfit: w.outfit(), liked: true }, { outfit: w.outfit(), liked: false }];
    expect(fineTune(w.model, w.items, j).id).toBe(fineTune(w.model, w.items, j).id);
  });

  it('learns no item preferences from dislikes alone, and does from the first like on', () => {
    const w = world(6);
    const dislikes: FineTuneJudgement[] = Array.from({ length: 8 }, () => ({ outfit: w.outfit(), liked: false }));
    expect(fineTune(w.model, w.items, dislikes).user.size).toBe(0);
    expect(fineTune(w.model, w.items, [...dislikes, { outfit: w.outfit(), liked: true }]).user.size).toBeGreaterThan(0);
  });

  it('reads a dislike that names its wrong garment as an answer about that garment alone', () => {
    const w = world(6);
    const like: FineTuneJudgement = { outfit: w.outfit(), liked: true };
    const disliked = w.outfit();
    const probability = (j: FineTuneJudgement[], slot: Slot) => toPersonalCompat(w.model, fineTune(w.model, w.items, j)).itemProbability!(slot, w.items[disliked[slot]!]!.embedding)!;
    const plain = [like, { outfit: disliked, liked: false }];
    const named = [like, { outfit: disliked, liked: false, blamed: 'bottom' as Slot }];
    // Named: the bottom takes the whole blame, the top and shoes none of it.
    expect(probability(named, 'bottom')).toBeLessThan(probability(plain, 'bottom'));
    expect(probability(named, 'top')).toBeGreaterThan(probability(plain, 'top'));
    expect(probability(named, 'shoes')).toBeGreaterThan(probability(plain, 'shoes'));
    // A named garment is something learned even before the first like.
    expect(fineTune(w.model, w.items, [{ outfit: disliked, liked: false, blamed: 'top' }]).user.size).toBeGreaterThan(0);
  });

  it('keeps the pair networks near the general ones after a handful of judgements', () => {
    const w = world(7);
    const j: FineTuneJudgement[] = Array.from({ length: 10 }, (_, n) => ({ outfit: w.outfit(), liked: n % 3 === 0 }));
    const personal = fineTune(w.model, w.items, j);
    for (const [key, net] of personal.pairs) {
      const general = w.model.pairs.get(key)!;
      const a = net.params().flatMap((p) => [...p.value]);
      const b = general.params().flatMap((p) => [...p.value]);
      const diff = Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0));
      const norm = Math.sqrt(b.reduce((s, v) => s + v * v, 0));
      expect(diff / norm).toBeLessThan(0.2);
    }
  });

  it('round-trips through its stored form', () => {
    const w = world(9);
    const j: FineTuneJudgement[] = Array.from({ length: 8 }, (_, n) => ({ outfit: w.outfit(), liked: n % 2 === 0 }));
    const personal = fineTune(w.model, w.items, j);
    const back = deserializePersonal(serializePersonal(personal, w.model.id), w.model, 'v1');
    const o = w.outfit() as Instance;
    const a = new PreparedItems(w.model, w.items, { personal: toPersonalCompat(w.model, personal) }).score(o);
    const b = new PreparedItems(w.model, w.items, { personal: toPersonalCompat(w.model, back) }).score(o);
    expect(b).toBeCloseTo(a, 5);
  });
});

// How far the personal model can go on the frozen features, whatever the app asks: the same SYNTHETIC people as
// `eval personal` (same wardrobes, same held-out outfits), but instead of judging outfits each answer is about
// one garment of a slot the taste rules (an oracle: the app cannot know which slots those are), the garments
// chosen to cover the wardrobe (cluster medoids of the slot's embeddings), the answers as noisy as the loop's.
// A judgement of an outfit is one yes or no, so it can say at most as much as one such answer; where this
// ceiling is under a target, no choice of questions reaches it with these features and this noise.
import type { CompatModel } from '../compat/model.ts';
import { auc, mean } from '../evaluation/metrics.ts';
import { medoids } from '../learning/medoids.ts';
import type { Slot } from '../outfits/slots.ts';
import { fineTune } from './finetune.ts';
import type { FineTuneJudgement } from './finetune.ts';
import { CHECKPOINTS, SLOTS, round, simulatedPerson } from './personal-eval.ts';
import type { PoolItem } from './personal-eval.ts';
import { toPersonalCompat } from './person-model.ts';
import { DEV_TASTES, TASTES, itemPasses } from './simulated-people.ts';
import type { Taste } from './simulated-people.ts';

export interface CeilingResult {
  /** Judgements -> mean AUC on the held-out outfits with `noise` of the answers wrong. */
  ceiling_auc_at: Record<number, number>;
  /** The same with every answer right. */
  clean_ceiling_auc_at: Record<number, number>;
  people: { taste: string; ceilingAucAt: Record<number, number>; cleanCeilingAucAt: Record<number, number> }[];
  synthetic: true;
  people_set: 'test' | 'dev';
  noise: number;
}

export function evalPersonalCeiling(
  model: CompatModel,
  pool: readonly PoolItem[],
  options: { seed?: number; noise?: number; people?: 'test' | 'dev'; tastes?: readonly Taste[] } = {},
): CeilingResult {
  const noise = options.noise ?? 0.1;
  const peopleSet = options.people ?? 'test';
  const budgets = CHECKPOINTS.filter((c) => c > 0);
  const people = (options.tastes ?? (peopleSet === 'dev' ? DEV_TASTES : TASTES)).map((taste, p) => {
    const { rng, items, attrs, bySlot, heldOut, heldLabels } = simulatedPerson(taste, p, pool, options.seed ?? 1, peopleSet);
    const ruled = SLOTS.filter((s) => taste.rules[s]);
    const aucOf = (judgements: FineTuneJudgement[]) => {
      const personal = toPersonalCompat(model, fineTune(model, items, judgements));
      const scores = heldOut.map((o) => SLOTS.reduce((sum, s) => sum + Math.log(personal.itemProbability!(s, items[o[s]!]!.embedding) ?? 1), 0));
      return round(auc(scores.filter((_, i) => heldLabels[i]), scores.filter((_, i) => !heldLabels[i])));
    };
    const person = { taste: taste.name, ceilingAucAt: {} as Record<number, number>, cleanCeilingAucAt: {} as Record<number, number> };
    for (const budget of budgets) {
      // The budget shared evenly over the ruled slots; each slot's share spent on its medoids.
      const asked = ruled.flatMap((slot, k) => {
        const rows = bySlot.get(slot)!;
        const share = Math.floor(budget / ruled.length) + (k < budget % ruled.length ? 1 : 0);
        return medoids(rows.map((i) => items[i]!.embedding), share, rng).map((r) => ({ slot, item: rows[r]! }));
      });
      const answers = asked.map(({ slot, item }) => ({ outfit: { [slot]: item }, truth: itemPasses(taste, slot as Slot, attrs[item]!) }));
      person.cleanCeilingAucAt[budget] = aucOf(answers.map((a) => ({ outfit: a.outfit, liked: a.truth })));
      person.ceilingAucAt[budget] = aucOf(answers.map((a) => ({ outfit: a.outfit, liked: rng.next() < noise ? !a.truth : a.truth })));
    }
    return person;
  });
  const avg = (pick: (r: (typeof people)[number]) => Record<number, number>) => Object.fromEntries(budgets.map((b) => [b, round(mean(people.map((r) => pick(r)[b]!)))]));
  return { ceiling_auc_at: avg((r) => r.ceilingAucAt), clean_ceiling_auc_at: avg((r) => r.cleanCeilingAucAt), people, synthetic: true, people_set: peopleSet, noise };
}

// How far the personal model can go on the frozen features: the same SYNTHETIC people as `eval personal` (same
// wardrobes, same held-out outfits, the same learner), but each answer is about one garment of a slot the taste
// rules (an oracle: the app cannot know which slots those are), chosen as well as measured so far (medoids first,
// then the garment the model is least sure of), and as often wrong as the loop's answers. A judgement of an outfit
// is one yes or no, so it can say no more than one such answer about the right garment: where this ceiling is
// under a target, questions about outfits will not reach it with these features and this noise.
import type { CompatModel, PersonalCompat } from '../compat/model.ts';
import { mean } from '../evaluation/metrics.ts';
import { argmax } from '../heads/labels.ts';
import { medoids } from '../learning/medoids.ts';
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
    const { rng, items, attrs, bySlot, heldOut, heldOutAuc } = simulatedPerson(taste, p, pool, options.seed ?? 1, peopleSet);
    const ruled = SLOTS.filter((s) => taste.rules[s]);
    const aucOf = (personal: PersonalCompat) => heldOutAuc(heldOut.map((o) => SLOTS.reduce((sum, s) => sum + Math.log(personal.itemProbability!(s, items[o[s]!]!.embedding) ?? 1), 0)));
    // The ruled slots take turns. Each slot's first answers are about two medoids (garments that stand for the
    // slot); after that, about the garment of the slot the model is least sure of. The model learns as in the
    // loop: after every answer up to 20, then every 5.
    const ask = (wrongShare: number) => {
      const at: Record<number, number> = {};
      const answers: FineTuneJudgement[] = [];
      const asked = new Set<number>();
      const starters = new Map(ruled.map((slot) => [slot, medoids(bySlot.get(slot)!.map((i) => items[i]!.embedding), 2, rng).map((r) => bySlot.get(slot)![r]!)]));
      let personal: PersonalCompat | null = null;
      for (let n = 0; n < budgets.at(-1)!; n++) {
        // (A slot whose every garment has been asked about drops out of the turns.)
        const turns = ruled.filter((s) => bySlot.get(s)!.some((i) => !asked.has(i)));
        if (turns.length) {
          const slot = turns[n % turns.length]!;
          const open = bySlot.get(slot)!.filter((i) => !asked.has(i));
          // The least sure: the probability nearest 0.5.
          const item = starters.get(slot)!.find((i) => !asked.has(i)) ?? open[argmax(open.map((i) => -Math.abs((personal?.itemProbability!(slot, items[i]!.embedding) ?? 0.5) - 0.5)))]!;
          asked.add(item);
          const truth = itemPasses(taste, slot, attrs[item]!);
          answers.push({ outfit: { [slot]: item }, liked: rng.next() < wrongShare ? !truth : truth });
        }
        if (n + 1 <= 20 || (n + 1) % 5 === 0) personal = toPersonalCompat(model, fineTune(model, items, answers));
        if (budgets.includes(n + 1)) at[n + 1] = aucOf(personal!);
      }
      return at;
    };
    return { taste: taste.name, ceilingAucAt: ask(noise), cleanCeilingAucAt: ask(0) };
  });
  const avg = (pick: (r: (typeof people)[number]) => Record<number, number>) => Object.fromEntries(budgets.map((b) => [b, round(mean(people.map((r) => pick(r)[b]!)))]));
  return { ceiling_auc_at: avg((r) => r.ceilingAucAt), clean_ceiling_auc_at: avg((r) => r.cleanCeilingAucAt), people, synthetic: true, people_set: peopleSet, noise };
}

// Measures personalisation with SYNTHETIC people (simulated-people.ts): the app suggests, the simulated
// person judges (10% noise), the app fine-tunes; after 0, 10, 20, 50 and 100 judgements: AUC on held-out
// outfits labelled by the hidden taste, and the share of liked outfits among the top 20 suggestions.
// Baselines in the same run: the general model alone, and a centroid-of-liked-items ranker (the
// real-time collection recommender's method) fed the same judgements. Development people (DEV_TASTES) are
// what the learner and the exploration were tuned on; the test people (TASTES) are what is reported.
import type { CompatModel } from '../compat/model.ts';
import { PreparedItems } from '../compat/scoring.ts';
import type { DataItem, Instance } from '../compat/data.ts';
import { Rng } from '../learning/nn/rng.ts';
import { auc, dot, mean, normalize } from '../evaluation/metrics.ts';
import type { Slot } from '../outfits/slots.ts';
import { fineTune } from './finetune.ts';
import type { FineTuneJudgement, Outfit } from './finetune.ts';
import { toPersonalCompat } from './person-model.ts';
import { QUESTION_EVERY, QUESTION_SLOTS, outfitKey, pickQuestions } from './questions.ts';
import { DEV_TASTES, TASTES, itemPasses, outfitLiked, sampleWardrobe } from './simulated-people.ts';
import type { Attributes, Taste } from './simulated-people.ts';

export interface PoolItem {
  slot: Slot;
  embedding: Float32Array;
  attributes: Attributes;
}

export interface PersonResult {
  taste: string;
  wardrobe: number;
  heldOutPositiveShare: number;
  aucAt: Record<number, number>;
  likedTop20At: Record<number, number>;
  centroidAucAt: Record<number, number>;
}

export interface PersonalEvalResult {
  auc_at: Record<number, number>;
  liked_top20_at: Record<number, number>;
  general_auc: number;
  centroid_auc_at: Record<number, number>;
  people: PersonResult[];
  synthetic: true;
  people_set: 'test' | 'dev';
  noise: number;
  /** Share of dislikes for which the simulated person names the wrong garment (0: likes and dislikes only). */
  blame_rate: number;
  seconds_per_finetune: number;
  /** Suggestions that were questions (questions.ts), over all people. */
  questions_asked: number;
}

export const CHECKPOINTS = [0, 10, 20, 50, 100];
export const SLOTS: Slot[] = ['top', 'bottom', 'shoes'];
const WARDROBE: Partial<Record<Slot, number>> = { top: 120, bottom: 90, shoes: 60, outerwear: 30 };

export function evalPersonal(
  model: CompatModel,
  pool: readonly PoolItem[],
  options: { seed?: number; noise?: number; blameRate?: number; people?: 'test' | 'dev'; tastes?: readonly Taste[]; log?: (m: string) => void } = {},
): PersonalEvalResult {
  const noise = options.noise ?? 0.1;
  const blameRate = options.blameRate ?? 0;
  const peopleSet = options.people ?? 'test';
  const people: PersonResult[] = [];
  let finetuneSeconds = 0;
  let questionsAsked = 0;
  let finetunes = 0;
  (options.tastes ?? (peopleSet === 'dev' ? DEV_TASTES : TASTES)).forEach((taste, p) => {
    const { rng, items, attrs, likedByTaste, keyOf, randomOutfits, seen, heldOut, heldLabels, heldOutAuc } = simulatedPerson(taste, p, pool, options.seed ?? 1, peopleSet);
    const candidates = randomOutfits(3000, seen);

    const judged: FineTuneJudgement[] = [];
    const judgedKeys = new Set<string>();
    const questionSeed = rng.int(1 << 30);
    let prepared = new PreparedItems(model, items);
    let likely: Float64Array | null = null;
    const scoreAll = (os: Outfit[]) => os.map((o) => prepared.score(o as Instance));
    const result: PersonResult = { taste: taste.name, wardrobe: items.length, heldOutPositiveShare: mean(heldLabels.map(Number)), aucAt: {}, likedTop20At: {}, centroidAucAt: {} };

    const measure = (n: number) => {
      result.aucAt[n] = heldOutAuc(scoreAll(heldOut));
      const top = topDiverse(candidates.filter((c) => !judgedKeys.has(keyOf(c))), scoreAll, 20);
      result.likedTop20At[n] = round(mean(top.map((o) => Number(likedByTaste(o)))));
      result.centroidAucAt[n] = heldOutAuc(centroidScores(items, judged, heldOut));
    };

    for (let n = 0; n <= CHECKPOINTS.at(-1)!; n++) {
      if (CHECKPOINTS.includes(n)) measure(n);
      if (n === CHECKPOINTS.at(-1)) break;
      // The app suggests as it does for a person: one suggestion in QUESTION_EVERY is a question (questions.ts,
      // once the model has learned something), the others its best unjudged outfit.
      const question = likely && n % QUESTION_EVERY === QUESTION_EVERY - 1
        ? pickQuestions(items.map((it, i) => ({ id: i, slot: it.slot, probability: likely![i]! })), judgedKeys, 1, questionSeed + judged.length)[0]
        : undefined;
      let next: Outfit;
      if (question) {
        next = Object.fromEntries(QUESTION_SLOTS.map((s, k) => [s, question.itemIds[k]!]));
        questionsAsked++;
      }
      else {
        const open = candidates.filter((c) => !judgedKeys.has(keyOf(c)));
        const scores = scoreAll(open);
        next = open[scores.indexOf(Math.max(...scores))]!;
      }
      const truth = likedByTaste(next);
      const liked = rng.next() < noise ? !truth : truth;
      // Some dislikes name the garment that is wrong: one failing the taste (any, when the answer was a slip).
      let blamed: Slot | undefined;
      if (!liked && blameRate > 0 && rng.next() < blameRate) {
        const failing = SLOTS.filter((s) => !itemPasses(taste, s, attrs[next[s]!]!));
        blamed = rng.pick(failing.length ? failing : SLOTS);
      }
      judged.push({ outfit: next, liked, ...(blamed ? { blamed } : {}) });
      judgedKeys.add(keyOf(next));
      // The app learns (debounced in the app; here after every judgement up to 20, then every 5).
      if (n + 1 <= 20 || (n + 1) % 5 === 0) {
        const t0 = performance.now();
        const personal = fineTune(model, items, judged);
        finetuneSeconds += (performance.now() - t0) / 1000;
        finetunes++;
        const compat = toPersonalCompat(model, personal);
        prepared = new PreparedItems(model, items, { personal: compat });
        likely = Float64Array.from(items, (it) => compat.itemProbability!(it.slot, it.embedding) ?? 0.5);
      }
    }
    options.log?.(`${taste.name}: AUC ${CHECKPOINTS.map((c) => result.aucAt[c]).join(' -> ')}; liked in top 20 ${CHECKPOINTS.map((c) => result.likedTop20At[c]).join(' -> ')}; centroid ${CHECKPOINTS.map((c) => result.centroidAucAt[c]).join(' -> ')}`);
    people.push(result);
  });
  const avg = (pick: (r: PersonResult) => Record<number, number>) => Object.fromEntries(CHECKPOINTS.map((c) => [c, round(mean(people.map((r) => pick(r)[c]!)))]));
  return {
    auc_at: avg((r) => r.aucAt),
    liked_top20_at: avg((r) => r.likedTop20At),
    general_auc: round(mean(people.map((r) => r.aucAt[0]!))),
    centroid_auc_at: avg((r) => r.centroidAucAt),
    people,
    synthetic: true,
    people_set: peopleSet,
    noise,
    blame_rate: blameRate,
    seconds_per_finetune: round(finetuneSeconds / Math.max(1, finetunes)),
    questions_asked: questionsAsked,
  };
}

/**
 * A simulated person's world, the same for every eval: their wardrobe (sampled for the taste), 1,500 held-out
 * random outfits labelled by the taste, and the random source that goes on to draw their answers.
 */
export function simulatedPerson(taste: Taste, index: number, pool: readonly PoolItem[], seed: number, peopleSet: 'test' | 'dev') {
  // Dev people draw other wardrobes and answers than the test people.
  const rng = new Rng(seed * 1000 + index + (peopleSet === 'dev' ? 500 : 0));
  const wardrobeIdx = sampleWardrobe(taste, pool, WARDROBE, rng);
  const items: DataItem[] = wardrobeIdx.map((i) => ({ slot: pool[i]!.slot, embedding: pool[i]!.embedding }));
  const attrs = wardrobeIdx.map((i) => pool[i]!.attributes);
  const bySlot = new Map<Slot, number[]>(SLOTS.map((s) => [s, items.flatMap((it, i) => (it.slot === s ? [i] : []))]));
  const likedByTaste = (o: Outfit) => outfitLiked(taste, SLOTS.map((s) => ({ slot: s, attributes: attrs[o[s]!]! })));
  const keyOf = (o: Outfit) => outfitKey(Object.values(o) as number[]);
  const randomOutfits = (n: number, exclude: Set<string>): Outfit[] => {
    const out: Outfit[] = [];
    for (let tries = 0; out.length < n && tries < n * 20; tries++) {
      const o: Outfit = Object.fromEntries(SLOTS.map((s) => [s, rng.pick(bySlot.get(s)!)]));
      const k = keyOf(o);
      if (!exclude.has(k)) {
        exclude.add(k);
        out.push(o);
      }
    }
    return out;
  };
  const seen = new Set<string>();
  const heldOut = randomOutfits(1500, seen);
  const heldLabels = heldOut.map(likedByTaste);
  /** AUC (three decimals) of scores of the held-out outfits, in their order, against the taste's labels. */
  const heldOutAuc = (scores: readonly number[]) => round(auc(scores.filter((_, i) => heldLabels[i]), scores.filter((_, i) => !heldLabels[i])));
  return { rng, items, attrs, bySlot, likedByTaste, keyOf, randomOutfits, seen, heldOut, heldLabels, heldOutAuc };
}

/** Best-scoring outfits with no item in more than two of them (as the app's suggestions are). */
function topDiverse(outfits: Outfit[], scoreAll: (os: Outfit[]) => number[], k: number): Outfit[] {
  const scores = scoreAll(outfits);
  const order = outfits.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const uses = new Map<number, number>();
  const out: Outfit[] = [];
  for (const i of order) {
    const o = outfits[i]!;
    const ids = Object.values(o) as number[];
    if (ids.some((id) => (uses.get(id) ?? 0) >= 2)) continue;
    ids.forEach((id) => uses.set(id, (uses.get(id) ?? 0) + 1));
    out.push(o);
    if (out.length === k) break;
  }
  return out;
}

/** Centroid baseline: per slot, the mean direction of the liked items; an outfit scores its items' cosines to it. */
function centroidScores(items: readonly DataItem[], judged: readonly FineTuneJudgement[], outfits: readonly Outfit[]): number[] {
  const centroids = new Map<Slot, Float32Array>();
  for (const j of judged) {
    if (!j.liked) continue;
    for (const [slot, i] of Object.entries(j.outfit) as [Slot, number][]) {
      const c = centroids.get(slot) ?? centroids.set(slot, new Float32Array(items[i]!.embedding.length)).get(slot)!;
      const v = normalize(items[i]!.embedding);
      for (let k = 0; k < c.length; k++) c[k]! += v[k]!;
    }
  }
  const unit = new Map([...centroids].map(([s, c]) => [s, normalize(c)]));
  return outfits.map((o) => {
    let s = 0;
    for (const [slot, i] of Object.entries(o) as [Slot, number][]) {
      const c = unit.get(slot);
      if (c) s += dot(normalize(items[i]!.embedding), c);
    }
    return s;
  });
}

/** To three decimals, as the evals print. */
export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

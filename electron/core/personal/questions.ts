// Questions: outfits shown to learn from rather than as the best guess. The answer to an outfit whose other items
// the person very likely wears, while one item is uncertain, is about that item: a "no" blames it and a "yes"
// clears it (a like or dislike of an outfit whose items are all uncertain blames nobody in particular). The
// simulated people of `eval personal` are asked by this same code; a loop that only shows its best guesses learns
// less from the same number of answers (EVALUATION.md, Personalisation).
import type { Judgement, OutfitSuggestion } from '../../../shared/api.ts';
import type { PersonalCompat } from '../compat/model.ts';
import { Rng } from '../learning/nn/rng.ts';
import type { Slot } from '../outfits/slots.ts';

/** The slots a question is made of. */
export const QUESTION_SLOTS = ['top', 'bottom', 'shoes'] as const satisfies readonly Slot[];
/**
 * One suggestion in this many is a question (in the app and in eval personal alike). Every second, with the user
 * term's L2 at 0.2 (finetune.ts): on the dev people that learns faster than every third at 0.05 (AUC after 50
 * judgements 0.711 -> 0.754) and shows as many liked outfits; at the weaker L2, every second question locked a
 * two-slot synthetic taste after an early slip (EVALUATION.md, Personalisation).
 */
export const QUESTION_EVERY = 2;
/** Garments of a slot a question is drawn from, at most. */
const QUESTION_POOL = 300;

/**
 * How much the answer about an outfit says about one of its items, and which one (its index in `ps`), where
 * ps[k] = P(the person would wear item k): P(the others are worn) x the item's own uncertainty q(1 - q).
 */
export function telling(ps: readonly number[]): { value: number; at: number } {
  const all = ps.reduce((a, q) => a * q, 1);
  let value = -1;
  let at = -1;
  ps.forEach((q, k) => {
    const v = (all / Math.max(q, 1e-9)) * q * (1 - q);
    if (v > value) [value, at] = [v, k];
  });
  return { value, at };
}

/** Identifies an outfit whatever the order of its items. */
export function outfitKey(itemIds: readonly number[]): string {
  return [...itemIds].sort((a, b) => a - b).join(',');
}

/**
 * Up to `count` questions for a wardrobe: each the most telling of `candidates` random outfits of QUESTION_SLOTS
 * (seeded, so the same wardrobe and answers ask the same), none already judged (`judged`: outfitKey of the item
 * ids), no item asked about twice and no outfit twice.
 */
export function pickQuestions(
  items: readonly { id: number; slot: Slot; probability: number }[],
  judged: ReadonlySet<string>,
  count: number,
  seed: number,
  candidates = 2000,
): { itemIds: number[]; about: number }[] {
  const bySlot = QUESTION_SLOTS.map((s) => items.flatMap((it, i) => (it.slot === s ? [i] : [])));
  if (bySlot.some((rows) => rows.length === 0)) return [];
  const rng = new Rng(seed);
  const asked = new Set<number>();
  const taken = new Set(judged);
  const out: { itemIds: number[]; about: number }[] = [];
  const rows = new Array<number>(QUESTION_SLOTS.length);
  const ps = new Array<number>(QUESTION_SLOTS.length);
  for (let q = 0; q < count; q++) {
    let best: { itemIds: number[]; about: number } | null = null;
    let bestValue = -1;
    let bestRow = -1;
    for (let c = 0; c < candidates; c++) {
      for (let k = 0; k < rows.length; k++) {
        rows[k] = rng.pick(bySlot[k]!);
        ps[k] = items[rows[k]!]!.probability;
      }
      if (rows.some((r) => asked.has(r))) continue;
      const { value, at } = telling(ps);
      // The key is built only for a candidate that would win (a few per question).
      if (value <= bestValue) continue;
      const itemIds = rows.map((r) => items[r]!.id);
      if (taken.has(outfitKey(itemIds))) continue;
      [best, bestValue, bestRow] = [{ itemIds, about: itemIds[at]! }, value, rows[at]!];
    }
    if (!best) break;
    asked.add(bestRow);
    taken.add(outfitKey(best.itemIds));
    out.push(best);
  }
  return out;
}

/**
 * Questions for a person's wardrobe under their model: only items of the slots the model has learned take part
 * (at most QUESTION_POOL of each), and what they have judged is not asked again. Seeded by the person and their number of judgements, so the same
 * state asks the same.
 */
export function questionsFor(
  wardrobe: { items: readonly { id: number; type: string }[]; embeddings: (ids: number[]) => Map<number, Float32Array> },
  judgements: readonly Judgement[],
  parts: PersonalCompat,
  count: number,
  personId: number,
): { itemIds: number[]; about: number }[] {
  if (!parts.itemProbability || count <= 0) return [];
  const seed = personId * 100_003 + judgements.length;
  // At most QUESTION_POOL garments of a slot take part (a seeded sample), so a large wardrobe costs no more.
  const rng = new Rng(seed + 1);
  const rows = QUESTION_SLOTS.flatMap((slot) => {
    const all = wardrobe.items.filter((it) => it.type === slot);
    return all.length > QUESTION_POOL ? rng.shuffle([...all]).slice(0, QUESTION_POOL) : all;
  });
  const embeddings = wardrobe.embeddings(rows.map((r) => r.id));
  const items = rows.flatMap((r) => {
    const e = embeddings.get(r.id);
    const probability = e ? parts.itemProbability!(r.type as Slot, e) : null;
    return probability === null ? [] : [{ id: r.id, slot: r.type as Slot, probability }];
  });
  const judged = new Set(judgements.map((j) => outfitKey(j.itemIds)));
  return pickQuestions(items, judged, count, seed);
}

/** The best suggestions with the questions put in every QUESTION_EVERY-th place, k in all, no outfit twice. */
export function withQuestions(best: readonly OutfitSuggestion[], questions: readonly OutfitSuggestion[], k: number): OutfitSuggestion[] {
  const key = (o: OutfitSuggestion) => outfitKey(o.items.map((i) => i.id));
  const asked = new Set(questions.map(key));
  const rest = best.filter((o) => !asked.has(key(o)));
  const out: OutfitSuggestion[] = [];
  let q = 0;
  let b = 0;
  while (out.length < k && (q < questions.length || b < rest.length)) {
    const questionsPlace = (out.length + 1) % QUESTION_EVERY === 0;
    if ((questionsPlace && q < questions.length) || b >= rest.length) out.push(questions[q++]!);
    else out.push(rest[b++]!);
  }
  return out;
}

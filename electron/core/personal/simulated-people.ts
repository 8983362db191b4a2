// SYNTHETIC people for measuring personalisation: each has a hidden taste defined on lookbook item
// attributes (colour, type, fabric) that the model never sees, only the photos' embeddings. An outfit is
// liked when every item passes the taste's rule for its slot; the simulated person answers with 10% of
// answers flipped (noise). Wardrobes are sampled from the lookbook so that about half of each slot's
// items pass the rule (a real wardrobe reflects its owner's taste).
import type { Rng } from '../learning/nn/rng.ts';
import type { Slot } from '../outfits/slots.ts';

export type Attributes = Record<string, string>;
type Rule = (a: Attributes) => boolean;

export interface Taste {
  name: string;
  /** Per slot, what an item of that slot must be; slots without a rule accept anything. */
  rules: Partial<Record<Slot, Rule>>;
}

const is = (field: string, ...values: string[]): Rule => (a) => values.includes(a[field] ?? '');
const not = (rule: Rule): Rule => (a) => !rule(a);

export const TASTES: readonly Taste[] = [
  { name: 'dark colours only', rules: { top: is('color', 'GREY'), bottom: is('color', 'GREY'), shoes: is('color', 'GREY') } },
  { name: 'denim and boots', rules: { bottom: is('fabric', 'J-JEANS'), shoes: is('type', 'Ankle Boots', 'Boots') } },
  { name: 'formal: shirts and blouses, trousers or skirts, closed shoes', rules: { top: is('type', 'Shirt', 'Blouse'), bottom: is('type', 'Trousers', 'Skirt'), shoes: is('type', 'Shoes', 'Ankle Boots', 'Boots') } },
  { name: 'colourful tops', rules: { top: not(is('color', 'WHITE', 'GREY', 'BROWN')) } },
  { name: 'skirts and sandals', rules: { bottom: is('type', 'Skirt'), shoes: is('type', 'Sandals') } },
  { name: 'knits with jeans', rules: { top: is('fabric', 'K-CIRCULAR', 'T-TRICOT'), bottom: is('type', 'Jeans') } },
  { name: 'light palette', rules: { top: is('color', 'WHITE', 'PINK', 'YELLOW'), bottom: is('color', 'WHITE', 'PINK', 'YELLOW'), shoes: is('color', 'WHITE', 'PINK', 'YELLOW', 'BROWN') } },
  { name: 'no T-shirts, no shorts, no sandals', rules: { top: not(is('type', 'T-Shirt')), bottom: not(is('type', 'Shorts', 'Bermudas')), shoes: not(is('type', 'Sandals')) } },
];

/**
 * Development people: other tastes on the same attributes, for tuning the learner and the exploration.
 * Only these were tuned on; TASTES (the test people above) are what the eval reports.
 */
export const DEV_TASTES: readonly Taste[] = [
  { name: 'sweaters and cardigans with trousers', rules: { top: is('type', 'Sweater', 'Cardigan'), bottom: is('type', 'Trousers') } },
  { name: 'no white', rules: { top: not(is('color', 'WHITE')), bottom: not(is('color', 'WHITE')), shoes: not(is('color', 'WHITE')) } },
  { name: 'blouses and tops with skirts', rules: { top: is('type', 'Blouse', 'Top'), bottom: is('type', 'Skirt') } },
  { name: 'warm-coloured tops', rules: { top: is('color', 'RED', 'ORANGE', 'YELLOW', 'PINK', 'BROWN') } },
  { name: 'casual: T-shirts, closed shoes', rules: { top: is('type', 'T-Shirt', 'Sweatshirt'), shoes: is('type', 'Shoes', 'Trainers') } },
  { name: 'white tops, grey bottoms', rules: { top: is('color', 'WHITE'), bottom: is('color', 'GREY') } },
];

export function itemPasses(taste: Taste, slot: Slot, attributes: Attributes): boolean {
  return taste.rules[slot]?.(attributes) ?? true;
}

export function outfitLiked(taste: Taste, items: readonly { slot: Slot; attributes: Attributes }[]): boolean {
  return items.every((i) => itemPasses(taste, i.slot, i.attributes));
}

/** Indices of a wardrobe: per slot `count` items, about half passing the taste where the lookbook allows. */
export function sampleWardrobe(taste: Taste, pool: readonly { slot: Slot; attributes: Attributes }[], counts: Partial<Record<Slot, number>>, rng: Rng): number[] {
  const out: number[] = [];
  for (const [slot, count] of Object.entries(counts) as [Slot, number][]) {
    const inSlot = pool.map((p, i) => ({ p, i })).filter(({ p }) => p.slot === slot);
    const pass = rng.shuffle(inSlot.filter(({ p }) => itemPasses(taste, slot, p.attributes)).map(({ i }) => i));
    const fail = rng.shuffle(inSlot.filter(({ p }) => !itemPasses(taste, slot, p.attributes)).map(({ i }) => i));
    const wantPass = Math.min(pass.length, Math.ceil(count / 2));
    const chosen = [...pass.slice(0, wantPass), ...fail.slice(0, count - wantPass)];
    if (chosen.length < count) chosen.push(...pass.slice(wantPass, wantPass + count - chosen.length));
    out.push(...chosen);
  }
  return out;
}

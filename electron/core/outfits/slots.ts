// What makes an outfit valid: top + bottom + shoes, or dress + shoes; outerwear optional. Never two items
// of one slot, never a dress with a bottom. Display order is head to toe.
import type { GarmentType } from '../../../shared/api.ts';

/** The garment types that take part in outfits (accessories and unknown items do not). */
export const OUTFIT_SLOTS = ['top', 'bottom', 'shoes', 'dress', 'outerwear'] as const satisfies readonly GarmentType[];
export type Slot = (typeof OUTFIT_SLOTS)[number];

export const OUTFIT_TEMPLATES: readonly (readonly Slot[])[] = [
  ['top', 'bottom', 'shoes'],
  ['dress', 'shoes'],
];

/** Every valid slot set: each template, without and with outerwear. */
export const VALID_SLOT_SETS: readonly (readonly Slot[])[] = OUTFIT_TEMPLATES.flatMap((t) => [t, [...t, 'outerwear' as const]]);

/**
 * The pairs of slots that have a matching network, each written once in this order (the pair's "left"
 * slot first): the three of FashionNet, the three outerwear adds, and the two a dress adds.
 */
export const SLOT_PAIRS: readonly (readonly [Slot, Slot])[] = [
  ['top', 'bottom'],
  ['top', 'shoes'],
  ['bottom', 'shoes'],
  ['outerwear', 'top'],
  ['outerwear', 'bottom'],
  ['outerwear', 'shoes'],
  ['dress', 'shoes'],
  ['outerwear', 'dress'],
];
export type PairKey = `${Slot}+${Slot}`;
export const pairKey = (a: Slot, b: Slot): PairKey => `${a}+${b}`;
export const PAIR_KEYS: readonly PairKey[] = SLOT_PAIRS.map(([a, b]) => pairKey(a, b));

/** The pair of two slots in its canonical order, and whether (a, b) had to be swapped; null if no network. */
export function canonicalPair(a: Slot, b: Slot): { key: PairKey; left: Slot; right: Slot; swapped: boolean } | null {
  for (const [l, r] of SLOT_PAIRS) {
    if (l === a && r === b) return { key: pairKey(l, r), left: l, right: r, swapped: false };
    if (l === b && r === a) return { key: pairKey(l, r), left: l, right: r, swapped: true };
  }
  return null;
}

/** The slot pairs of a set of slots, in SLOT_PAIRS order. */
export function pairsOf(slots: readonly Slot[]): (readonly [Slot, Slot])[] {
  const set = new Set(slots);
  return SLOT_PAIRS.filter(([a, b]) => set.has(a) && set.has(b));
}

export function isSlot(t: GarmentType | string): t is Slot {
  return (OUTFIT_SLOTS as readonly string[]).includes(t);
}

export function isValidOutfit(types: readonly GarmentType[]): boolean {
  const set = new Set(types);
  if (set.size !== types.length) return false;
  const core = types.filter((t) => t !== 'outerwear');
  return OUTFIT_TEMPLATES.some((tpl) => tpl.length === core.length && tpl.every((t) => set.has(t)));
}

const DISPLAY_ORDER: readonly GarmentType[] = ['outerwear', 'top', 'dress', 'bottom', 'shoes', 'accessory'];

export function displayOrder(a: GarmentType, b: GarmentType): number {
  return DISPLAY_ORDER.indexOf(a) - DISPLAY_ORDER.indexOf(b);
}

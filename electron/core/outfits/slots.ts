// What makes an outfit valid: top + bottom + shoes, or dress + shoes; outerwear optional. Never two items
// of one slot, never a dress with a bottom. Display order is head to toe.
import type { GarmentType } from '../../../shared/api.ts';

export const OUTFIT_TEMPLATES: readonly (readonly GarmentType[])[] = [
  ['top', 'bottom', 'shoes'],
  ['dress', 'shoes'],
];
const DISPLAY_ORDER: readonly GarmentType[] = ['outerwear', 'top', 'dress', 'bottom', 'shoes', 'accessory'];

export function isValidOutfit(types: readonly GarmentType[]): boolean {
  const set = new Set(types);
  if (set.size !== types.length) return false;
  const core = types.filter((t) => t !== 'outerwear');
  return OUTFIT_TEMPLATES.some((tpl) => tpl.length === core.length && tpl.every((t) => set.has(t)));
}

export function displayOrder(a: GarmentType, b: GarmentType): number {
  return DISPLAY_ORDER.indexOf(a) - DISPLAY_ORDER.indexOf(b);
}

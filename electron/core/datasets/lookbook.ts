// A lookbook: how a boutique (or the team kit's retailer) hands over its house style. items.csv
// (item_id, image, role, ...) + outfits.csv (outfit_id, item_id) + the images. Every malformed row is
// reported with its file and line; nothing is returned unless the whole lookbook reads.
import fs from 'node:fs';
import path from 'node:path';
import type { GarmentType } from '../../../shared/api.ts';
import { CsvError, parseCsvRecords } from './csv.ts';

export const LOOKBOOK_ROLES = ['top', 'bottom', 'shoes', 'outerwear', 'dress', 'accessory'] as const satisfies readonly GarmentType[];
export type LookbookRole = (typeof LOOKBOOK_ROLES)[number];

export interface LookbookItem {
  itemId: string;
  file: string;
  role: LookbookRole;
  /** Every other column, as given (category, colour, fabric, ...). */
  attributes: Record<string, string>;
}

export interface LookbookOutfit {
  outfitId: string;
  itemIds: string[];
}

export interface Lookbook {
  dir: string;
  items: Map<string, LookbookItem>;
  outfits: LookbookOutfit[];
}

export class LookbookError extends Error {}

export function loadLookbook(dir: string): Lookbook {
  const read = (name: string) => {
    const file = path.join(dir, name);
    if (!fs.existsSync(file)) throw new LookbookError(`${name} is missing in ${dir}: a lookbook is items.csv + outfits.csv + images`);
    return fs.readFileSync(file, 'utf8');
  };
  const problems: string[] = [];
  const items = new Map<string, LookbookItem>();
  for (const { line, record } of records('items.csv', read('items.csv'), ['item_id', 'image', 'role'])) {
    const { item_id: itemId, image, role, ...attributes } = record;
    const where = `items.csv line ${line}`;
    if (!itemId) problems.push(`${where}: item_id is empty`);
    else if (items.has(itemId)) problems.push(`${where}: item ${itemId} appears twice`);
    else if (!(LOOKBOOK_ROLES as readonly string[]).includes(role ?? '')) problems.push(`${where}: role "${role}" is not one of ${LOOKBOOK_ROLES.join(', ')}`);
    else if (!image || path.isAbsolute(image) || path.normalize(image).startsWith('..')) problems.push(`${where}: image "${image}" must be a path inside the lookbook folder`);
    else items.set(itemId, { itemId, file: path.join(dir, image), role: role as LookbookRole, attributes: attributes as Record<string, string> });
  }
  const outfitItems = new Map<string, string[]>();
  for (const { line, record } of records('outfits.csv', read('outfits.csv'), ['outfit_id', 'item_id'])) {
    const { outfit_id: outfitId, item_id: itemId } = record;
    if (!outfitId || !itemId) problems.push(`outfits.csv line ${line}: outfit_id and item_id are both required`);
    else if (!items.has(itemId)) problems.push(`outfits.csv line ${line}: item ${itemId} is not in items.csv`);
    else outfitItems.set(outfitId, [...(outfitItems.get(outfitId) ?? []), itemId]);
  }
  if (problems.length) {
    const shown = problems.slice(0, 20).join('\n  ');
    throw new LookbookError(`the lookbook in ${dir} has ${problems.length} malformed row${problems.length > 1 ? 's' : ''}; nothing was imported:\n  ${shown}${problems.length > 20 ? '\n  ...' : ''}`);
  }
  return { dir, items, outfits: [...outfitItems].map(([outfitId, itemIds]) => ({ outfitId, itemIds })) };
}

function records(name: string, text: string, required: string[]) {
  try {
    return parseCsvRecords(text, required);
  } catch (error) {
    if (error instanceof CsvError) throw new LookbookError(`${name} ${error.message}`);
    throw error;
  }
}

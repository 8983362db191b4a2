// A lookbook as outfit data: every item imported through the vision pipeline (the backbone's embedding,
// cached on disk by embedFiles), items of the outfit slots kept, outfits reduced to their valid slots.
import path from 'node:path';
import { embedFiles } from '../datasets/embed-files.ts';
import { loadLookbook } from '../datasets/lookbook.ts';
import { isSlot } from '../outfits/slots.ts';
import { toSlottedOutfit } from './data.ts';
import type { DataItem, SlottedOutfit } from './data.ts';

export interface LookbookData {
  dir: string;
  items: DataItem[];
  /** The lookbook's item_id of each item. */
  itemIds: string[];
  outfits: SlottedOutfit[];
  /** Outfits that hold no valid outfit (e.g. no shoes), and items whose image could not be read. */
  skippedOutfits: string[];
  unreadableItems: string[];
}

export async function loadLookbookData(dir: string, options: { modelPath: string; onProgress?: (done: number, total: number) => void; cacheDir?: string | null }): Promise<LookbookData> {
  const lookbook = loadLookbook(path.resolve(dir));
  const all = [...lookbook.items.values()];
  // Every item is embedded (the cache is keyed by the file list, so one list serves every command).
  const { embeddings } = await embedFiles(all.map((i) => i.file), { modelPath: options.modelPath, onProgress: options.onProgress, cacheDir: options.cacheDir });
  const items: DataItem[] = [];
  const itemIds: string[] = [];
  const index = new Map<string, number>();
  const unreadableItems: string[] = [];
  all.forEach((it, i) => {
    const e = embeddings[i];
    if (!isSlot(it.role)) return;
    if (!e) {
      unreadableItems.push(it.itemId);
      return;
    }
    index.set(it.itemId, items.length);
    items.push({ slot: it.role, embedding: e });
    itemIds.push(it.itemId);
  });
  const outfits: SlottedOutfit[] = [];
  const skippedOutfits: string[] = [];
  for (const o of lookbook.outfits) {
    const entries = o.itemIds.flatMap((id) => {
      const i = index.get(id);
      return i === undefined ? [] : [{ role: items[i]!.slot as string, index: i }];
    });
    const slotted = toSlottedOutfit(o.outfitId, entries);
    if (slotted) outfits.push(slotted);
    else skippedOutfits.push(o.outfitId);
  }
  return { dir: lookbook.dir, items, itemIds, outfits, skippedOutfits, unreadableItems };
}

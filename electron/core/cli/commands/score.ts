// stylist score --lookbook DIR [--model MODEL_DIR] [--json]
// Scores every outfit of the lookbook's outfits.csv with a general compatibility model (the shipped one
// unless --model names another), from nothing but items.csv, outfits.csv and the images. Accessories are
// not scored, a dress beside a top and a bottom is left out (as in training); an outfit with several
// items of one slot scores the mean over its one-item-per-slot combinations. With --json the last line is {"scores": {outfit_id: score}, ...}.
import path from 'node:path';
import { BACKBONE_FILE } from '../../core.ts';
import { GENERATED_MODELS_DIR } from '../../paths.ts';
import { embedFiles } from '../../datasets/embed-files.ts';
import { loadLookbook } from '../../datasets/lookbook.ts';
import { PreparedItems } from '../../compat/scoring.ts';
import { SHIPPED_COMPAT_DIR, loadModel } from '../../compat/store.ts';
import { toSlottedOutfit } from '../../compat/data.ts';
import type { DataItem, Instance } from '../../compat/data.ts';
import { OUTFIT_SLOTS, isSlot } from '../../outfits/slots.ts';
import type { Slot } from '../../outfits/slots.ts';
import type { ParsedArgs } from '../args.ts';
import { stringFlag } from '../args.ts';
import { printResult, progressLine } from '../output.ts';

const MAX_COMBINATIONS = 64;

export async function scoreCommand(args: ParsedArgs): Promise<void> {
  const lookbook = loadLookbook(path.resolve(stringFlag(args, 'lookbook')));
  const modelDir = stringFlag(args, 'model', SHIPPED_COMPAT_DIR);
  const model = loadModel(modelDir);
  const all = [...lookbook.items.values()];
  const { embeddings } = await embedFiles(all.map((i) => i.file), {
    modelPath: path.join(stringFlag(args, 'models', GENERATED_MODELS_DIR), BACKBONE_FILE),
    onProgress: progressLine('embedding'),
  });
  const items: DataItem[] = [];
  const index = new Map<string, number>();
  all.forEach((it, i) => {
    const e = embeddings[i];
    if (!e || !isSlot(it.role)) return;
    index.set(it.itemId, items.push({ slot: it.role, embedding: e }) - 1);
  });
  const prepared = new PreparedItems(model, items);
  const scores: Record<string, number> = {};
  const notes: Record<string, string> = {};
  for (const outfit of lookbook.outfits) {
    const entries: { role: string; index: number }[] = [];
    const unreadable: string[] = [];
    for (const id of outfit.itemIds) {
      const role = lookbook.items.get(id)!.role;
      if (!isSlot(role)) continue;
      const i = index.get(id);
      if (i === undefined) unreadable.push(id);
      else entries.push({ role, index: i });
    }
    // The same reading of an outfit as in training (a dress beside a top and a bottom is dropped); an
    // outfit that still is not valid (e.g. no shoes) is scored on the pairs it has, with a note.
    const slotted = toSlottedOutfit(outfit.outfitId, entries);
    const bySlot = new Map<Slot, number[]>();
    for (const { role, index: i } of entries) if (!bySlot.get(role as Slot)?.includes(i)) bySlot.set(role as Slot, [...(bySlot.get(role as Slot) ?? []), i]);
    const lists = slotted ? new Map(OUTFIT_SLOTS.flatMap((s) => (slotted.items[s] ? [[s, slotted.items[s]] as const] : []))) : bySlot;
    const slots = OUTFIT_SLOTS.filter((s) => lists.has(s));
    const combos = combinations(slots.map((s) => lists.get(s)!)).map((rows) => Object.fromEntries(slots.map((s, k) => [s, rows[k]!])) as Instance);
    const scoreable = combos.filter((c) => prepared.breakdown(c).length > 0);
    if (!scoreable.length) {
      notes[outfit.outfitId] = unreadable.length ? `images could not be read: ${unreadable.join(', ')}` : 'no pair of outfit slots (top, bottom, shoes, dress, outerwear) to score';
      continue;
    }
    scores[outfit.outfitId] = scoreable.reduce((s, c) => s + prepared.score(c), 0) / scoreable.length;
    if (!slotted) notes[outfit.outfitId] = `not a valid outfit (${slots.join(' + ')}); scored on the pairs it has`;
    else if (unreadable.length) notes[outfit.outfitId] = `scored without unreadable items ${unreadable.join(', ')}`;
  }
  printResult(
    args,
    { model: modelDir, model_id: model.id, trained_on: model.meta.trainedOn, outfits: lookbook.outfits.length, scored: Object.keys(scores).length, notes, scores },
    (r) => `Scored ${r.scored} of ${r.outfits} outfits with ${r.model} (${r.trained_on})${Object.keys(r.notes).length ? `; ${Object.keys(r.notes).length} with notes (see --json)` : ''}.`,
  );
}

/** Every choice of one element per list (a deterministic sample of MAX_COMBINATIONS when there are more). */
function combinations(lists: number[][]): number[][] {
  const total = lists.reduce((n, l) => n * l.length, 1);
  const out: number[][] = [];
  const step = Math.max(1, Math.floor(total / MAX_COMBINATIONS));
  for (let c = 0; c < total && out.length < MAX_COMBINATIONS; c += step) {
    let rest = c;
    out.push(lists.map((l) => {
      const v = l[rest % l.length]!;
      rest = Math.floor(rest / l.length);
      return v;
    }));
  }
  return out;
}

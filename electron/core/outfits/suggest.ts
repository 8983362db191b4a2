// Top-k outfits from a wardrobe. The score is a sum over pairs of slots, so a learned matching network per
// pair can take the place of the pair scorer without changing the search. Diversity: an item appears in
// at most `maxUsesPerItem` suggestions, so the list is not one good top with every pair of trousers.
import type { GarmentType, Item, OutfitSuggestion } from '../../../shared/api.ts';
import { OUTFIT_TEMPLATES, displayOrder, isValidOutfit } from './slots.ts';

export interface Candidate {
  item: Item;
  embedding: Float32Array;
}

export type PairScorer = (a: Candidate, b: Candidate) => number;

export interface SuggestOptions {
  k: number;
  pinned?: number[];
  maxUsesPerItem?: number;
}

/** Until a compatibility model is trained: cosine similarity of the two embeddings. */
export const cosinePairScorer: PairScorer = (a, b) => cosine(a.embedding, b.embedding);

export function suggestOutfits(wardrobe: Candidate[], score: PairScorer, options: SuggestOptions): OutfitSuggestion[] {
  const pinned = new Set(options.pinned ?? []);
  const bySlot = new Map<GarmentType, Candidate[]>();
  for (const c of wardrobe) {
    const list = bySlot.get(c.item.type) ?? [];
    list.push(c);
    bySlot.set(c.item.type, list);
  }
  const scored: { parts: Candidate[]; score: number; pairScores: OutfitSuggestion['pairScores'] }[] = [];
  for (const template of OUTFIT_TEMPLATES) {
    for (const parts of combinations(template.map((t) => bySlot.get(t) ?? []))) {
      if ([...pinned].some((id) => !parts.some((p) => p.item.id === id))) continue;
      const pairScores: OutfitSuggestion['pairScores'] = [];
      for (let i = 0; i < parts.length; i++) {
        for (let j = i + 1; j < parts.length; j++) {
          pairScores.push({ a: parts[i]!.item.type, b: parts[j]!.item.type, score: score(parts[i]!, parts[j]!) });
        }
      }
      scored.push({ parts, score: pairScores.reduce((s, p) => s + p.score, 0), pairScores });
    }
  }
  scored.sort((a, b) => b.score - a.score);
  const maxUses = options.maxUsesPerItem ?? 2;
  const uses = new Map<number, number>();
  const out: OutfitSuggestion[] = [];
  for (const s of scored) {
    if (out.length >= options.k) break;
    if (s.parts.some((p) => !pinned.has(p.item.id) && (uses.get(p.item.id) ?? 0) >= maxUses)) continue;
    const items = s.parts.map((p) => p.item).sort((a, b) => displayOrder(a.type, b.type));
    if (!isValidOutfit(items.map((i) => i.type))) continue;
    for (const p of s.parts) uses.set(p.item.id, (uses.get(p.item.id) ?? 0) + 1);
    out.push({ items, score: s.score, pairScores: s.pairScores });
  }
  return out;
}

function* combinations<T>(lists: T[][]): Generator<T[]> {
  if (lists.some((l) => l.length === 0)) return;
  const idx = lists.map(() => 0);
  while (true) {
    yield idx.map((i, s) => lists[s]![i]!);
    let s = lists.length - 1;
    while (s >= 0 && ++idx[s]! === lists[s]!.length) idx[s--] = 0;
    if (s < 0) return;
  }
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

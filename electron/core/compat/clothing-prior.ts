// Outfit data the app may redistribute a model of: the CC0 clothing dataset, where each sender's photos
// are a real wardrobe. Co-ownership is weak evidence of compatibility: a person's top, bottom and shoes
// are worn by one person with one taste. Each sender becomes one "outfit" per template whose slots hold
// all their items of that slot, so training draws a new combination every time. Photos of one sender
// share a floor and a light, which a model could learn instead of taste: negatives therefore swap in
// items from senders whose photos look alike overall (nearest wardrobe means), so "same floor" does not
// separate real from fake.
import type { ClothingPhoto } from '../datasets/clothing-dataset.ts';
import type { Rng } from '../learning/nn/rng.ts';
import type { Slot } from '../outfits/slots.ts';
import { OUTFIT_SLOTS } from '../outfits/slots.ts';
import { garmentTypeOfLabel } from '../heads/labels.ts';
import { slotsOf } from './data.ts';
import type { DataItem, Instance, NegativeSampler, SlottedOutfit } from './data.ts';
import { l2Normalized } from './features.ts';

/** The outfit slot of a kit label (the item heads' garment type); undefined for hats and junk labels. */
export function slotOfLabel(label: string): Slot | undefined {
  const type = garmentTypeOfLabel(label);
  return OUTFIT_SLOTS.find((slot) => slot === type);
}

/** Senders whose photos are not one wardrobe (the dataset's ABOUT.md: a bulk contributor). */
export const NOT_A_WARDROBE = new Set([204]);

export interface WardrobeData {
  items: DataItem[];
  senders: number[];
  outfits: SlottedOutfit[];
}

/** Adults' garments of the outfit slots, one outfit per sender and template it can fill. */
export function clothingWardrobes(photos: readonly (ClothingPhoto & { embedding: Float32Array })[]): WardrobeData {
  const items: DataItem[] = [];
  const senders: number[] = [];
  const bySender = new Map<number, Partial<Record<Slot, number[]>>>();
  for (const p of photos) {
    const slot = slotOfLabel(p.label);
    if (!slot || p.kids || NOT_A_WARDROBE.has(p.senderId)) continue;
    const i = items.push({ slot, embedding: p.embedding }) - 1;
    senders.push(p.senderId);
    const w = bySender.get(p.senderId) ?? bySender.set(p.senderId, {}).get(p.senderId)!;
    (w[slot] ??= []).push(i);
  }
  const outfits: SlottedOutfit[] = [];
  for (const [sender, w] of bySender) {
    if (!w.shoes) continue;
    const extra = w.outerwear ? { outerwear: w.outerwear } : {};
    if (w.top && w.bottom) outfits.push({ id: `${sender}:separates`, items: { top: w.top, bottom: w.bottom, shoes: w.shoes, ...extra } });
    if (w.dress) outfits.push({ id: `${sender}:dress`, items: { dress: w.dress, shoes: w.shoes, ...extra } });
  }
  return { items, senders, outfits };
}

/** Each sender's mean (normalised) embedding: what their photos share, floor and light included. */
export function senderSignatures(data: WardrobeData): Map<number, Float32Array> {
  const sums = new Map<number, { v: Float32Array; n: number }>();
  data.items.forEach((it, i) => {
    const s = data.senders[i]!;
    const e = l2Normalized(it.embedding);
    const acc = sums.get(s) ?? sums.set(s, { v: new Float32Array(e.length), n: 0 }).get(s)!;
    for (let k = 0; k < e.length; k++) acc.v[k]! += e[k]!;
    acc.n++;
  });
  return new Map([...sums].map(([s, { v }]) => [s, l2Normalized(v)]));
}

/**
 * Negatives whose swapped-in items come from the `neighbours` senders whose photos look most alike
 * overall (same kind of floor and light), falling back to any sender when none of them has that slot.
 */
export function matchedSampler(data: WardrobeData, neighbours = 8): NegativeSampler {
  const signatures = senderSignatures(data);
  const senders = [...signatures.keys()];
  const itemsOf = new Map<number, Partial<Record<Slot, number[]>>>();
  data.items.forEach((it, i) => {
    const w = itemsOf.get(data.senders[i]!) ?? itemsOf.set(data.senders[i]!, {}).get(data.senders[i]!)!;
    (w[it.slot] ??= []).push(i);
  });
  const near = new Map<number, number[]>();
  for (const s of senders) {
    const a = signatures.get(s)!;
    const ranked = senders
      .filter((o) => o !== s)
      .map((o) => ({ o, sim: dotProduct(a, signatures.get(o)!) }))
      .sort((x, y) => y.sim - x.sim)
      .map((x) => x.o);
    near.set(s, ranked);
  }
  const pools: Partial<Record<Slot, number[]>> = {};
  data.items.forEach((it, i) => (pools[it.slot] ??= []).push(i));
  // The items of a slot held by the nearest `neighbours` senders that have that slot at all.
  const nearItems = new Map<string, number[]>();
  const candidatesFor = (sender: number, slot: Slot): number[] => {
    const key = `${sender}:${slot}`;
    let list = nearItems.get(key);
    if (!list) {
      list = [];
      let found = 0;
      for (const o of near.get(sender) ?? []) {
        const theirs = itemsOf.get(o)?.[slot];
        if (!theirs) continue;
        list.push(...theirs);
        if (++found >= neighbours) break;
      }
      nearItems.set(key, list);
    }
    return list;
  };
  const pickFor = (sender: number, slot: Slot, rng: Rng, avoid: number | undefined): number | null => {
    const near = candidatesFor(sender, slot);
    const list = near.length ? near : (pools[slot] ?? []);
    if (!list.length) return null;
    let pick = rng.pick(list);
    for (let t = 0; pick === avoid && t < 10; t++) pick = rng.pick(list);
    return pick === avoid ? null : pick;
  };
  const senderOf = (pos: Instance) => data.senders[Object.values(pos)[0]!]!;
  return {
    swap(pos, rng) {
      const slots = slotsOf(pos);
      const slot = rng.pick(slots);
      const pick = pickFor(senderOf(pos), slot, rng, pos[slot]);
      return pick === null ? null : { ...pos, [slot]: pick };
    },
    random(pos, rng) {
      const out: Instance = {};
      for (const slot of slotsOf(pos)) {
        const pick = pickFor(senderOf(pos), slot, rng, undefined);
        if (pick === null) return null;
        out[slot] = pick;
      }
      return out;
    },
  };
}

/** Each sender's outfit repeated by wardrobe size, so an epoch sees every wardrobe about as often as it has items. */
export function repeatByWardrobeSize(outfits: readonly SlottedOutfit[], itemsPerRepeat = 3): SlottedOutfit[] {
  return outfits.flatMap((o) => {
    const n = Object.values(o.items).reduce((s, l) => s + (l?.length ?? 0), 0);
    return Array.from({ length: Math.max(1, Math.round(n / itemsPerRepeat)) }, (_, r) => ({ id: `${o.id}#${r}`, items: o.items }));
  });
}

function dotProduct(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

// Outfit data for training and measuring the compatibility model, independent of where it came from
// (a lookbook, a wardrobe): items with a slot, outfits as the items they hold per slot, and the ways
// negatives are made (one item swapped for another of its slot; every item random).
import type { Rng } from '../learning/nn/rng.ts';
import { OUTFIT_SLOTS, isValidOutfit } from '../outfits/slots.ts';
import type { Slot } from '../outfits/slots.ts';

export interface DataItem {
  slot: Slot;
  embedding: Float32Array;
}

/** An outfit as given: per slot, one or more items (indices into the item list). */
export interface SlottedOutfit {
  id: string;
  items: Partial<Record<Slot, number[]>>;
}

/** One item per slot: what is scored. */
export type Instance = Partial<Record<Slot, number>>;

/** The slots an outfit (as given, or one item per slot) fills. */
export function slotsOf(o: SlottedOutfit | Instance): Slot[] {
  const filled: Partial<Record<Slot, unknown>> = 'id' in o && 'items' in o && typeof o.id === 'string' ? (o as SlottedOutfit).items : (o as Instance);
  return OUTFIT_SLOTS.filter((s) => filled[s] !== undefined);
}

/**
 * Keeps the slots that make a valid outfit from a list of (slot or other role, item index): accessories
 * go; a dress next to a top and a bottom goes (the separates make the outfit); null when nothing valid
 * remains (e.g. no shoes).
 */
export function toSlottedOutfit(id: string, entries: readonly { role: string; index: number }[]): SlottedOutfit | null {
  const items: Partial<Record<Slot, number[]>> = {};
  for (const { role, index } of entries) {
    if (!(OUTFIT_SLOTS as readonly string[]).includes(role)) continue;
    const list = (items[role as Slot] ??= []);
    if (!list.includes(index)) list.push(index);
  }
  if (items.top && items.bottom && items.dress) delete items.dress;
  if (items.dress && (items.top || items.bottom)) {
    delete items.top;
    delete items.bottom;
  }
  const slots = OUTFIT_SLOTS.filter((s) => items[s]);
  return isValidOutfit(slots) ? { id, items } : null;
}

/** The first item of every slot (deterministic, for measuring). */
export function firstInstance(o: SlottedOutfit): Instance {
  const out: Instance = {};
  for (const s of slotsOf(o)) out[s] = o.items[s]![0]!;
  return out;
}

/** A random item of every slot (training sees every combination an outfit offers). */
export function sampleInstance(o: SlottedOutfit, rng: Rng): Instance {
  const out: Instance = {};
  for (const s of slotsOf(o)) out[s] = rng.pick(o.items[s]!);
  return out;
}

export type Pools = Partial<Record<Slot, number[]>>;

/** The distinct items of every slot that appear in the outfits. */
export function poolsOf(outfits: readonly SlottedOutfit[]): Pools {
  const sets = new Map<Slot, Set<number>>();
  for (const o of outfits) for (const s of slotsOf(o)) for (const i of o.items[s]!) (sets.get(s) ?? sets.set(s, new Set()).get(s)!).add(i);
  const pools: Pools = {};
  for (const [s, set] of sets) pools[s] = [...set].sort((a, b) => a - b);
  return pools;
}

/** The outfit with one slot's item replaced by another item of that slot (slot chosen at random). */
export function swapNegative(pos: Instance, pools: Pools, rng: Rng, slot?: Slot): Instance | null {
  const slots = slotsOf(pos).filter((s) => (pools[s]?.length ?? 0) > 1);
  if (!slots.length) return null;
  const s = slot ?? rng.pick(slots);
  const pool = pools[s]!;
  let pick = rng.pick(pool);
  for (let tries = 0; pick === pos[s] && tries < 20; tries++) pick = rng.pick(pool);
  if (pick === pos[s]) return null;
  return { ...pos, [s]: pick };
}

/** An outfit of the same slots with every item drawn at random from its slot's pool. */
export function randomNegative(pos: Instance, pools: Pools, rng: Rng): Instance | null {
  const out: Instance = {};
  for (const s of slotsOf(pos)) {
    const pool = pools[s];
    if (!pool?.length) return null;
    out[s] = rng.pick(pool);
  }
  return out;
}

/** How negatives are made for a real outfit: one item swapped, or every item replaced. */
export interface NegativeSampler {
  swap(pos: Instance, rng: Rng): Instance | null;
  random(pos: Instance, rng: Rng): Instance | null;
}

/** Negatives drawn uniformly from each slot's pool of items. */
export function uniformSampler(pools: Pools): NegativeSampler {
  return { swap: (pos, rng) => swapNegative(pos, pools, rng), random: (pos, rng) => randomNegative(pos, pools, rng) };
}

/**
 * Splits outfits so that no top is in both parts: outfits that share a top are joined (union-find) and
 * whole groups go to one part, chosen by a seeded shuffle until the test part holds `testFraction`.
 * Outfits without a top (dress outfits) are grouped by their dress the same way.
 */
export function splitByTop(outfits: readonly SlottedOutfit[], testFraction: number, rng: Rng): { train: SlottedOutfit[]; test: SlottedOutfit[] } {
  const parent = outfits.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const owner = new Map<string, number>();
  outfits.forEach((o, i) => {
    for (const s of ['top', 'dress'] as const) {
      for (const item of o.items[s] ?? []) {
        const key = `${s}:${item}`;
        const j = owner.get(key);
        if (j === undefined) owner.set(key, i);
        else parent[find(i)] = find(j);
      }
    }
  });
  const groups = new Map<number, number[]>();
  outfits.forEach((_, i) => (groups.get(find(i)) ?? groups.set(find(i), []).get(find(i))!).push(i));
  const order = rng.shuffle([...groups.values()]);
  const target = Math.round(outfits.length * testFraction);
  const test: SlottedOutfit[] = [];
  const train: SlottedOutfit[] = [];
  for (const g of order) {
    // Groups bigger than the whole test part stay in training (they would swallow it).
    const part = test.length < target && g.length <= target - test.length + Math.max(1, target * 0.02) ? test : train;
    for (const i of g) part.push(outfits[i]!);
  }
  return { train, test };
}

// A person's parts of the outfit model (FashionNet stage two + Fashion Hash Net's user term):
//   - a copy of some pair networks, fine-tuned from the general weights (the features stay frozen);
//   - a user vector per slot over the item features: item term = u_slot . z(item), the person's
//     preference for an item whatever it is worn with.
// Serialised to one blob (a JSON header + float32 tensors) that a library stores per version.
import type { CompatModel, PairNetwork, PersonalCompat } from '../compat/model.ts';
import type { PairKey, Slot } from '../outfits/slots.ts';
import { logSigmoid, userFeatures } from './finetune.ts';

/** How much the person's item preferences weigh against the general pair scores. */
export const USER_TERM_WEIGHT = 4;

export interface PersonalParams {
  /** Fine-tuned copies, keyed by pair; absent pairs use the general network. */
  pairs: Map<PairKey, PairNetwork>;
  /** Per slot, a logistic unit over the item features (userFeatures): one weight per feature, then a bias. */
  user: Map<Slot, Float32Array>;
  /** Identifies these weights for caches. */
  id: string;
}

/** The user term's logit for an item: P(the person would wear it) = sigmoid(logit); null for a slot not learned. */
export function userLogit(p: PersonalParams, slot: Slot, features: Float32Array): number | null {
  const u = p.user.get(slot);
  if (!u) return null;
  let s = u[features.length]!;
  for (let i = 0; i < features.length; i++) s += u[i]! * features[i]!;
  return s;
}

/** The person's parts as the outfit model's extension point expects them. */
export function toPersonalCompat(_model: CompatModel, p: PersonalParams): PersonalCompat {
  const z = new WeakMap<Float32Array, Float32Array>();
  const featuresOf = (e: Float32Array) => z.get(e) ?? z.set(e, userFeatures(e)).get(e)!;
  return {
    id: p.id,
    pairs: p.pairs,
    itemTerm: (slot, embedding) => {
      const s = userLogit(p, slot, featuresOf(embedding));
      // log P(the person likes this item), weighted to outrank the general compatibility where sure.
      return s === null ? 0 : USER_TERM_WEIGHT * logSigmoid(s);
    },
    itemProbability: (slot, embedding) => {
      const s = userLogit(p, slot, featuresOf(embedding));
      return s === null ? null : 1 / (1 + Math.exp(-s));
    },
  };
}

interface BlobHeader {
  format: 'stylist-person/1';
  modelId: string;
  tensors: { name: string; length: number }[];
}

export function serializePersonal(p: PersonalParams, modelId: string): Buffer {
  const tensors: { name: string; value: Float32Array }[] = [];
  for (const [key, net] of p.pairs) for (const param of net.params()) tensors.push({ name: `pair:${key}:${param.name}`, value: param.value });
  for (const [slot, u] of p.user) tensors.push({ name: `user:${slot}`, value: u });
  const header: BlobHeader = { format: 'stylist-person/1', modelId, tensors: tensors.map((t) => ({ name: t.name, length: t.value.length })) };
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  const pad = Buffer.alloc((4 - ((4 + json.length) % 4)) % 4);
  return Buffer.concat([len, json, pad, ...tensors.map((t) => Buffer.from(t.value.buffer, t.value.byteOffset, t.value.byteLength))]);
}

/**
 * Reads a stored version against the current general model. Pair tensors that do not fit the model (a
 * different house style was taught since) are dropped: the user vectors still apply where their size fits.
 */
export function deserializePersonal(blob: Buffer, model: CompatModel, id: string): PersonalParams {
  const jsonLength = blob.readUInt32LE(0);
  const header = JSON.parse(blob.subarray(4, 4 + jsonLength).toString('utf8')) as BlobHeader;
  if (header.format !== 'stylist-person/1') throw new Error(`not a person model (${String(header.format)})`);
  let offset = 4 + jsonLength + ((4 - ((4 + jsonLength) % 4)) % 4);
  const values = new Map<string, Float32Array>();
  for (const t of header.tensors) {
    const bytes = blob.subarray(offset, offset + t.length * 4);
    values.set(t.name, new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
    offset += t.length * 4;
  }
  const sameModel = header.modelId === model.id;
  const pairs = new Map<PairKey, PairNetwork>();
  if (sameModel) {
    for (const [key, general] of model.pairs) {
      const copy = general.clone();
      const params = copy.params();
      if (!params.every((p) => values.get(`pair:${key}:${p.name}`)?.length === p.value.length)) continue;
      params.forEach((p) => p.value.set(values.get(`pair:${key}:${p.name}`)!));
      pairs.set(key, copy);
    }
  }
  const user = new Map<Slot, Float32Array>();
  for (const [name, v] of values) if (name.startsWith('user:') && v.length === model.transform.pca.dim + 1) user.set(name.slice(5) as Slot, v);
  return { pairs, user, id };
}

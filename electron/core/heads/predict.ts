// What the heads' outputs mean for one item: its garment type with a confidence, its fine label, and one
// binary code per garment type (the item's code is the one of its type; keeping all of them lets a
// person's correction of the type switch the code without running a model).
import type { GarmentType } from '../../../shared/api.ts';
import { COARSE_INDEX_OF_FINE, COARSE_TYPES, FINE_LABELS, argmax } from './labels.ts';
import { packSigns } from './hamming.ts';

/** One item's raw head outputs, as the backbone worker returns them. */
export interface HeadsRaw {
  fine: Float32Array;
  coarse: Float32Array;
  hash: Float32Array;
}

export interface HeadsPrediction {
  type: GarmentType;
  typeConfidence: number;
  /** The most likely fine label within the predicted type; null when the type is 'unknown'. */
  fineLabel: string | null;
  fineConfidence: number | null;
  /** Code of the predicted type (bits / 8 bytes). */
  code: Uint8Array;
  /** Codes of every type, concatenated in COARSE_TYPES order. */
  codes: Uint8Array;
}

export function readHeads(raw: HeadsRaw): HeadsPrediction {
  const typeIndex = argmax(raw.coarse);
  const type = COARSE_TYPES[typeIndex]!;
  let fine = -1;
  for (let f = 0; f < FINE_LABELS.length; f++) {
    if (COARSE_INDEX_OF_FINE[f] === typeIndex && (fine < 0 || raw.fine[f]! > raw.fine[fine]!)) fine = f;
  }
  const bits = raw.hash.length / COARSE_TYPES.length;
  const codes = new Uint8Array(raw.hash.length / 8);
  for (let t = 0; t < COARSE_TYPES.length; t++) codes.set(packSigns(raw.hash, bits, t * bits), (t * bits) / 8);
  const unknown = type === 'unknown';
  return {
    type,
    typeConfidence: round(raw.coarse[typeIndex]!),
    fineLabel: unknown || fine < 0 ? null : FINE_LABELS[fine]!,
    fineConfidence: unknown || fine < 0 ? null : round(raw.fine[fine]!),
    code: codeForType(codes, type),
    codes,
  };
}

/** The code of one type out of the concatenated codes of all types. */
export function codeForType(codes: Uint8Array, type: GarmentType): Uint8Array {
  const bytes = codes.length / COARSE_TYPES.length;
  const t = COARSE_TYPES.indexOf(type);
  return codes.slice(t * bytes, (t + 1) * bytes);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Splits flat outputs for `count` items into one HeadsRaw per item (copies). */
export function splitHeads(flat: { fine: Float32Array; coarse: Float32Array; hash: Float32Array }, count: number): HeadsRaw[] {
  const part = (a: Float32Array, i: number) => {
    const d = a.length / count;
    return a.slice(i * d, (i + 1) * d);
  };
  return Array.from({ length: count }, (_, i) => ({ fine: part(flat.fine, i), coarse: part(flat.coarse, i), hash: part(flat.hash, i) }));
}

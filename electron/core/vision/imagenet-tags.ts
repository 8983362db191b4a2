// What the ImageNet classifier says about a photo: its top classes as tags, and a garment-type guess from
// the clothing classes among them. The guess is a prior used until a trained type head is available.
import type { GarmentType } from '../../../shared/api.ts';

/** ImageNet class names (first synonym) that name a garment, by the app's garment type. */
const CLASS_TYPES: Record<string, GarmentType> = {
  'jersey': 'top', 'sweatshirt': 'top', 'cardigan': 'top', 'brassiere': 'top', 'maillot': 'top', 'bulletproof vest': 'top',
  'jean': 'bottom', 'miniskirt': 'bottom', 'overskirt': 'bottom', 'hoopskirt': 'bottom', 'sarong': 'bottom', 'swimming trunks': 'bottom',
  'running shoe': 'shoes', 'Loafer': 'shoes', 'sandal': 'shoes', 'clog': 'shoes', 'cowboy boot': 'shoes', 'sock': 'shoes',
  'gown': 'dress', 'abaya': 'dress', 'kimono': 'dress', 'academic gown': 'dress', 'overall': 'dress',
  'trench coat': 'outerwear', 'fur coat': 'outerwear', 'lab coat': 'outerwear', 'poncho': 'outerwear', 'suit': 'outerwear', 'cloak': 'outerwear',
  'cowboy hat': 'accessory', 'sombrero': 'accessory', 'bonnet': 'accessory', 'bathing cap': 'accessory', 'shower cap': 'accessory',
  'mitten': 'accessory', 'stole': 'accessory', 'bow tie': 'accessory', 'Windsor tie': 'accessory', 'bolo tie': 'accessory',
  'sunglasses': 'accessory', 'purse': 'accessory', 'backpack': 'accessory', 'wallet': 'accessory', 'mailbag': 'accessory',
};

export interface ImagenetReading {
  tags: { label: string; p: number }[];
  type: GarmentType;
  confidence: number;
}

export function shortLabel(label: string): string {
  return label.split(',')[0]!.trim();
}

export function readImagenet(probs: Float32Array, labels: readonly string[], topK = 5): ImagenetReading {
  const tags = topClasses(probs, topK).map((i) => ({ label: shortLabel(labels[i] ?? `class ${i}`), p: round(probs[i]!) }));
  const types = classTypes(labels);
  const mass = new Map<GarmentType, number>();
  let clothing = 0;
  probs.forEach((p, i) => {
    const type = types[i];
    if (!type) return;
    mass.set(type, (mass.get(type) ?? 0) + p);
    clothing += p;
  });
  let type: GarmentType = 'unknown';
  let best = 0;
  for (const [t, m] of mass) if (m > best) { best = m; type = t; }
  // Below a fifth of the mass on clothing at all, the guess is noise: leave it to the person.
  if (clothing < 0.2) return { tags, type: 'unknown', confidence: round(1 - clothing) };
  return { tags, type, confidence: round(best / clothing) };
}

/** The k most probable classes, most probable first; of equal ones, the lower index first (as a stable sort). */
function topClasses(probs: Float32Array, k: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < probs.length; i++) {
    if (top.length === k && probs[i]! <= probs[top[k - 1]!]!) continue;
    let at = Math.min(top.length, k - 1);
    while (at > 0 && probs[i]! > probs[top[at - 1]!]!) at--;
    top.splice(at, 0, i);
    if (top.length > k) top.pop();
  }
  return top;
}

/** Each class's garment type (or undefined), per label list: looked up once, not for every photo. */
const typesByLabels = new WeakMap<readonly string[], (GarmentType | undefined)[]>();
function classTypes(labels: readonly string[]): (GarmentType | undefined)[] {
  let types = typesByLabels.get(labels);
  if (!types) {
    types = labels.map((label) => CLASS_TYPES[shortLabel(label)]);
    typesByLabels.set(labels, types);
  }
  return types;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

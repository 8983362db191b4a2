// Dominant colours of a garment photo: a few k-means clusters over a small sample, named with the nearest
// entry of a short palette of colour words a stylist would use. Light near-white and pale-grey pixels at the
// border are usually the floor or the wall, so clusters touching mostly the border are down-weighted.
export interface NamedColor {
  hex: string;
  name: string;
  share: number;
}

const PALETTE: readonly [string, number, number, number][] = [
  ['black', 20, 20, 20], ['white', 245, 245, 245], ['grey', 128, 128, 128], ['light grey', 200, 200, 200],
  ['navy', 30, 40, 90], ['blue', 40, 90, 200], ['light blue', 150, 190, 230], ['teal', 0, 128, 128],
  ['green', 40, 140, 60], ['olive', 110, 110, 40], ['yellow', 240, 210, 50], ['orange', 240, 140, 30],
  ['red', 200, 30, 40], ['burgundy', 110, 20, 40], ['pink', 240, 150, 180], ['purple', 120, 60, 150],
  ['brown', 110, 70, 40], ['beige', 220, 200, 160], ['khaki', 190, 170, 110],
];

export function dominantColors(rgb: Uint8Array, sampleSide: number, k = 4): NamedColor[] {
  const n = rgb.length / 3;
  const weights = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const x = i % sampleSide;
    const y = Math.floor(i / sampleSide);
    const border = Math.min(x, y, sampleSide - 1 - x, sampleSide - 1 - y) < sampleSide / 8;
    weights[i] = border ? 0.25 : 1;
  }
  // Deterministic k-means seeded with evenly spaced pixels (same photo, same colours).
  const centers: number[][] = [];
  for (let c = 0; c < k; c++) {
    const p = Math.floor(((c + 0.5) / k) * n);
    centers.push([rgb[p * 3]!, rgb[p * 3 + 1]!, rgb[p * 3 + 2]!]);
  }
  const assign = new Int32Array(n);
  for (let iter = 0; iter < 8; iter++) {
    const sums = centers.map(() => [0, 0, 0, 0]);
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const ctr = centers[c]!;
        const d = (rgb[i * 3]! - ctr[0]!) ** 2 + (rgb[i * 3 + 1]! - ctr[1]!) ** 2 + (rgb[i * 3 + 2]! - ctr[2]!) ** 2;
        if (d < bestD) { bestD = d; best = c; }
      }
      assign[i] = best;
      const s = sums[best]!;
      const w = weights[i]!;
      s[0]! += rgb[i * 3]! * w; s[1]! += rgb[i * 3 + 1]! * w; s[2]! += rgb[i * 3 + 2]! * w; s[3]! += w;
    }
    sums.forEach((s, c) => { if (s[3]! > 0) centers[c] = [s[0]! / s[3]!, s[1]! / s[3]!, s[2]! / s[3]!]; });
  }
  const mass = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i++) { mass[assign[i]!]! += weights[i]!; total += weights[i]!; }
  const byName = new Map<string, NamedColor>();
  centers.forEach((ctr, c) => {
    const share = mass[c]! / total;
    if (share < 0.05) return;
    const name = nearestColorName(ctr[0]!, ctr[1]!, ctr[2]!);
    const prev = byName.get(name);
    if (prev) prev.share += share;
    else byName.set(name, { hex: toHex(ctr), name, share });
  });
  return [...byName.values()].sort((a, b) => b.share - a.share).map((c) => ({ ...c, share: Math.round(c.share * 100) / 100 }));
}

export function nearestColorName(r: number, g: number, b: number): string {
  let best = PALETTE[0]![0];
  let bestD = Infinity;
  for (const [name, pr, pg, pb] of PALETTE) {
    // Weighted RGB distance ("redmean"), close enough to perceptual for naming.
    const rm = (r + pr) / 2;
    const d = (2 + rm / 256) * (r - pr) ** 2 + 4 * (g - pg) ** 2 + (2 + (255 - rm) / 256) * (b - pb) ** 2;
    if (d < bestD) { bestD = d; best = name; }
  }
  return best;
}

function toHex(c: number[]): string {
  return '#' + c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
}

// Dominant colours of a garment photo, named with the nearest entry of a short palette of colour words a
// stylist would use. Garments are photographed on a floor, a bed or a wall that fills the edges of the frame
// and goes on behind the garment: the colours that make up much of the outer ring are taken for the
// background, every pixel close to one of them is left out, and k-means runs over what remains (unless almost
// nothing remains: a close-up keeps everything). Blue jeans on a white floor are "denim", not "white, blue".
export interface NamedColor {
  hex: string;
  name: string;
  share: number;
}

const PALETTE: readonly [string, number, number, number][] = [
  ['black', 20, 20, 20], ['white', 245, 245, 245], ['grey', 128, 128, 128], ['light grey', 200, 200, 200],
  ['navy', 30, 40, 90], ['blue', 40, 90, 200], ['denim', 80, 115, 160], ['light blue', 150, 190, 230], ['teal', 0, 128, 128],
  ['green', 40, 140, 60], ['olive', 110, 110, 40], ['yellow', 240, 210, 50], ['orange', 240, 140, 30],
  ['red', 200, 30, 40], ['burgundy', 110, 20, 40], ['pink', 240, 150, 180], ['purple', 120, 60, 150],
  ['brown', 110, 70, 40], ['beige', 220, 200, 160], ['khaki', 190, 170, 110],
];

/** Width of the outer ring, as a fraction of the side (1/8 of each edge: about 44% of the pixels). */
const RING = 1 / 8;
/** A ring colour is background when it covers at least this share of the ring (a garment reaching the edges covers less). */
const BACKGROUND_RING_SHARE = 0.25;
/** CIELAB distance under which a pixel counts as background colour. */
const BACKGROUND_DELTA_E = 14;
/** Below this share of garment pixels, the photo is taken for a close-up and every pixel counts. */
const MIN_GARMENT_SHARE = 0.1;
const MIN_SHARE = 0.06;

export function dominantColors(rgb: Uint8Array, sampleSide: number, k = 4): NamedColor[] {
  const n = rgb.length / 3;
  const all = Array.from({ length: n }, (_, i) => i);
  const ring = all.filter((i) => {
    const x = i % sampleSide;
    const y = Math.floor(i / sampleSide);
    return Math.min(x, y, sampleSide - 1 - x, sampleSide - 1 - y) < sampleSide * RING;
  });
  const ringClusters = kMeans(rgb, ring, 3);
  const background = ringClusters.centers.filter((_, c) => ringClusters.sizes[c]! >= BACKGROUND_RING_SHARE * ring.length).map(([r, g, b]) => toLab(r!, g!, b!));
  const isBackground = (i: number) => {
    const lab = toLab(rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!);
    return background.some((bg) => (lab.l - bg.l) ** 2 + (lab.a - bg.a) ** 2 + (lab.b - bg.b) ** 2 < BACKGROUND_DELTA_E ** 2);
  };
  const garment = all.filter((i) => !isBackground(i));
  const { centers, sizes } = kMeans(rgb, garment.length >= MIN_GARMENT_SHARE * n ? garment : all, k);
  const total = sizes.reduce((a, b) => a + b, 0);
  const byName = new Map<string, NamedColor>();
  centers.forEach((ctr, c) => {
    const share = sizes[c]! / total;
    if (share < MIN_SHARE) return;
    const name = nearestColorName(ctr[0]!, ctr[1]!, ctr[2]!);
    const prev = byName.get(name);
    if (prev) prev.share += share;
    else byName.set(name, { hex: toHex(ctr), name, share });
  });
  return [...byName.values()].sort((a, b) => b.share - a.share).map((c) => ({ ...c, share: Math.round(c.share * 100) / 100 }));
}

/** Deterministic k-means over the given pixels (seeded with evenly spaced ones: the same photo, the same colours). */
function kMeans(rgb: Uint8Array, pixels: readonly number[], k: number): { centers: number[][]; sizes: number[] } {
  const centers: number[][] = [];
  for (let c = 0; c < k; c++) {
    const p = pixels[Math.floor(((c + 0.5) / k) * pixels.length)]!;
    centers.push([rgb[p * 3]!, rgb[p * 3 + 1]!, rgb[p * 3 + 2]!]);
  }
  let sizes = centers.map(() => 0);
  for (let iter = 0; iter < 8; iter++) {
    const sums = centers.map(() => [0, 0, 0, 0]);
    for (const i of pixels) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const ctr = centers[c]!;
        const d = (rgb[i * 3]! - ctr[0]!) ** 2 + (rgb[i * 3 + 1]! - ctr[1]!) ** 2 + (rgb[i * 3 + 2]! - ctr[2]!) ** 2;
        if (d < bestD) { bestD = d; best = c; }
      }
      const s = sums[best]!;
      s[0]! += rgb[i * 3]!; s[1]! += rgb[i * 3 + 1]!; s[2]! += rgb[i * 3 + 2]!; s[3]!++;
    }
    sums.forEach((s, c) => { if (s[3]! > 0) centers[c] = [s[0]! / s[3]!, s[1]! / s[3]!, s[2]! / s[3]!]; });
    sizes = sums.map((s) => s[3]!);
  }
  return { centers, sizes };
}

export function nearestColorName(r: number, g: number, b: number): string {
  const lab = toLab(r, g, b);
  let best = PALETTE_LAB[0]!.name;
  let bestD = Infinity;
  for (const { name, l, a, b: bb } of PALETTE_LAB) {
    // Distance in CIELAB (1976): equal steps look about equally different, unlike RGB.
    const d = (lab.l - l) ** 2 + (lab.a - a) ** 2 + (lab.b - bb) ** 2;
    if (d < bestD) { bestD = d; best = name; }
  }
  return best;
}

/** sRGB (0-255) to CIELAB under D65. */
function toLab(r: number, g: number, b: number): { l: number; a: number; b: number } {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const [R, G, B] = [lin(r), lin(g), lin(b)];
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const x = f((0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047);
  const y = f(0.2126 * R + 0.7152 * G + 0.0722 * B);
  const z = f((0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883);
  return { l: 116 * y - 16, a: 500 * (x - y), b: 200 * (y - z) };
}

const PALETTE_LAB = PALETTE.map(([name, r, g, b]) => ({ name, ...toLab(r, g, b) }));

function toHex(c: number[]): string {
  return '#' + c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
}

// Garments drawn as SVG and rendered by sharp: the library the README's screenshots show (kit photos may not
// be copied into the repo) and the 5,000-item wardrobe of the speed test.
import sharp from 'sharp';
import type { GarmentType } from '../../shared/api.ts';

const SHAPES: Partial<Record<GarmentType, string[]>> = {
  top: [
    // T-shirt
    '<path d="M70 50 L112 34 Q130 58 148 34 L190 50 L236 104 L198 128 L192 300 L68 300 L62 128 L24 104 Z" fill="FILL"/><path d="M112 34 Q130 58 148 34" fill="none" stroke="SHADE" stroke-width="6"/>',
    // Long-sleeve with a placket
    '<path d="M74 46 L114 32 L146 32 L186 46 L232 250 L204 258 L186 120 L188 300 L72 300 L74 120 L56 258 L28 250 Z" fill="FILL"/><path d="M130 36 L130 300" stroke="SHADE" stroke-width="4"/><circle cx="130" cy="90" r="4" fill="SHADE"/><circle cx="130" cy="140" r="4" fill="SHADE"/><circle cx="130" cy="190" r="4" fill="SHADE"/>',
    // Knit jumper with ribbing
    '<path d="M70 52 L110 38 Q130 50 150 38 L190 52 L230 240 L200 250 L186 130 L190 296 L70 296 L74 130 L60 250 L30 240 Z" fill="FILL"/><path d="M70 280 L190 280" stroke="SHADE" stroke-width="10"/><path d="M110 38 Q130 62 150 38" fill="none" stroke="SHADE" stroke-width="8"/>',
  ],
  bottom: [
    // Trousers
    '<path d="M78 30 L182 30 L196 306 L146 306 L130 118 L114 306 L64 306 Z" fill="FILL"/><path d="M78 46 L182 46" stroke="SHADE" stroke-width="6"/>',
    // Skirt
    '<path d="M92 40 L168 40 L214 282 Q130 300 46 282 Z" fill="FILL"/><path d="M92 56 L168 56" stroke="SHADE" stroke-width="8"/>',
    // Shorts
    '<path d="M70 70 L190 70 L206 232 L144 236 L130 150 L116 236 L54 232 Z" fill="FILL"/><path d="M70 86 L190 86" stroke="SHADE" stroke-width="6"/>',
  ],
  shoes: [
    // Trainer
    '<path d="M28 210 Q40 150 92 156 L150 178 Q200 186 226 214 L230 244 L28 244 Z" fill="FILL"/><path d="M28 234 L230 234" stroke="SHADE" stroke-width="12"/><path d="M100 170 L132 186 M110 162 L142 178" stroke="SHADE" stroke-width="4"/>',
    // Ankle boot
    '<path d="M70 96 L132 96 L138 196 Q200 200 222 226 L224 250 L62 250 Z" fill="FILL"/><path d="M62 240 L224 240" stroke="SHADE" stroke-width="12"/>',
  ],
  dress: [
    '<path d="M104 30 L156 30 L162 92 L196 118 L226 296 Q130 312 34 296 L64 118 L98 92 Z" fill="FILL"/><path d="M98 110 Q130 124 162 110" fill="none" stroke="SHADE" stroke-width="6"/>',
  ],
  outerwear: [
    '<path d="M68 40 L112 28 L130 60 L148 28 L192 40 L236 280 L204 288 L190 140 L194 306 L66 306 L70 140 L56 288 L24 280 Z" fill="FILL"/><path d="M130 60 L130 306" stroke="SHADE" stroke-width="5"/><path d="M112 28 L130 120 L148 28" fill="none" stroke="SHADE" stroke-width="5"/>',
  ],
};

export const DRAWN_TYPES = Object.keys(SHAPES) as GarmentType[];

/** A colour and a darker shade of it. */
export const PALETTE: { name: string; fill: string; shade: string }[] = [
  { name: 'navy', fill: '#243b6b', shade: '#16264a' },
  { name: 'cream', fill: '#eee3cc', shade: '#cbbd9d' },
  { name: 'olive', fill: '#6b7336', shade: '#4b5124' },
  { name: 'rust', fill: '#b5532c', shade: '#86391b' },
  { name: 'black', fill: '#25252a', shade: '#0f0f12' },
  { name: 'denim', fill: '#4f6f9c', shade: '#39557c' },
  { name: 'blush', fill: '#e7aeb0', shade: '#c88487' },
  { name: 'camel', fill: '#c19a6b', shade: '#9c784d' },
  { name: 'forest', fill: '#2f5a44', shade: '#1e3d2d' },
  { name: 'white', fill: '#f7f7f4', shade: '#d8d8d2' },
];

export function garmentSvg(type: GarmentType, variant: number, color: (typeof PALETTE)[number]): string {
  const shapes = SHAPES[type] ?? SHAPES.top!;
  const shape = shapes[variant % shapes.length]!.replaceAll('FILL', color.fill).replaceAll('SHADE', color.shade);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="260" height="340"><rect width="260" height="340" fill="#f2f0ec"/>${shape}</svg>`;
}

/** The drawing as a JPEG photo (what a person would import). */
export function drawnJpeg(type: GarmentType, variant: number, color: (typeof PALETTE)[number]): Promise<Buffer> {
  return sharp(Buffer.from(garmentSvg(type, variant, color))).jpeg({ quality: 90 }).toBuffer();
}

/** The drawing as a library thumbnail (WebP), for libraries built without the import pipeline. */
export function drawnThumb(type: GarmentType, variant: number, color: (typeof PALETTE)[number]): Promise<Buffer> {
  return sharp(Buffer.from(garmentSvg(type, variant, color))).resize(192).webp({ quality: 80 }).toBuffer();
}

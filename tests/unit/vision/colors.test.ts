// Colour names leave the background out: the floor or bed a garment lies on fills the edges of the photo.
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { dominantColors, nearestColorName } from '../../../electron/core/vision/colors.ts';
import { CLOTHING_DIR, requireKit } from '../../helpers/kit.ts';

const SIDE = 32;

/** A SIDE x SIDE RGB sample: `background` everywhere, `garment` over the middle rectangle [from, to). */
function sample(background: number[], garment: number[], from = 8, to = 24): Uint8Array {
  const rgb = new Uint8Array(SIDE * SIDE * 3);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const inside = x >= from && x < to && y >= from - 6 && y < to + 6;
      rgb.set(inside ? garment : background, (y * SIDE + x) * 3);
    }
  }
  return rgb;
}

async function kitSample(image: string): Promise<Uint8Array> {
  requireKit();
  const file = path.join(CLOTHING_DIR, 'images', `${image}.jpg`);
  return sharp(file).rotate().removeAlpha().resize(SIDE, SIDE, { fit: 'fill' }).raw().toBuffer();
}

describe('colour names', () => {
  it('name the garment, not the white floor around it', () => {
    const colors = dominantColors(sample([245, 245, 242], [40, 90, 200]), SIDE);
    expect(colors[0]).toMatchObject({ name: 'blue', share: 1 });
    expect(colors.map((c) => c.name)).not.toContain('white');
  });

  it('keep every pixel of a close-up that fills the frame', () => {
    expect(dominantColors(sample([200, 30, 40], [200, 30, 40]), SIDE).map((c) => c.name)).toEqual(['red']);
  });

  it('keep a garment the same colour family as a differently lit background apart from it', () => {
    const names = dominantColors(sample([150, 110, 70], [20, 20, 20]), SIDE).map((c) => c.name);
    expect(names[0]).toBe('black');
    expect(names).not.toContain('brown');
  });

  it('name kit photos by their garments: light jeans on a grey floor, a black boot on a wooden one', async () => {
    const jeans = (dominantColors(await kitSample('97074b7f-706a-4c17-b875-bd9baa5bed0e'), SIDE)).map((c) => c.name);
    expect(['denim', 'light blue']).toContain(jeans[0]);
    expect(jeans).not.toContain('grey');
    const boot = dominantColors(await kitSample('3b86d877-2b9e-4c8b-a6a2-1d87513309d0'), SIDE).map((c) => c.name);
    expect(boot[0]).toBe('black');
    expect(boot).not.toContain('khaki');
    const top = dominantColors(await kitSample('ea7b6656-3f84-4eb3-9099-23e623fc1018'), SIDE);
    expect(top[0]).toMatchObject({ name: 'burgundy' });
    expect(top[0]!.share).toBeGreaterThan(0.8);
  });

  it('use perceptual distance: mid blue-grey denim is denim, not grey', () => {
    expect(nearestColorName(90, 140, 180)).toBe('denim');
    expect(nearestColorName(128, 128, 128)).toBe('grey');
    expect(nearestColorName(25, 30, 60)).toBe('navy');
  });

  it('are the same for the same photo', () => {
    const rgb = sample([230, 220, 200], [110, 20, 40]);
    expect(dominantColors(rgb, SIDE)).toEqual(dominantColors(rgb, SIDE));
  });
});

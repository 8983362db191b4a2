// What one decode gives the import: the model input decodeModelInput gives, a WebP thumbnail within 320 px,
// and, for a phone-sized photo (pre-shrunk on load), the photo's own size with a model input and a colour
// sample close to those of a full-size decode; the colour sample is the model input averaged in blocks.
import fs from 'node:fs';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { COLOR_SAMPLE_SIDE, MODEL_INPUT_SIZE, colorSampleOf, decodeImage, decodeModelInput } from '../../../electron/core/vision/decode.ts';
import { clothingPhotos } from '../../helpers/kit.ts';

let jpeg: Buffer;

beforeAll(() => {
  jpeg = fs.readFileSync(clothingPhotos().find((p) => p.label === 'Dress')!.file);
});

describe('decodeImage outputs', () => {
  it('gives the same model input as decodeModelInput, and a WebP thumbnail within 320 px', async () => {
    const d = await decodeImage(jpeg);
    expect(Buffer.compare(d.modelInput, await decodeModelInput(jpeg))).toBe(0);
    const thumb = await sharp(d.thumbnail).metadata();
    expect(thumb.format).toBe('webp');
    expect(Math.max(thumb.width!, thumb.height!)).toBe(320);
    expect(thumb.width! / thumb.height!).toBeCloseTo(d.width / d.height, 1);
  });

  it('makes the colour sample from the model input: each pixel the mean of a 7x7 block', async () => {
    const d = await decodeImage(jpeg);
    const block = MODEL_INPUT_SIZE / COLOR_SAMPLE_SIDE;
    for (const [sy, sx] of [[0, 0], [13, 21], [COLOR_SAMPLE_SIDE - 1, COLOR_SAMPLE_SIDE - 1]] as const) {
      for (let ch = 0; ch < 3; ch++) {
        let sum = 0;
        for (let y = 0; y < block; y++) for (let x = 0; x < block; x++) sum += d.modelInput[((sy * block + y) * MODEL_INPUT_SIZE + sx * block + x) * 3 + ch]!;
        expect(d.colorSample[(sy * COLOR_SAMPLE_SIDE + sx) * 3 + ch]).toBe(Math.round(sum / block ** 2));
      }
    }
  });

  it('pre-shrinks a 12 MP photo yet reports its own upright size and nearly the full-size model input', async () => {
    const big = await sharp(jpeg).resize(4032, 3024, { fit: 'fill' }).withMetadata({ orientation: 6 }).jpeg({ quality: 92 }).toBuffer();
    const d = await decodeImage(big);
    expect([d.width, d.height]).toEqual([3024, 4032]);
    // The model input the full-size photo gives, resized straight from all its pixels.
    const pixels = await sharp(big).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const fromFull = (side: number) => sharp(pixels.data, { raw: pixels.info }).resize(side, side, { fit: 'fill' }).raw().toBuffer();
    const meanDiff = (a: Uint8Array, b: Uint8Array) => a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0) / a.length;
    const fullModelInput = await fromFull(MODEL_INPUT_SIZE);
    expect(meanDiff(fullModelInput, d.modelInput)).toBeLessThan(1);
    expect(meanDiff(colorSampleOf(fullModelInput), d.colorSample)).toBeLessThan(1);
  });
});

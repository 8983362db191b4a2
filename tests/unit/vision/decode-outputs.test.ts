// What one decode gives the import: the model input decodeModelInput gives, no thumbnail for a photo small
// enough to be its own and otherwise a WebP thumbnail within 320 px,
// and, for a phone-sized photo (pre-shrunk on load), the photo's own size with a model input and a colour
// sample close to those of a full-size decode; the colour sample is the model input averaged in blocks.
import fs from 'node:fs';
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { COLOR_SAMPLE_SIDE, MODEL_INPUT_SIZE, OWN_THUMBNAIL_MAX_BYTES, colorSampleOf, decodeImage, decodeModelInput, makeThumbnail } from '../../../electron/core/vision/decode.ts';
import { clothingPhotos } from '../../helpers/kit.ts';

let jpeg: Buffer;

beforeAll(() => {
  jpeg = fs.readFileSync(clothingPhotos().find((p) => p.label === 'Dress')!.file);
});

describe('decodeImage outputs', () => {
  it('shows a small, upright, opaque JPEG as its own thumbnail, with the model input decodeModelInput gives', async () => {
    expect(jpeg.length).toBeLessThanOrEqual(OWN_THUMBNAIL_MAX_BYTES);
    const d = await decodeImage(jpeg);
    expect(d.thumbnail).toBeNull();
    expect(Buffer.compare(d.modelInput, await decodeModelInput(jpeg))).toBe(0);
    expect(await makeThumbnail(jpeg)).toBeNull();
  });

  // Straight from the file and from decoded pixels, libvips resamples along two paths that round a few values
  // differently at 320 px (at 224 they were bit-identical): at most 2 levels, well under 1% of the values.
  const nearlyEqual = (a: Buffer, b: Buffer) => {
    expect(a.length).toBe(b.length);
    let differ = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i]! - b[i]!);
      expect(d).toBeLessThanOrEqual(2);
      if (d) differ++;
    }
    expect(differ / a.length).toBeLessThan(0.01);
  };

  it('gives the model input of a full decode whichever way it reads the photo (straight from the file or from decoded pixels)', async () => {
    const pixels = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    const fromPixels = await sharp(pixels.data, { raw: pixels.info }).resize(MODEL_INPUT_SIZE, MODEL_INPUT_SIZE, { fit: 'fill' }).raw().toBuffer();
    nearlyEqual((await decodeImage(jpeg)).modelInput, fromPixels);
    // Over the size limit for its own thumbnail: decoded once, both outputs from those pixels.
    const heavy = await sharp(jpeg).png().toBuffer();
    const heavyPixels = await sharp(heavy).raw().toBuffer({ resolveWithObject: true });
    const d = await decodeImage(heavy);
    expect(d.thumbnail).not.toBeNull();
    const heavyFromPixels = await sharp(heavyPixels.data, { raw: heavyPixels.info }).resize(MODEL_INPUT_SIZE, MODEL_INPUT_SIZE, { fit: 'fill' }).raw().toBuffer();
    nearlyEqual(d.modelInput, heavyFromPixels);
    // decodeModelInput reads it the same way, so the bytes are exactly those of the import.
    expect(Buffer.compare(d.modelInput, await decodeModelInput(heavy))).toBe(0);
  });

  it.each([
    ['too many bytes', (s: Sharp) => s.png()],
    ['too large', (s: Sharp) => s.resize(800, 1068).jpeg({ quality: 50 })],
    ['turned by EXIF', (s: Sharp) => s.jpeg().withMetadata({ orientation: 6 })],
    ['with alpha', (s: Sharp) => s.ensureAlpha(0.5).webp()],
    ['a format a page may not show', (s: Sharp) => s.avif({ effort: 0 })],
  ])('makes a WebP thumbnail within 320 px for a photo %s', async (_, encode) => {
    const bytes = await encode(sharp(jpeg)).toBuffer();
    const d = await decodeImage(bytes);
    expect(d.thumbnail).not.toBeNull();
    const thumb = await sharp(d.thumbnail!).metadata();
    expect(thumb.format).toBe('webp');
    expect(Math.max(thumb.width!, thumb.height!)).toBe(320);
    expect(thumb.width! / thumb.height!).toBeCloseTo(d.width / d.height, 1);
    const made = await sharp((await makeThumbnail(bytes))!).metadata();
    expect([made.format, made.width, made.height]).toEqual(['webp', thumb.width, thumb.height]);
  });

  it('makes the colour sample from the model input: each pixel the mean of its block (MODEL_INPUT_SIZE / COLOR_SAMPLE_SIDE a side)', async () => {
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

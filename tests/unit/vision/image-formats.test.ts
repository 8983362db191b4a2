// Every kind of file an import meets, made for real from a kit photo with sharp: each decodes upright to the
// same model input layout, or fails with a sentence a person can act on.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import sharp from 'sharp';
import type { Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImageDecodeError, MAX_INPUT_PIXELS, MODEL_INPUT_SIZE, decodeImage } from '../../../electron/core/vision/decode.ts';
import { clothingPhotos, tempDir } from '../../helpers/kit.ts';

let jpeg: Buffer;
const dir = tempDir('stylist-formats-');

beforeAll(() => {
  jpeg = fs.readFileSync(clothingPhotos().find((p) => p.label === 'Shoes')!.file);
});

const expectModelInput = async (bytes: Uint8Array) => {
  const d = await decodeImage(bytes);
  expect(d.modelInput.length).toBe(MODEL_INPUT_SIZE * MODEL_INPUT_SIZE * 3);
  // null: the photo is small enough to be its own thumbnail (decode-outputs.test.ts).
  if (d.thumbnail) expect(d.thumbnail.subarray(8, 12).toString()).toBe('WEBP');
  return d;
};

describe('image formats', () => {
  it.each([
    ['png', (s: Sharp) => s.png()],
    ['webp', (s: Sharp) => s.webp()],
    ['avif', (s: Sharp) => s.avif({ effort: 0 })],
    ['tiff', (s: Sharp) => s.tiff()],
    ['gif', (s: Sharp) => s.gif()],
  ])('decodes %s', async (format, encode) => {
    const bytes = await encode(sharp(jpeg)).toBuffer();
    fs.writeFileSync(path.join(dir, `photo.${format}`), bytes);
    const d = await expectModelInput(bytes);
    expect(d.format).toBe(format === 'avif' ? 'heif' : format);
  });

  it('takes the first frame of an animated GIF', async () => {
    const frame = (color: string) => sharp({ create: { width: 64, height: 64, channels: 3, background: color } }).png().toBuffer();
    const gif = await sharp([await frame('#ff0000'), await frame('#0000ff')], { join: { animated: true } }).gif().toBuffer();
    expect((await sharp(gif, { animated: true }).metadata()).pages).toBe(2);
    const d = await expectModelInput(gif);
    expect([d.width, d.height]).toEqual([64, 64]);
    expect(d.modelInput[0]).toBeGreaterThan(200); // the red first frame
    expect(d.modelInput[2]).toBeLessThan(60);
  });

  it('applies EXIF orientation', async () => {
    const wide = await sharp(jpeg).resize(200, 100, { fit: 'fill' }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const d = await expectModelInput(wide);
    expect([d.width, d.height]).toEqual([100, 200]);
  });

  it('flattens alpha onto white', async () => {
    const transparent = await sharp({ create: { width: 50, height: 50, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const d = await expectModelInput(transparent);
    expect([...d.modelInput.subarray(0, 3)]).toEqual([255, 255, 255]);
  });

  it('converts CMYK and 16-bit images to 8-bit sRGB', async () => {
    const cmyk = await sharp(jpeg).toColourspace('cmyk').jpeg().toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    await expectModelInput(cmyk);
    const sixteen = await sharp(jpeg).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(sixteen).metadata()).depth).toBe('ushort');
    const a = await decodeImage(jpeg);
    const b = await expectModelInput(sixteen);
    // Same picture, so nearly the same model input.
    let diff = 0;
    for (let i = 0; i < a.modelInput.length; i++) diff += Math.abs(a.modelInput[i]! - b.modelInput[i]!);
    expect(diff / a.modelInput.length).toBeLessThan(3);
  });

  it('decodes HEIC where the installed sharp can, and says so clearly where it cannot', async () => {
    const heic = await sharp(jpeg).heif({ compression: 'hevc' }).toBuffer().catch(() => null);
    if (heic) await expectModelInput(heic);
    else {
      // No HEVC encoder in this libvips build: a HEIC-branded file must still fail with a clear message.
      const fake = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic'), Buffer.alloc(200)]);
      await expect(decodeImage(fake)).rejects.toThrow(ImageDecodeError);
    }
  });
});

describe('bad files', () => {
  it('refuses an empty file', async () => {
    await expect(decodeImage(new Uint8Array())).rejects.toThrow(/empty/);
  });

  it('refuses a truncated JPEG', async () => {
    await expect(decodeImage(jpeg.subarray(0, jpeg.length / 3))).rejects.toThrow(/damaged|incomplete/);
  });

  it('refuses a file that is not an image', async () => {
    await expect(decodeImage(Buffer.from('%PDF-1.7 not a photo at all'))).rejects.toThrow(/not an image this app can read/);
  });

  it('refuses a decompression bomb by its header, before decoding pixels', async () => {
    // A real PNG whose header promises 30000 x 30000 pixels (900 MP) over a few hundred bytes of zlib data:
    // decoding it would need gigabytes, so it must be refused from the header alone.
    const side = 30_000;
    expect(side * side).toBeGreaterThan(MAX_INPUT_PIXELS);
    const chunk = (type: string, data: Buffer) => {
      const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
      const len = Buffer.alloc(4);
      len.writeUInt32BE(data.length);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(zlib.crc32(body));
      return Buffer.concat([len, body, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(side, 0);
    ihdr.writeUInt32BE(side, 4);
    ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
    const idat = zlib.deflateSync(Buffer.alloc(side + 1), { level: 9 }); // first row only
    const bomb = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
    expect(bomb.length).toBeLessThan(1000);
    const before = process.memoryUsage().rss;
    await expect(decodeImage(bomb)).rejects.toThrow(/too large/);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 2 ** 20);
  });

  it('refuses a huge file by its size', async () => {
    const huge = new Uint8Array(201 * 1024 * 1024);
    await expect(decodeImage(huge)).rejects.toThrow(/too large/);
  });
});

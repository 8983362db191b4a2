// Turns the bytes of one photo into what the rest of the pipeline needs: the model input (MODEL_INPUT_SIZE
// square RGB, resized the way the reference was: fit 'fill'), a thumbnail, and a small RGB sample for colours.
// A photo that is already thumbnail-sized (servesAsOwnThumbnail) needs only the model input, resized
// straight from the file. Otherwise the photo is decoded once (a large one already shrunk on load) and the
// model input and the thumbnail are resized from those pixels. The colour sample is averaged down from the
// model input (each sharp pipeline costs ~1.5 ms of CPU even for a tiny output; block means in
// JavaScript cost ~0.2 ms). Every decode error becomes an ImageDecodeError with a sentence a person can act on.
import sharp from 'sharp';
import type { Metadata, Sharp } from 'sharp';

/**
 * The side of the backbone's input: 320, not the 224 it was trained at. Its features tell garment types apart
 * better at 320 (held-out training people, EVALUATION.md: fine accuracy +0.03) for twice the model work of an
 * import. models/manifest.json says the same side, which the converted model is made for.
 */
export const MODEL_INPUT_SIZE = 320;
/** Photos above this many pixels are refused before decoding (decompression bombs). 100 MP covers any phone. */
export const MAX_INPUT_PIXELS = 100_000_000;
export const MAX_FILE_BYTES = 200 * 1024 * 1024;
const THUMB_SIZE = 320;
/**
 * A photo at most this big, in a format every browser shows, upright, opaque and sRGB, is shown as its own
 * thumbnail: re-encoding it would lose detail to save a few KB of local disk reads, and cost ~5-8 ms of CPU
 * per photo (half of all decoding work on the kit's 400x534 photos of ~31 KB; see BENCHMARKS.md, import).
 */
const OWN_THUMBNAIL_MAX_SIDE = 2 * THUMB_SIZE;
export const OWN_THUMBNAIL_MAX_BYTES = 128 * 1024;
const OWN_THUMBNAIL_FORMATS = new Set(['jpeg', 'png', 'webp']);
export const COLOR_SAMPLE_SIDE = 32;
const COLOR_BLOCK = MODEL_INPUT_SIZE / COLOR_SAMPLE_SIDE;
if (!Number.isInteger(COLOR_BLOCK)) throw new Error('the colour sample must tile the model input exactly');
/**
 * Photos whose shorter side is above this are decoded already shrunk (JPEG shrink-on-load) to a shorter side of
 * PRESHRINK_SIDE, still over 4x what the model input and the thumbnail need: a 12 MP phone photo decodes several
 * times faster and holds 9x fewer pixels. Smaller photos (the kit's 400x534) are decoded at full size.
 */
const PRESHRINK_ABOVE = 2048;
const PRESHRINK_SIDE = 1024;
/**
 * WebP effort 0: the same fidelity as the default effort 4 on the kit's thumbnails (PSNR 37.07 vs 37.09 dB at
 * quality 80) for 25% more bytes (12 vs 10 KiB), in a third of the time. See BENCHMARKS.md (import).
 */
const THUMB_WEBP = { quality: 80, effort: 0 } as const;

export class ImageDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageDecodeError';
  }
}

export interface DecodedImage {
  /** MODEL_INPUT_SIZE^2 * 3 bytes, HWC, RGB. */
  modelInput: Buffer;
  /** A WebP within THUMB_SIZE px; null when the photo serves as its own thumbnail (servesAsOwnThumbnail). */
  thumbnail: Buffer | null;
  /** COLOR_SAMPLE_SIDE^2 RGB pixels of the photo, for the dominant colours. */
  colorSample: Buffer;
  width: number;
  height: number;
  format: string;
}

const SHARP_OPTIONS = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error', animated: false } as const;

export async function decodeImage(bytes: Uint8Array): Promise<DecodedImage> {
  const header = await readHeader(bytes);
  const ownThumbnail = servesAsOwnThumbnail(header, bytes.byteLength);
  const pixels = await uprightPixels(bytes, header, ownThumbnail ? 1 : 2);
  try {
    const [modelInput, thumbnail] = await Promise.all([
      toModelInput(pixels()),
      ownThumbnail ? null : toThumbnail(pixels()),
    ]);
    return { modelInput, thumbnail, colorSample: colorSampleOf(modelInput), ...header.size, format: header.format };
  } catch (error) {
    throw explain(error);
  }
}

/**
 * Only the model input (bulk embedding of data sets, an item described again); `mirror` flips it left-right
 * (augmentation). Read the way decodeImage reads the photo, so the bytes are those its import had: the two
 * ways (straight from the file, or from decoded pixels) round a few values differently at 320 px.
 */
export async function decodeModelInput(bytes: Uint8Array, mirror = false): Promise<Buffer> {
  const header = await readHeader(bytes);
  const pixels = await uprightPixels(bytes, header, servesAsOwnThumbnail(header, bytes.byteLength) ? 1 : 2);
  try {
    return await toModelInput(mirror ? pixels().flop() : pixels());
  } catch (error) {
    throw explain(error);
  }
}

/** The thumbnail decodeImage would make (null: the photo is its own), for a library file that lacks one. */
export async function makeThumbnail(bytes: Uint8Array): Promise<Buffer | null> {
  const header = await readHeader(bytes);
  if (servesAsOwnThumbnail(header, bytes.byteLength)) return null;
  const pixels = await uprightPixels(bytes, header, 1);
  try {
    return await toThumbnail(pixels());
  } catch (error) {
    throw explain(error);
  }
}

const toModelInput = (pixels: Sharp): Promise<Buffer> =>
  pixels.resize(MODEL_INPUT_SIZE, MODEL_INPUT_SIZE, { fit: 'fill' }).removeAlpha().raw({ depth: 'uchar' }).toBuffer();

const toThumbnail = (pixels: Sharp): Promise<Buffer> => pixels.resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside' }).webp(THUMB_WEBP).toBuffer();

/** COLOR_SAMPLE_SIDE^2 RGB pixels: each the mean of a COLOR_BLOCK x COLOR_BLOCK block of the model input. */
export function colorSampleOf(modelInput: Uint8Array): Buffer {
  const out = Buffer.alloc(COLOR_SAMPLE_SIDE * COLOR_SAMPLE_SIDE * 3);
  const sums = new Uint32Array(COLOR_SAMPLE_SIDE * 3);
  const area = COLOR_BLOCK * COLOR_BLOCK;
  const rowBytes = MODEL_INPUT_SIZE * 3;
  const blockBytes = COLOR_BLOCK * 3;
  for (let by = 0; by < COLOR_SAMPLE_SIDE; by++) {
    sums.fill(0);
    for (let y = by * COLOR_BLOCK; y < (by + 1) * COLOR_BLOCK; y++) {
      for (let s = 0, p = y * rowBytes; s < sums.length; s += 3) {
        for (const end = p + blockBytes; p < end; p += 3) {
          sums[s]! += modelInput[p]!;
          sums[s + 1]! += modelInput[p + 1]!;
          sums[s + 2]! += modelInput[p + 2]!;
        }
      }
    }
    for (let i = 0; i < sums.length; i++) out[by * COLOR_SAMPLE_SIDE * 3 + i] = Math.round(sums[i]! / area);
  }
  return out;
}

interface Header {
  meta: Metadata;
  format: string;
  /** The photo's upright size (EXIF orientations 5-8 turn it a quarter). */
  size: { width: number; height: number };
}

/** Reads the header only: the size limits are checked before any pixel is decoded. */
async function readHeader(bytes: Uint8Array): Promise<Header> {
  if (bytes.byteLength === 0) throw new ImageDecodeError('the file is empty (0 bytes)');
  if (bytes.byteLength > MAX_FILE_BYTES) {
    throw new ImageDecodeError(`the file is too large (${Math.round(bytes.byteLength / 1e6)} MB; the limit is ${MAX_FILE_BYTES / 1e6} MB)`);
  }
  let meta: Metadata;
  try {
    meta = await sharp(bytes, SHARP_OPTIONS).metadata();
  } catch (error) {
    throw explain(error);
  }
  // With animated: false, height is the first frame's.
  const { width, height } = meta;
  if (!width || !height) throw new ImageDecodeError('not an image this app can read');
  if (width * height > MAX_INPUT_PIXELS) {
    throw new ImageDecodeError(`the image is too large (${width}x${height} pixels; the limit is ${MAX_INPUT_PIXELS / 1e6} megapixels)`);
  }
  const turned = (meta.orientation ?? 1) >= 5;
  return { meta, format: meta.format ?? 'unknown', size: turned ? { width: height, height: width } : { width, height } };
}

/** Whether the file itself can be shown where a thumbnail is: small, upright, opaque, 8-bit sRGB, one frame. */
function servesAsOwnThumbnail({ meta, format, size }: Header, fileBytes: number): boolean {
  return (
    OWN_THUMBNAIL_FORMATS.has(format) &&
    fileBytes <= OWN_THUMBNAIL_MAX_BYTES &&
    Math.max(size.width, size.height) <= OWN_THUMBNAIL_MAX_SIDE &&
    (meta.orientation ?? 1) === 1 &&
    !meta.hasAlpha &&
    meta.space === 'srgb' &&
    meta.channels === 3 &&
    meta.depth === 'uchar' &&
    (meta.pages ?? 1) === 1
  );
}

/**
 * A factory of sharp pipelines over the photo's upright 8-bit sRGB pixels without alpha: orientation from EXIF,
 * alpha flattened onto white, CMYK / 16-bit / grey converted. For one output from a photo that needs no
 * pre-shrinking, each pipeline reads the file (no intermediate copy: ~1.5 ms less CPU on a kit photo, the same
 * bytes out). Otherwise the photo is decoded once to raw pixels, pre-shrunk if large (PRESHRINK_ABOVE), and
 * every output is resized from those.
 */
async function uprightPixels(bytes: Uint8Array, { meta }: Header, outputs: number): Promise<() => Sharp> {
  const fromFile = () => sharp(bytes, SHARP_OPTIONS).rotate().flatten({ background: '#ffffff' }).toColourspace('srgb');
  const preshrink = Math.min(meta.width!, meta.height!) > PRESHRINK_ABOVE;
  if (outputs === 1 && !preshrink) return fromFile;
  try {
    const upright = preshrink ? fromFile().resize(PRESHRINK_SIDE, PRESHRINK_SIDE, { fit: 'outside' }) : fromFile();
    const { data, info } = await upright.removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    return () => sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
  } catch (error) {
    throw explain(error);
  }
}

function explain(error: unknown): ImageDecodeError {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) return new ImageDecodeError(`the image is too large (over ${MAX_INPUT_PIXELS / 1e6} megapixels)`);
  if (/unsupported image format/i.test(message)) return new ImageDecodeError('not an image this app can read (unknown format)');
  if (/premature|truncat|end of file|corrupt|invalid|bad/i.test(message)) return new ImageDecodeError(`the image is damaged or incomplete (${message.split('\n')[0]})`);
  return new ImageDecodeError(`the image could not be read (${message.split('\n')[0]})`);
}

// Import fuzz: mutated and truncated real kit photos (in every format the app reads) and random bytes, through
// decodeImage by the thousand and through a real import job by the hundred. Every case must end in a decoded
// image or a clear ImageDecodeError within its time limit; decompression bombs are refused by the pixel limit
// before any pixel is decoded.
import fs from 'node:fs';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCore } from '../../../electron/core/core.ts';
import type { Core } from '../../../electron/core/core.ts';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';
import { ImageDecodeError, MAX_INPUT_PIXELS, MODEL_INPUT_SIZE, decodeImage } from '../../../electron/core/vision/decode.ts';
import type { DecodedImage } from '../../../electron/core/vision/decode.ts';
import { call, waitForImport } from '../../helpers/api-call.ts';
import { fuzzCase } from '../../helpers/image-fuzz.ts';
import { MODEL_DIR, clothingPhotos, requireModel, tempDir } from '../../helpers/kit.ts';
import { libraryProblems } from '../../helpers/library-check.ts';

const CASES = Number(process.env.STYLIST_DECODE_FUZZ_CASES ?? 2500);
const IMPORT_CASES = 100;
const CASE_TIMEOUT_MS = 10_000;
const SEED = 4242;

let seeds: Buffer[] = [];

beforeAll(async () => {
  const kit = clothingPhotos().filter((p) => p.senderId % 17 === 2).slice(0, 6).map((p) => fs.readFileSync(p.file));
  // Small re-encodings of real photos keep thousands of cases fast; two full-size originals keep real structure (EXIF, big scans).
  const small = await Promise.all(
    kit.flatMap((bytes) => {
      const base = () => sharp(bytes).resize(96, 96, { fit: 'inside' });
      return [base().jpeg(), base().png(), base().webp(), base().gif(), base().tiff(), base().avif({ effort: 0 })].map((s) => s.toBuffer());
    }),
  );
  seeds = [...small, ...kit.slice(0, 2)];
});

type Outcome = { ok: true; image: DecodedImage } | { ok: false; error: unknown };

async function decodeWithin(bytes: Uint8Array, ms: number): Promise<Outcome | 'hang'> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), ms)));
  const run = decodeImage(bytes).then(
    (image): Outcome => ({ ok: true, image }),
    (error: unknown): Outcome => ({ ok: false, error }),
  );
  try {
    return await Promise.race([run, hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** What is wrong with an outcome, or null when it is a whole image or a clear ImageDecodeError. */
function wrongWith(outcome: Outcome | 'hang'): string | null {
  if (outcome === 'hang') return `no answer within ${CASE_TIMEOUT_MS} ms`;
  if (outcome.ok) {
    const { modelInput, thumbnail, colorSample, width, height } = outcome.image;
    if (modelInput.length !== MODEL_INPUT_SIZE * MODEL_INPUT_SIZE * 3) return `model input of ${modelInput.length} bytes`;
    if (thumbnail?.length === 0 || colorSample.length !== 32 * 32 * 3) return 'empty thumbnail or colour sample';
    if (!(width > 0 && height > 0 && width * height <= MAX_INPUT_PIXELS)) return `size ${width}x${height}`;
    return null;
  }
  if (!(outcome.error instanceof ImageDecodeError)) return `threw ${String(outcome.error).slice(0, 200)}`;
  if (!outcome.error.message || outcome.error.message.length > 300) return `unclear message: ${outcome.error.message.slice(0, 100)}`;
  return null;
}

function reasonOf(outcome: Outcome | 'hang'): string {
  if (outcome === 'hang') return 'hang';
  if (outcome.ok) return 'decoded';
  return /^the image is damaged/.test((outcome.error as Error).message) ? 'damaged' : (outcome.error as Error).message.replace(/ \(.*$/, '').slice(0, 40);
}

describe('decode fuzz', () => {
  it(`every one of ${CASES} mutated, truncated or random files decodes or is refused with an ImageDecodeError`, { timeout: 150_000 }, async () => {
    const rng = new Rng(SEED);
    const cases = Array.from({ length: CASES }, () => fuzzCase(rng, seeds));
    const reasons = new Map<string, number>();
    const bad: string[] = [];
    let next = 0;
    const t0 = performance.now();
    const worker = async () => {
      for (let i = next++; i < cases.length; i = next++) {
        const outcome = await decodeWithin(cases[i]!.bytes, CASE_TIMEOUT_MS);
        const wrong = wrongWith(outcome);
        if (wrong) bad.push(`case ${i} (${cases[i]!.mutations.join('+')}, ${cases[i]!.bytes.length} bytes): ${wrong}`);
        const reason = reasonOf(outcome);
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    const summary = [...reasons].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${n} ${r}`).join(', ');
    console.log(`[reliability] decode fuzz: ${CASES} cases (seed ${SEED}) in ${Math.round((performance.now() - t0) / 1000)} s: ${summary}`);
    expect(bad).toEqual([]);
    expect(reasons.get('decoded') ?? 0).toBeGreaterThan(0);
    expect(CASES - (reasons.get('decoded') ?? 0)).toBeGreaterThan(CASES / 4);
  });

  it('refuses decompression bombs by their header, before decoding a pixel', async () => {
    const rssBefore = process.memoryUsage().rss;
    const bombs: [string, Buffer][] = [
      ['PNG 30000x30000', pngBomb(30_000, 30_000)],
      ['PNG 10001x10000 (just over the limit)', pngBomb(10_001, 10_000)],
      ['JPEG 60000x60000', jpegWithSize(seeds.at(-1)!, 60_000, 60_000)],
      ['SVG 100000x100000', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"><rect width="100%" height="100%"/></svg>')],
      ['GIF 65535x65535', gifBomb()],
    ];
    for (const [what, bytes] of bombs) {
      const t0 = performance.now();
      const outcome = await decodeWithin(bytes, CASE_TIMEOUT_MS);
      expect(wrongWith(outcome), what).toBeNull();
      expect(outcome !== 'hang' && !outcome.ok && (outcome.error as Error).message, what).toMatch(/too large/);
      expect(performance.now() - t0, what).toBeLessThan(2000);
    }
    const grewMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    console.log(`[reliability] decode fuzz: ${bombs.length} decompression bombs refused by the ${MAX_INPUT_PIXELS / 1e6} MP limit; RSS grew ${Math.round(grewMb)} MB`);
    expect(grewMb).toBeLessThan(200);
  });

  describe('through a real import job', () => {
    let core: Core;
    let dir: string;
    beforeAll(() => {
      requireModel();
      dir = tempDir();
      core = openCore({ libraryDir: dir, modelDir: MODEL_DIR, shell: 'browser', version: 'test' });
    });
    afterAll(async () => {
      await core?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it(`${IMPORT_CASES} fuzzed files sent by the window each end imported, duplicate or failed with a reason`, { timeout: 90_000 }, async () => {
      const rng = new Rng(SEED + 1);
      const files = Array.from({ length: IMPORT_CASES }, (_, i) => ({ name: `fuzz-${i}.jpg`, dataBase64: fuzzCase(rng, seeds).bytes.toString('base64') }));
      const personId = (await call(core, 'people.create', { name: 'Fuzz' })).id;
      const result = await waitForImport(core, (await call(core, 'import.files', { personId, files })).jobId);
      expect(result.state).toBe('done');
      expect(result.imported + result.duplicates + result.failed.length).toBe(IMPORT_CASES);
      for (const f of result.failed) expect(f.error, f.file).toMatch(/^(the image|the file is empty|not an image)/);
      expect(libraryProblems(core)).toEqual([]);
      console.log(`[reliability] decode fuzz: ${IMPORT_CASES} fuzzed files through import.files: ${result.imported} imported, ${result.duplicates} duplicates, ${result.failed.length} failed with a reason; library whole`);
    });
  });
});

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A PNG whose header claims width x height (RGB), with a few rows of real zero pixels: what a bomb looks like to a decoder. */
function pngBomb(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = zlib.deflateSync(Buffer.alloc((width * 3 + 1) * 4), { level: 9 });
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', rows), pngChunk('IEND', Buffer.alloc(0))]);
}

/** A real JPEG with its frame header (SOF0..SOF2) patched to claim another size. */
function jpegWithSize(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  for (let i = 2; i < out.length - 9; ) {
    if (out[i] !== 0xff) throw new Error('not a JPEG marker');
    const marker = out[i + 1]!;
    if (marker >= 0xc0 && marker <= 0xc2) {
      out.writeUInt16BE(height, i + 5);
      out.writeUInt16BE(width, i + 7);
      return out;
    }
    i += 2 + out.readUInt16BE(i + 2);
  }
  throw new Error('no frame header');
}

/** A GIF whose logical screen and only frame claim 65535x65535. */
function gifBomb(): Buffer {
  const head = Buffer.from('GIF89a');
  const screen = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00]);
  const image = Buffer.from([0x2c, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x00]);
  const data = Buffer.from([0x02, 0x02, 0x4c, 0x01, 0x00]);
  return Buffer.concat([head, screen, image, data, Buffer.from([0x3b])]);
}

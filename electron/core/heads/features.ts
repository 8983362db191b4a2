// Backbone features of the clothing dataset for training and evaluating the item heads. Each photo has
// two views, as at import (see views.ts): the model input as decoded, and its centre enlarged; for
// training, each view also of the photo flipped left-right (augmentation). The plain and mirrored full
// views come from embedFiles and its cache; the centre views are cached here the same way (.cache/).
// The data folder is resolved first, so the caches do not depend on how it was spelled.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadClothingDataset } from '../datasets/clothing-dataset.ts';
import type { ClothingPhoto } from '../datasets/clothing-dataset.ts';
import { DEFAULT_CACHE_DIR, embedFiles } from '../datasets/embed-files.ts';
import { Backbone } from '../vision/backbone.ts';
import { decodeModelInput } from '../vision/decode.ts';
import { runBatchPipeline } from '../vision/batch-pipeline.ts';
import { CENTRE_FRACTION, centreView } from './views.ts';

export interface PhotoViews {
  /** Backbone embedding of the photo as imported. */
  embedding: Float32Array;
  /** Backbone embedding of its centre view (views.ts). */
  centre: Float32Array;
}

export interface FeaturePhoto extends ClothingPhoto, PhotoViews {
  /** The same views of the photo flipped left-right; null unless asked for. */
  mirrored: PhotoViews | null;
}

type Progress = (what: string) => (done: number, total: number) => void;

export async function loadDatasetFeatures(dataDir: string, modelPath: string, options: { mirror?: boolean; onProgress?: Progress } = {}): Promise<FeaturePhoto[]> {
  const photos = loadClothingDataset(path.resolve(dataDir));
  const files = photos.map((p) => p.file);
  const plain = await embedFiles(files, { modelPath, onProgress: options.onProgress?.('embedding') });
  const centre = await embedCentreViews(files, { modelPath, onProgress: options.onProgress?.('embedding (centre views)') });
  const mirrored = options.mirror ? await embedFiles(files, { modelPath, mirror: true, onProgress: options.onProgress?.('embedding (mirrored)') }) : null;
  const mirroredCentre = options.mirror ? await embedCentreViews(files, { modelPath, mirror: true, onProgress: options.onProgress?.('embedding (mirrored centre views)') }) : null;
  return photos.flatMap((p, i) => {
    const e = plain.embeddings[i];
    const c = centre[i];
    if (!e || !c) return [];
    const me = mirrored?.embeddings[i];
    const mc = mirroredCentre?.[i];
    return [{ ...p, embedding: e, centre: c, mirrored: me && mc ? { embedding: me, centre: mc } : null }];
  });
}

/** Backbone embeddings of the files' centre views, cached on disk like embedFiles' (null where unreadable). */
export async function embedCentreViews(
  files: readonly string[],
  options: { modelPath: string; mirror?: boolean; cacheDir?: string | null; onProgress?: (done: number, total: number) => void },
): Promise<(Float32Array | null)[]> {
  const cacheDir = options.cacheDir === undefined ? DEFAULT_CACHE_DIR : options.cacheDir;
  const stat = fs.statSync(options.modelPath);
  const key = crypto
    .createHash('sha256')
    .update(`${path.resolve(options.modelPath)}:${stat.size}:${stat.mtimeMs}`)
    .update(`centre:${CENTRE_FRACTION}:${options.mirror ?? false}`)
    .update(files.join('\n'))
    .digest('hex')
    .slice(0, 24);
  const cacheFile = cacheDir ? path.join(cacheDir, `centre-${key}.bin`) : null;
  if (cacheFile && fs.existsSync(cacheFile)) return readCache(cacheFile, files.length);
  const backbone = await Backbone.open({ modelPath: options.modelPath, headsPath: null });
  const out: (Float32Array | null)[] = new Array(files.length).fill(null);
  let done = 0;
  try {
    await runBatchPipeline({
      sources: files.map((file, index) => ({ file, index })),
      batchSize: 16,
      prepare: async (batch) => {
        const decoded = await Promise.all(batch.map(async (s) => {
          try {
            return { index: s.index, pixels: centreView(await decodeModelInput(await fs.promises.readFile(s.file), options.mirror)) };
          } catch {
            return null;
          }
        }));
        return decoded.filter((d) => d !== null);
      },
      consume: async (decoded) => {
        if (decoded.length) {
          const r = await backbone.embed(decoded.map((d) => d.pixels));
          decoded.forEach((d, i) => (out[d.index] = r.embeddings[i]!));
        }
        done += decoded.length;
        options.onProgress?.(done, files.length);
      },
    });
  } finally {
    await backbone.close();
  }
  if (cacheFile) writeCache(cacheFile, out, backbone.embeddingDim);
  return out;
}

// Layout: u32 count, u32 dim, count bytes of presence, then count*dim float32 (as embed-files.ts).
function writeCache(file: string, embeddings: (Float32Array | null)[], dim: number): void {
  const n = embeddings.length;
  const header = Buffer.alloc(8);
  header.writeUInt32LE(n, 0);
  header.writeUInt32LE(dim, 4);
  const values = new Float32Array(n * dim);
  embeddings.forEach((e, i) => e && values.set(e, i * dim));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([header, Buffer.from(embeddings.map((e) => (e ? 1 : 0))), Buffer.from(values.buffer)]));
  fs.renameSync(tmp, file);
}

function readCache(file: string, expected: number): (Float32Array | null)[] {
  const buf = fs.readFileSync(file);
  const n = buf.readUInt32LE(0);
  const dim = buf.readUInt32LE(4);
  if (n !== expected) throw new Error(`embedding cache ${file} holds ${n} entries, expected ${expected}: delete it`);
  const values = new Float32Array(buf.buffer.slice(buf.byteOffset + 8 + n, buf.byteOffset + buf.byteLength));
  return Array.from({ length: n }, (_, i) => (buf[8 + i] ? values.subarray(i * dim, (i + 1) * dim) : null));
}

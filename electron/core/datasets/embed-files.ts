// Embeds many image files with the backbone (for training the heads and the outfit model, and for the
// evaluations), with the same overlapped decode/inference pipeline as an import. Results are cached on disk
// per backbone file and file list, so repeated training and evaluation runs do not re-embed the kit.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Backbone } from '../vision/backbone.ts';
import { decodeModelInput } from '../vision/decode.ts';
import { runBatchPipeline } from '../vision/batch-pipeline.ts';
import { REPO_ROOT } from '../paths.ts';

export interface EmbeddedFiles {
  dim: number;
  /** One per file; null where the file could not be read. */
  embeddings: (Float32Array | null)[];
  /** The backbone's centre embedding of each file (what the item heads also read); null where unreadable. */
  centres: (Float32Array | null)[];
  provider: string | null;
  fromCache: boolean;
}

export interface EmbedFilesOptions {
  modelPath: string;
  /** Flip every image left-right (a cheap augmentation for training). */
  mirror?: boolean;
  cacheDir?: string | null;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export const DEFAULT_CACHE_DIR = path.join(REPO_ROOT, '.cache', 'embeddings');

export async function embedFiles(files: readonly string[], options: EmbedFilesOptions): Promise<EmbeddedFiles> {
  const cacheDir = options.cacheDir === undefined ? DEFAULT_CACHE_DIR : options.cacheDir;
  const key = crypto.createHash('sha256').update(CACHE_LAYOUT).update(modelFingerprint(options.modelPath)).update(String(options.mirror ?? false)).update(files.join('\n')).digest('hex').slice(0, 24);
  const cacheFile = cacheDir ? path.join(cacheDir, `${key}.bin`) : null;
  if (cacheFile && fs.existsSync(cacheFile)) return { ...readCache(cacheFile, files.length), provider: null, fromCache: true };

  const backbone = await Backbone.open({ modelPath: options.modelPath });
  const embeddings: (Float32Array | null)[] = new Array(files.length).fill(null);
  const centres: (Float32Array | null)[] = new Array(files.length).fill(null);
  let done = 0;
  try {
    await runBatchPipeline({
      sources: files.map((file, index) => ({ file, index })),
      batchSize: options.batchSize ?? 16,
      prepare: async (batch) => {
        const decoded = await Promise.all(batch.map(async (s) => {
          try {
            return { index: s.index, pixels: await decodeModelInput(await fs.promises.readFile(s.file), options.mirror) };
          } catch {
            return null;
          }
        }));
        return decoded.filter((d) => d !== null);
      },
      consume: async (decoded) => {
        if (decoded.length) {
          const out = await backbone.embed(decoded.map((d) => d.pixels));
          decoded.forEach((d, i) => {
            embeddings[d.index] = out.embeddings[i]!;
            centres[d.index] = out.centres[i]!;
          });
        }
        done += decoded.length;
        options.onProgress?.(done, files.length);
      },
    });
  } finally {
    await backbone.close();
  }
  const result = { dim: backbone.embeddingDim, embeddings, centres };
  if (cacheFile) writeCache(cacheFile, result);
  return { ...result, provider: backbone.provider, fromCache: false };
}

/** Size and mtime stand in for the model's hash: provisioning rewrites the file whenever it changes. */
function modelFingerprint(modelPath: string): string {
  const stat = fs.statSync(modelPath);
  return `${path.resolve(modelPath)}:${stat.size}:${stat.mtimeMs}`;
}

// Cache layout: u32 count, u32 dim, count bytes of presence, then count*dim float32 embeddings, then as many
// centre embeddings. CACHE_LAYOUT is part of the file's key, so a file in an older layout is never read.
const CACHE_LAYOUT = 'embeddings+centres';

function writeCache(file: string, r: { dim: number; embeddings: (Float32Array | null)[]; centres: (Float32Array | null)[] }): void {
  const n = r.embeddings.length;
  const header = Buffer.alloc(8);
  header.writeUInt32LE(n, 0);
  header.writeUInt32LE(r.dim, 4);
  const present = Buffer.from(r.embeddings.map((e) => (e ? 1 : 0)));
  const values = new Float32Array(2 * n * r.dim);
  r.embeddings.forEach((e, i) => e && values.set(e, i * r.dim));
  r.centres.forEach((c, i) => c && values.set(c, (n + i) * r.dim));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat([header, present, Buffer.from(values.buffer)]));
  fs.renameSync(tmp, file);
}

function readCache(file: string, expected: number): { dim: number; embeddings: (Float32Array | null)[]; centres: (Float32Array | null)[] } {
  const buf = fs.readFileSync(file);
  const n = buf.readUInt32LE(0);
  const dim = buf.readUInt32LE(4);
  if (n !== expected) throw new Error(`embedding cache ${file} holds ${n} entries, expected ${expected}: delete it`);
  const values = new Float32Array(buf.buffer.slice(buf.byteOffset + 8 + n, buf.byteOffset + buf.byteLength));
  const rows = (first: number) => Array.from({ length: n }, (_, i) => (buf[8 + i] ? values.subarray((first + i) * dim, (first + i + 1) * dim) : null));
  return { dim, embeddings: rows(0), centres: rows(n) };
}

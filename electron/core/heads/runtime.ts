// Runs the exported heads with onnxruntime-node. The backbone worker uses it right after the backbone (so
// the heads never run on the thread that answers the window); the eval commands and tests use it directly.
import ort from 'onnxruntime-node';
import { HEADS_IO } from './files.ts';
import type { HeadsRaw } from './predict.ts';
import { splitHeads } from './predict.ts';

export class HeadsSession {
  private readonly session: ort.InferenceSession;
  readonly dim: number;

  private constructor(session: ort.InferenceSession, dim: number) {
    this.session = session;
    this.dim = dim;
  }

  static async open(file: string, options: { threads?: number } = {}): Promise<HeadsSession> {
    const session = await ort.InferenceSession.create(file, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: options.threads ?? 1,
      interOpNumThreads: 1,
    });
    const meta = session.inputMetadata.find((m) => m.name === HEADS_IO.input);
    const dim = meta && meta.isTensor ? Number(meta.shape[1]) : NaN;
    if (!Number.isInteger(dim)) throw new Error(`${file} has no "${HEADS_IO.input}" input of shape [N, d]`);
    return new HeadsSession(session, dim);
  }

  /** Heads outputs for `count` photos' embeddings and centre-view embeddings, each count x dim, as flat arrays. */
  async runFlat(embeddings: Float32Array, centre: Float32Array, count: number): Promise<{ fine: Float32Array; coarse: Float32Array; hash: Float32Array }> {
    const out = await this.session.run({
      [HEADS_IO.input]: new ort.Tensor('float32', embeddings, [count, this.dim]),
      [HEADS_IO.centre]: new ort.Tensor('float32', centre, [count, this.dim]),
    });
    return {
      fine: out[HEADS_IO.fine]!.data as Float32Array,
      coarse: out[HEADS_IO.coarse]!.data as Float32Array,
      hash: out[HEADS_IO.hash]!.data as Float32Array,
    };
  }

  /** Heads outputs per photo (from its embedding and centre embedding), in batches. */
  async run(photos: readonly { embedding: Float32Array; centre: Float32Array }[], batchSize = 256): Promise<HeadsRaw[]> {
    const out: HeadsRaw[] = [];
    for (let s = 0; s < photos.length; s += batchSize) {
      const part = photos.slice(s, s + batchSize);
      const flat = (pick: (p: (typeof part)[number]) => Float32Array) => {
        const f = new Float32Array(part.length * this.dim);
        part.forEach((p, i) => f.set(pick(p), i * this.dim));
        return f;
      };
      out.push(...splitHeads(await this.runFlat(flat((p) => p.embedding), flat((p) => p.centre), part.length), part.length));
    }
    return out;
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

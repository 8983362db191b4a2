// Worker thread that owns the ONNX Runtime session of the image backbone, so inference never runs on the
// thread that answers the window. It tries the execution providers in order and reports the one it got.
// When trained item heads are given and a request asks for them, it runs them right after the backbone, on
// each image's embedding and centre embedding (both outputs of the one pass). Requests run one at a time,
// in the order they came, so the next batch can wait here while the current one runs.
import { parentPort, workerData } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import { HeadsSession } from '../heads/runtime.ts';

export interface BackboneWorkerData {
  modelPath: string;
  providers: string[];
  threads: number;
  /** The item heads' ONNX file, or null to run the backbone alone. */
  headsPath: string | null;
  /** The side of the square input images (decode.ts, MODEL_INPUT_SIZE). */
  side: number;
}
/** `batch` holds `count` images; `heads`: run the item heads too (when loaded). */
export type BackboneRequest = { id: number; batch: Uint8Array; count: number; heads: boolean };
/** The heads' outputs for a batch, flat (count x their width). */
export type HeadsBatch = { fine: Float32Array; coarse: Float32Array; hash: Float32Array };
export type BackboneResponse =
  | { id: number; ok: true; embeddings: Float32Array; centres: Float32Array; probs: Float32Array; heads: HeadsBatch | null }
  | { id: number; ok: false; error: string };
export type BackboneReady =
  | { ready: true; provider: string; embeddingDim: number; classes: number; heads: boolean; headsError: string | null }
  | { ready: false; error: string };

const { modelPath, providers, threads, headsPath, side: SIDE } = workerData as BackboneWorkerData;
const port = parentPort!;

async function openSession(): Promise<{ session: ort.InferenceSession; provider: string }> {
  const errors: string[] = [];
  for (const provider of providers) {
    try {
      const session = await ort.InferenceSession.create(modelPath, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
        // No busy-waiting between operators: on two cores, a spinning thread takes the CPU that decoding
        // the next batch needs (measured in BENCHMARKS.md, import).
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      });
      return { session, provider };
    } catch (error) {
      errors.push(`${provider}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  throw new Error(`no execution provider could load ${modelPath} (${errors.join('; ')})`);
}

try {
  const { session, provider } = await openSession();
  // One warm-up run: the first run allocates and plans, and would otherwise land on the first import.
  const warm = await session.run({ image: new ort.Tensor('uint8', new Uint8Array(SIDE * SIDE * 3), [1, SIDE, SIDE, 3]) });
  // A model converted before the centre output existed: provisioning converts it again (its stamp is older).
  if (!warm.centre) throw new Error(`${modelPath} has no "centre" output; run \`npm run provision\` to convert it again`);
  const embeddingDim = warm.embedding!.dims[1]!;
  const classes = warm.probs!.dims[1]!;
  // The heads are optional: without them (or if they do not load) the import falls back to the ImageNet prior.
  let heads: HeadsSession | null = null;
  let headsError: string | null = null;
  if (headsPath) {
    try {
      heads = await HeadsSession.open(headsPath);
      if (heads.dim !== embeddingDim) throw new Error(`the heads expect ${heads.dim}-d embeddings, the backbone gives ${embeddingDim}`);
    } catch (error) {
      headsError = error instanceof Error ? error.message : String(error);
      heads = null;
    }
  }
  port.postMessage({ ready: true, provider, embeddingDim, classes, heads: heads !== null, headsError } satisfies BackboneReady);
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (req: BackboneRequest) => {
    queue = queue.then(() => answer(req));
  });

  async function answer(req: BackboneRequest): Promise<void> {
    try {
      const out = await session.run({ image: new ort.Tensor('uint8', req.batch, [req.count, SIDE, SIDE, 3]) });
      const embeddings = out.embedding!.data as Float32Array;
      const centres = out.centre!.data as Float32Array;
      const probs = out.probs!.data as Float32Array;
      const h = req.heads && heads ? await heads.runFlat(embeddings, centres, req.count) : null;
      const transfer = [embeddings.buffer, centres.buffer, probs.buffer, ...(h ? [h.fine.buffer, h.coarse.buffer, h.hash.buffer] : [])] as ArrayBuffer[];
      port.postMessage({ id: req.id, ok: true, embeddings, centres, probs, heads: h } satisfies BackboneResponse, transfer);
    } catch (error) {
      port.postMessage({ id: req.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies BackboneResponse);
    }
  }
} catch (error) {
  port.postMessage({ ready: false, error: error instanceof Error ? error.message : String(error) } satisfies BackboneReady);
}

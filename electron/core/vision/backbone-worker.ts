// Worker thread that owns the ONNX Runtime session of the image backbone, so inference never runs on the
// thread that answers the window. It tries the execution providers in order and reports the one it got.
import { parentPort, workerData } from 'node:worker_threads';
import ort from 'onnxruntime-node';

export interface BackboneWorkerData {
  modelPath: string;
  providers: string[];
  threads: number;
}
export type BackboneRequest = { id: number; batch: Uint8Array; count: number };
export type BackboneResponse =
  | { id: number; ok: true; embeddings: Float32Array; probs: Float32Array }
  | { id: number; ok: false; error: string };
export type BackboneReady = { ready: true; provider: string; embeddingDim: number; classes: number } | { ready: false; error: string };

const { modelPath, providers, threads } = workerData as BackboneWorkerData;
const port = parentPort!;
const SIDE = 224;

async function openSession(): Promise<{ session: ort.InferenceSession; provider: string }> {
  const errors: string[] = [];
  for (const provider of providers) {
    try {
      const session = await ort.InferenceSession.create(modelPath, {
        executionProviders: [provider],
        graphOptimizationLevel: 'all',
        intraOpNumThreads: threads,
        interOpNumThreads: 1,
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
  const embeddingDim = warm.embedding!.dims[1]!;
  const classes = warm.probs!.dims[1]!;
  port.postMessage({ ready: true, provider, embeddingDim, classes } satisfies BackboneReady);
  port.on('message', async (req: BackboneRequest) => {
    try {
      const out = await session.run({ image: new ort.Tensor('uint8', req.batch, [req.count, SIDE, SIDE, 3]) });
      const embeddings = out.embedding!.data as Float32Array;
      const probs = out.probs!.data as Float32Array;
      port.postMessage({ id: req.id, ok: true, embeddings, probs } satisfies BackboneResponse, [embeddings.buffer as ArrayBuffer, probs.buffer as ArrayBuffer]);
    } catch (error) {
      port.postMessage({ id: req.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies BackboneResponse);
    }
  });
} catch (error) {
  port.postMessage({ ready: false, error: error instanceof Error ? error.message : String(error) } satisfies BackboneReady);
}

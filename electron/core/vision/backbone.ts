// The image backbone as the rest of the core sees it: embed a batch of square RGB images, off the main
// thread. Loaded lazily on first use; one request in flight per batch, answered in order of ids.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { siblingModule } from '../request-worker.ts';
import type { BackboneReady, BackboneRequest, BackboneResponse, BackboneWorkerData } from './backbone-worker.ts';
import { preferredProviders } from './execution-providers.ts';
import { MODEL_INPUT_SIZE } from './decode.ts';
import { locateHeads } from '../heads/locate.ts';
import { modelsKeyOf } from './models-key.ts';
import { splitHeads } from '../heads/predict.ts';
import type { HeadsRaw } from '../heads/predict.ts';

export interface BackboneOutput {
  embeddings: Float32Array[];
  /** The same pooling over the centre of the photo (the model's `centre` output), what the item heads also read. */
  centres: Float32Array[];
  probs: Float32Array[];
  /** The item heads' outputs per image; null unless asked for and loaded. */
  heads: HeadsRaw[] | null;
}

export interface BackboneOptions {
  modelPath: string;
  threads?: number;
  providers?: string[];
  /** The item heads' ONNX file; by default found beside the backbone (see locateHeads); null for none. They run
   * only for embed() calls that ask for them. */
  headsPath?: string | null;
}

export class Backbone {
  readonly provider: string;
  readonly embeddingDim: number;
  readonly classes: number;
  /** Whether the item heads run after the backbone. */
  readonly heads: boolean;
  /** Why the heads did not load, when they were asked for and failed. */
  readonly headsError: string | null;
  /** Which models describe the photos (models-key.ts): stored with each item. */
  readonly modelsKey: string;
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: BackboneOutput) => void; reject: (e: Error) => void; count: number }>();

  private constructor(worker: Worker, ready: Extract<BackboneReady, { ready: true }>, modelsKey: string) {
    this.worker = worker;
    this.provider = ready.provider;
    this.embeddingDim = ready.embeddingDim;
    this.classes = ready.classes;
    this.heads = ready.heads;
    this.headsError = ready.headsError;
    this.modelsKey = modelsKey;
    worker.on('message', (msg: BackboneResponse) => this.settle(msg));
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => this.failAll(new Error(`the backbone worker stopped (exit code ${code})`)));
  }

  static async open(options: BackboneOptions): Promise<Backbone> {
    const data: BackboneWorkerData = {
      modelPath: options.modelPath,
      providers: options.providers ?? preferredProviders(),
      threads: options.threads ?? Math.max(1, os.availableParallelism()),
      headsPath: options.headsPath === undefined ? locateHeads(options.modelPath) : options.headsPath,
      side: MODEL_INPUT_SIZE,
    };
    const worker = new Worker(siblingModule(import.meta.url, 'backbone-worker'), { workerData: data });
    const ready = await new Promise<BackboneReady>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the backbone worker stopped while loading (exit code ${code})`)));
    });
    if (!ready.ready) {
      await worker.terminate();
      throw new Error(`could not load the image model: ${ready.error}`);
    }
    // The models that will describe the photos: heads that did not load do not count. Hashed here, where the
    // library's check of its items (core.ts) has hashed the same files already.
    return new Backbone(worker, ready, await modelsKeyOf(options.modelPath, ready.heads ? data.headsPath : null));
  }

  /** Each image: MODEL_INPUT_SIZE^2 * 3 bytes, HWC RGB. With `heads`, the item heads run too, when loaded. */
  embed(images: Uint8Array[], options: { heads?: boolean } = {}): Promise<BackboneOutput> {
    const frame = MODEL_INPUT_SIZE * MODEL_INPUT_SIZE * 3;
    const batch = new Uint8Array(frame * images.length);
    images.forEach((img, i) => {
      if (img.byteLength !== frame) throw new Error(`backbone input ${i} has ${img.byteLength} bytes, expected ${frame}`);
      batch.set(img, i * frame);
    });
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, count: images.length });
      this.worker.postMessage({ id, batch, count: images.length, heads: options.heads === true } satisfies BackboneRequest, [batch.buffer]);
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
    this.failAll(new Error('the backbone was closed'));
  }

  private settle(msg: BackboneResponse): void {
    const entry = this.pending.get(msg.id);
    if (!entry) return;
    this.pending.delete(msg.id);
    if (!msg.ok) return entry.reject(new Error(`image model failed: ${msg.error}`));
    const split = (all: Float32Array, dim: number) =>
      Array.from({ length: entry.count }, (_, i) => all.slice(i * dim, (i + 1) * dim));
    entry.resolve({
      embeddings: split(msg.embeddings, this.embeddingDim),
      centres: split(msg.centres, this.embeddingDim),
      probs: split(msg.probs, this.classes),
      heads: msg.heads ? splitHeads(msg.heads, entry.count) : null,
    });
  }

  private failAll(error: Error): void {
    for (const entry of this.pending.values()) entry.reject(error);
    this.pending.clear();
  }
}

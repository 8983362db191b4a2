// A worker thread that answers requests, one message each, matched by id. It starts on the first request;
// idle, it does not keep the app (or a CLI run) from exiting; if it throws or stops, every request pending
// on it gets the failure as its answer, and the next request starts a new worker.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface WorkerFailure {
  id: number;
  ok: false;
  error: string;
}

export class RequestWorker<Req extends { id: number }, Res extends { id: number }> {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { worker: Worker; resolve: (r: Res | WorkerFailure) => void }>();
  private readonly module: URL;
  private readonly what: string;

  /** `module`: the worker's file; `what`: how a failure names it. */
  constructor(module: URL, what: string) {
    this.module = module;
    this.what = what;
  }

  request(body: Omit<Req, 'id'>, transfer: ArrayBuffer[] = []): Promise<Res | WorkerFailure> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { worker, resolve });
      worker.ref();
      worker.postMessage({ ...body, id }, transfer);
    });
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = null;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.module);
    worker.on('message', (r: Res) => {
      this.pending.get(r.id)?.resolve(r);
      this.pending.delete(r.id);
      if (this.pending.size === 0) worker.unref();
    });
    // An uncaught error ends the worker: requests sent from now on go to a new one.
    worker.on('error', (error) => this.fail(worker, String(error)));
    worker.on('exit', () => this.fail(worker, `the ${this.what} stopped`));
    this.worker = worker;
    return worker;
  }

  /** Every request still pending on this worker gets `error` as its answer. */
  private fail(worker: Worker, error: string): void {
    if (this.worker === worker) this.worker = null;
    for (const [id, p] of this.pending) {
      if (p.worker !== worker) continue;
      p.resolve({ id, ok: false, error });
      this.pending.delete(id);
    }
  }
}

/** A worker's file next to the module at `moduleUrl`: `.ts` when run from source, `.js` once compiled for the app. */
export function siblingModule(moduleUrl: string, name: string): URL {
  return new URL(`./${name}${path.extname(fileURLToPath(moduleUrl))}`, moduleUrl);
}

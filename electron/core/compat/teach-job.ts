// The app's "teach the house style" job: runs teachHouseStyle in a worker thread and keeps a snapshot of
// its progress for the window to poll. Cancelling sets a shared flag the worker checks between steps.
import crypto from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { siblingModule } from '../request-worker.ts';
import type { HouseStyleProgress } from '../../../shared/api.ts';
import type { TeachWorkerData, TeachWorkerMessage } from './teach-worker.ts';

// Rough shares of the whole job, for one progress bar: embedding dominates a first import.
const PHASE_SPAN: Record<HouseStyleProgress['phase'], [number, number]> = {
  reading: [0, 0.02],
  embedding: [0.02, 0.6],
  features: [0.6, 0.62],
  training: [0.62, 0.97],
  saving: [0.97, 0.99],
  done: [1, 1],
};

export class TeachJob {
  readonly id = crypto.randomUUID();
  readonly finished: Promise<HouseStyleProgress>;
  private readonly stop = new SharedArrayBuffer(4);
  private progress: HouseStyleProgress;

  constructor(options: { lookbookDir: string; backbonePath: string; outDir: string; cacheDir: string | null; onDone?: () => void }) {
    this.progress = { jobId: this.id, state: 'running', phase: 'reading', done: 0, total: 0, fraction: 0, validation: null, error: null };
    const data: TeachWorkerData = { ...options, stopFlag: this.stop };
    delete (data as Partial<typeof options>).onDone;
    const worker = new Worker(siblingModule(import.meta.url, 'teach-worker'), { workerData: data });
    this.finished = new Promise((resolve) => {
      const end = (state: HouseStyleProgress['state'], error: string | null) => {
        if (this.progress.state !== 'running') return;
        this.progress = { ...this.progress, state, error, ...(state === 'done' ? { phase: 'done' as const, fraction: 1 } : {}) };
        void worker.terminate();
        if (state === 'done') options.onDone?.();
        resolve(this.snapshot());
      };
      worker.on('message', (msg: TeachWorkerMessage) => {
        if ('progress' in msg) {
          const p = msg.progress;
          const [from, to] = PHASE_SPAN[p.phase];
          const within = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
          const v = p.validation;
          this.progress = {
            ...this.progress,
            phase: p.phase,
            done: p.done,
            total: p.total,
            fraction: Math.max(this.progress.fraction, from + (to - from) * within),
            validation: v ? { aucSwap: v.auc_swap, aucRandom: v.auc_random, fitb: v.fitb } : this.progress.validation,
          };
        } else if ('result' in msg) {
          end('done', null);
        } else {
          end(Atomics.load(new Int32Array(this.stop), 0) === 1 ? 'cancelled' : 'failed', msg.error);
        }
      });
      worker.on('error', (error) => end('failed', error.message));
      worker.on('exit', (code) => end('failed', `the training worker stopped (exit code ${code})`));
    });
  }

  cancel(): void {
    Atomics.store(new Int32Array(this.stop), 0, 1);
  }

  snapshot(): HouseStyleProgress {
    return { ...this.progress, validation: this.progress.validation ? { ...this.progress.validation } : null };
  }
}

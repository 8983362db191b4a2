// One import session for the window: files are sent with `import.files` in small batches (each becomes a job
// in the core), every job is polled with `import.status`, and the jobs' numbers are added up into one progress
// the UI shows. It lives above the views, so switching tabs does not stop an import.
import type { ImportProgress } from '../../../shared/api.ts';
import type { StylistClient } from '../api/client.ts';
import { MAX_BYTES_PER_BATCH, MAX_FILES_PER_BATCH, readFileBase64, rejectReason } from './files.ts';

export const IMPORT_POLL_MS = 300;

export type ImportState = 'idle' | 'running' | 'cancelling' | 'done' | 'cancelled';

/**
 * The session's progress: the jobs' numbers added up. `total` counts every file handed to this session (dropped
 * or picked), including the ones refused before sending; `rate` is images per second since the session started.
 */
export interface ImportSnapshot extends Omit<ImportProgress, 'jobId' | 'state'> {
  state: ImportState;
  /** Files not sent to the core yet. */
  waiting: number;
}

export interface ImportManagerOptions {
  pollMs?: number;
  maxFilesPerBatch?: number;
  maxBytesPerBatch?: number;
  /** Jobs allowed to be unfinished in the core at once; the next batch is read and sent only below that. */
  maxJobsInFlight?: number;
  readFile?: (file: File) => Promise<string>;
  now?: () => number;
  /** Errors the banner should show (failed uploads, lost jobs). */
  onError?: (error: unknown) => void;
  /** A job finished having added items for this person: wardrobe lists should reload. */
  onItemsChanged?: (personId: number) => void;
}

interface QueuedFile {
  file: File;
  personId: number;
}

interface Job {
  jobId: string;
  personId: number;
  files: number;
  progress: ImportProgress | null;
  finished: boolean;
  /** Set when the job was given up on; counts its unprocessed files as done-and-failed. */
  abandoned: number;
  errorsInARow: number;
}

const TERMINAL: ReadonlySet<ImportProgress['state']> = new Set(['done', 'cancelled', 'failed']);
/** Consecutive `import.status` failures before a job is given up on. */
const MAX_STATUS_ERRORS = 3;

function emptySnapshot(): ImportSnapshot {
  return { state: 'idle', total: 0, done: 0, imported: 0, duplicates: 0, failed: [], rate: 0, etaSeconds: null, waiting: 0 };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class ImportManager {
  private readonly client: StylistClient;
  private readonly pollMs: number;
  private readonly maxFiles: number;
  private readonly maxBytes: number;
  private readonly maxJobsInFlight: number;
  private readonly readFile: (file: File) => Promise<string>;
  private readonly now: () => number;
  private readonly onError: (error: unknown) => void;
  private readonly onItemsChanged: (personId: number) => void;

  private listeners = new Set<() => void>();
  private snapshot: ImportSnapshot = emptySnapshot();

  // Session state.
  private state: ImportState = 'idle';
  private total = 0;
  private queue: QueuedFile[] = [];
  /** Files being read or uploaded right now. */
  private sending = 0;
  /** Files that failed before the core took them (one entry per file). */
  private localFailures: { file: string; error: string }[] = [];
  /** One note per job given up on, naming how many of its files are lost. */
  private lostNotes: { file: string; error: string }[] = [];
  private jobs: Job[] = [];
  private startedAt = 0;
  private pumping = false;
  private pollTimer: ReturnType<typeof setTimeout> | null = null;
  private changeWaiters: (() => void)[] = [];
  private disposed = false;

  constructor(client: StylistClient, options: ImportManagerOptions = {}) {
    this.client = client;
    this.pollMs = options.pollMs ?? IMPORT_POLL_MS;
    this.maxFiles = options.maxFilesPerBatch ?? MAX_FILES_PER_BATCH;
    this.maxBytes = options.maxBytesPerBatch ?? MAX_BYTES_PER_BATCH;
    this.maxJobsInFlight = Math.max(1, options.maxJobsInFlight ?? 2);
    this.readFile = options.readFile ?? readFileBase64;
    this.now = options.now ?? (() => Date.now());
    this.onError = options.onError ?? (() => {});
    this.onItemsChanged = options.onItemsChanged ?? (() => {});
  }

  // --- For useSyncExternalStore -------------------------------------------------------------------------
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ImportSnapshot => this.snapshot;

  // --- Commands -------------------------------------------------------------------------------------------
  /** Adds files for a person; starts a new session unless one is running (then they join it). */
  add(personId: number, files: readonly File[]): void {
    if (this.disposed || files.length === 0) return;
    if (this.state !== 'running') this.resetSession();
    this.state = 'running';
    if (this.startedAt === 0) this.startedAt = this.now();
    for (const file of files) {
      this.total += 1;
      const reason = rejectReason(file);
      if (reason) this.localFailures.push({ file: file.name, error: reason });
      else this.queue.push({ file, personId });
    }
    this.emit();
    void this.pump();
  }

  /** Stops sending, asks the core to cancel unfinished jobs, and ends the session once they stop. */
  cancel(): void {
    if (this.state !== 'running') return;
    this.state = 'cancelling';
    this.queue = [];
    for (const job of this.jobs) if (!job.finished) void this.cancelJob(job);
    this.emit();
    this.maybeFinish();
  }

  /** Clears a finished session from the screen. */
  clear(): void {
    if (this.state === 'running' || this.state === 'cancelling') return;
    this.resetSession();
    this.emit();
  }

  /** Stops timers (the window is going away, or React is simulating that in StrictMode). */
  dispose(): void {
    this.disposed = true;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.wakeWaiters();
  }

  /** Undoes dispose(): picks up polling and sending where they stopped. */
  resume(): void {
    if (!this.disposed) return;
    this.disposed = false;
    if (this.unfinishedJobs() > 0) this.schedulePoll();
    if (this.state === 'running' && this.queue.length > 0) void this.pump();
  }

  // --- Internals ------------------------------------------------------------------------------------------
  private resetSession(): void {
    this.state = 'idle';
    this.total = 0;
    this.queue = [];
    this.sending = 0;
    this.localFailures = [];
    this.lostNotes = [];
    this.jobs = [];
    this.startedAt = 0;
  }

  private stateNow(): ImportState {
    return this.state;
  }

  private unfinishedJobs(): number {
    return this.jobs.filter((job) => !job.finished).length;
  }

  private waitForChange(): Promise<void> {
    return new Promise((resolve) => this.changeWaiters.push(resolve));
  }

  private wakeWaiters(): void {
    const waiters = this.changeWaiters;
    this.changeWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Takes the next batch off the queue: same person, at most maxFiles files and maxBytes bytes. */
  private takeBatch(): QueuedFile[] {
    const batch: QueuedFile[] = [];
    let bytes = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      if (batch.length > 0) {
        if (batch.length >= this.maxFiles) break;
        if (bytes + next.file.size > this.maxBytes) break;
        if (next.personId !== batch[0]!.personId) break;
      }
      batch.push(next);
      bytes += next.file.size;
      this.queue.shift();
    }
    return batch;
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.disposed && this.state === 'running' && this.queue.length > 0) {
        if (this.unfinishedJobs() >= this.maxJobsInFlight) {
          await this.waitForChange();
          continue;
        }
        const batch = this.takeBatch();
        this.sending = batch.length;
        this.emit();
        await this.send(batch);
        this.sending = 0;
        this.emit();
      }
    } finally {
      this.pumping = false;
      this.sending = 0;
      this.maybeFinish();
    }
  }

  private async send(batch: QueuedFile[]): Promise<void> {
    const personId = batch[0]!.personId;
    const files: { name: string; dataBase64: string }[] = [];
    for (const { file } of batch) {
      try {
        files.push({ name: file.name, dataBase64: await this.readFile(file) });
      } catch (error) {
        this.localFailures.push({ file: file.name, error: `Could not read the file: ${messageOf(error)}` });
      }
    }
    if (files.length === 0 || this.state !== 'running' || this.disposed) return;
    let jobId: string;
    try {
      ({ jobId } = await this.client.call('import.files', { personId, files }));
    } catch (error) {
      for (const file of files) this.localFailures.push({ file: file.name, error: messageOf(error) });
      this.onError(error);
      return;
    }
    const job: Job = { jobId, personId, files: files.length, progress: null, finished: false, abandoned: 0, errorsInARow: 0 };
    this.jobs.push(job);
    // Cancel may have been pressed while the upload was on its way (a read of state after an await).
    if (this.stateNow() === 'cancelling') void this.cancelJob(job);
    this.schedulePoll();
  }

  private async cancelJob(job: Job): Promise<void> {
    try {
      this.update(job, await this.client.call('import.cancel', { jobId: job.jobId }));
    } catch (error) {
      this.onError(error);
    }
    this.schedulePoll();
    this.emit();
    this.maybeFinish();
  }

  private schedulePoll(): void {
    if (this.pollTimer || this.disposed) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      void this.poll();
    }, this.pollMs);
  }

  private async poll(): Promise<void> {
    const open = this.jobs.filter((job) => !job.finished);
    await Promise.all(
      open.map(async (job) => {
        try {
          this.update(job, await this.client.call('import.status', { jobId: job.jobId }));
          job.errorsInARow = 0;
        } catch (error) {
          job.errorsInARow += 1;
          if (job.errorsInARow >= MAX_STATUS_ERRORS && !job.finished) {
            this.abandon(job, `Lost track of this import: ${messageOf(error)}`);
            this.onError(error);
          }
        }
      }),
    );
    if (this.disposed) return;
    this.emit();
    this.wakeWaiters();
    if (this.unfinishedJobs() > 0) this.schedulePoll();
    this.maybeFinish();
  }

  private update(job: Job, progress: ImportProgress): void {
    if (job.finished) return;
    job.progress = progress;
    if (!TERMINAL.has(progress.state)) return;
    job.finished = true;
    if (progress.state === 'failed') {
      const missing = Math.max(0, progress.total - progress.done);
      if (missing > 0 && this.state === 'running') {
        this.onError(new Error(`An import job stopped early; ${missing} of its files were not imported.`));
      }
    }
    if (progress.imported > 0) this.onItemsChanged(job.personId);
  }

  private abandon(job: Job, reason: string): void {
    job.finished = true;
    const done = job.progress?.done ?? 0;
    job.abandoned = Math.max(0, job.files - done);
    if (job.abandoned > 0) {
      this.lostNotes.push({ file: `${job.abandoned} file${job.abandoned === 1 ? '' : 's'}`, error: reason });
    }
  }

  private maybeFinish(): void {
    if (this.state !== 'running' && this.state !== 'cancelling') return;
    if (this.pumping || this.sending > 0 || this.queue.length > 0 || this.unfinishedJobs() > 0) return;
    this.state = this.state === 'cancelling' ? 'cancelled' : 'done';
    this.emit();
  }

  private emit(): void {
    let serverDone = 0;
    let imported = 0;
    let duplicates = 0;
    let abandoned = 0;
    const failed = [...this.localFailures];
    for (const job of this.jobs) {
      const p = job.progress;
      abandoned += job.abandoned;
      if (!p) continue;
      serverDone += p.done;
      imported += p.imported;
      duplicates += p.duplicates;
      failed.push(...p.failed);
    }
    failed.push(...this.lostNotes);
    const done = Math.min(this.total, this.localFailures.length + serverDone + abandoned);
    const elapsed = this.startedAt > 0 ? (this.now() - this.startedAt) / 1000 : 0;
    const rate = elapsed > 0 ? serverDone / elapsed : 0;
    const running = this.state === 'running';
    const remaining = this.total - done;
    const etaSeconds = running && rate > 0 && remaining > 0 ? remaining / rate : running && remaining === 0 ? 0 : null;
    this.snapshot = {
      state: this.state,
      total: this.total,
      done,
      imported,
      duplicates,
      failed,
      rate,
      etaSeconds,
      waiting: this.queue.length + this.sending,
    };
    for (const listener of [...this.listeners]) listener();
  }
}

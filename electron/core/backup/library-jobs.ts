// Exports, backups and imports of a whole library as jobs the window polls (`library.status`), like photo
// imports: each reports its phase, bytes done, rate and ETA, and can be cancelled. An import runs alone; an
// export or backup may run beside another one, not beside an import.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import type { ExportedFile, LibraryImportSummary, LibraryJobProgress } from '../../../shared/api.ts';
import { storageProblem } from '../library/library-files.ts';
import type { LibraryFiles } from '../library/library-files.ts';
import { backupsDir, ensureDir, exportsDir, pruneExports, timestampedName } from './exports-dir.ts';
import { writeLibraryArchive } from './library-archive.ts';
import { ArchiveRefusedError, Cancelled, mergeLibraryArchive } from './library-merge.ts';
import { ZipAbort } from './zip-writer.ts';

export interface LibraryJobsDeps {
  db: Database;
  files: LibraryFiles;
  appVersion: string;
  /** After an import: the people who received likes or dislikes (their models should learn from them). */
  onJudgementsAdded?: (personIds: number[]) => void;
  /** After a merge that added items (an older version's models may have described them). */
  onItemsAdded?: () => void;
}

/** A request the person can fix (a bad destination, a job already running); `code` is the API error code. */
export class LibraryJobRequestError extends Error {
  readonly code: 'bad_request' | 'conflict';
  constructor(code: 'bad_request' | 'conflict', message: string) {
    super(message);
    this.name = 'LibraryJobRequestError';
    this.code = code;
  }
}

interface JobControl {
  report(phase: LibraryJobProgress['phase'], done: number, total: number): void;
  shouldStop(): boolean;
}

export class LibraryJob {
  readonly id = crypto.randomUUID();
  readonly kind: LibraryJobProgress['kind'];
  private readonly started = performance.now();
  private cancelled = false;
  private readonly progress: LibraryJobProgress;
  readonly finished: Promise<LibraryJobProgress>;

  constructor(kind: LibraryJobProgress['kind'], run: (control: JobControl) => Promise<{ file?: ExportedFile; summary?: LibraryImportSummary }>) {
    this.kind = kind;
    this.progress = { jobId: this.id, kind, state: 'running', phase: kind === 'import' ? 'reading' : 'snapshot', done: 0, total: 0, rate: 0, etaSeconds: null, file: null, summary: null, error: null };
    const control: JobControl = {
      report: (phase, done, total) => {
        Object.assign(this.progress, { phase, done, total });
        const seconds = (performance.now() - this.started) / 1000;
        this.progress.rate = seconds > 0 ? done / seconds : 0;
        this.progress.etaSeconds = this.progress.rate > 0 && total > done ? (total - done) / this.progress.rate : null;
      },
      shouldStop: () => this.cancelled,
    };
    this.finished = this.execute(run, control);
  }

  private async execute(run: (control: JobControl) => Promise<{ file?: ExportedFile; summary?: LibraryImportSummary }>, control: JobControl): Promise<LibraryJobProgress> {
    // Let the handler answer with the job id before any work starts.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      const result = await run(control);
      Object.assign(this.progress, { state: 'done', phase: 'done', file: result.file ?? null, summary: result.summary ?? null, etaSeconds: 0 });
    } catch (error) {
      if (error instanceof Cancelled || error instanceof ZipAbort || this.cancelled) {
        Object.assign(this.progress, { state: 'cancelled', error: null });
      } else {
        Object.assign(this.progress, { state: 'failed', error: describeFailure(this.kind, error) });
      }
      this.progress.etaSeconds = null;
    }
    return this.snapshot();
  }

  cancel(): void {
    if (this.progress.state === 'running') this.cancelled = true;
  }

  snapshot(): LibraryJobProgress {
    return { ...this.progress, summary: this.progress.summary ? { ...this.progress.summary, skipped: [...this.progress.summary.skipped] } : null };
  }

  get running(): boolean {
    return this.progress.state === 'running';
  }
}

function describeFailure(kind: LibraryJobProgress['kind'], error: unknown): string {
  if (error instanceof ArchiveRefusedError) return error.message;
  const problem = storageProblem(error);
  const what = kind === 'import' ? 'The import' : kind === 'backup' ? 'The backup' : 'The export';
  if (problem) return `${what} stopped: ${problem}.${kind === 'import' ? ' Your library was not changed.' : ''}`;
  return `${what} failed: ${error instanceof Error ? error.message : String(error)}`;
}

export class LibraryJobs {
  private readonly deps: LibraryJobsDeps;
  readonly jobs = new Map<string, LibraryJob>();

  constructor(deps: LibraryJobsDeps) {
    this.deps = deps;
  }

  get(jobId: string): LibraryJob | undefined {
    return this.jobs.get(jobId);
  }

  /** A zip of the library: to `destination` (an existing folder, or a new .zip path), else to exports/ for download. */
  export(destination?: string): LibraryJob {
    this.refuseDuring('import', 'an import of a library is running; export when it has finished');
    const { target, downloadable } = this.exportTarget(destination);
    return this.add(new LibraryJob('export', (control) => this.writeZip(target, downloadable, control)));
  }

  /** A timestamped zip in the library's backups/ folder. */
  backup(): LibraryJob {
    this.refuseDuring('import', 'an import of a library is running; back up when it has finished');
    const target = path.join(ensureDir(backupsDir(this.deps.files.root)), timestampedName('stylist-backup', 'zip'));
    return this.add(new LibraryJob('backup', (control) => this.writeZip(target, false, control)));
  }

  /** Merges a library zip into this library (see library-merge.ts). `uploaded` bytes are written to tmp/ first. */
  import(source: { path: string } | { bytes: Uint8Array }): LibraryJob {
    if ([...this.jobs.values()].some((j) => j.running)) throw new LibraryJobRequestError('conflict', 'another export, backup or import of the library is running; try again when it has finished');
    let zipPath: string;
    let cleanup = () => {};
    if ('path' in source) {
      zipPath = path.resolve(source.path);
      const stat = fs.statSync(zipPath, { throwIfNoEntry: false });
      if (!stat?.isFile()) throw new LibraryJobRequestError('bad_request', `${zipPath} is not a file`);
    } else {
      zipPath = path.join(this.deps.files.root, 'tmp', `upload-${crypto.randomUUID()}.zip`);
      this.deps.files.writeAtomic(zipPath, source.bytes);
      cleanup = () => fs.rmSync(zipPath, { force: true });
    }
    return this.add(
      new LibraryJob('import', async (control) => {
        try {
          const summary = await mergeLibraryArchive({
            db: this.deps.db,
            files: this.deps.files,
            zipPath,
            onProgress: (p) => control.report(p.phase, p.done, p.total),
            shouldStop: control.shouldStop,
            onJudgementsAdded: this.deps.onJudgementsAdded,
          });
          if (summary.itemsAdded > 0) this.deps.onItemsAdded?.();
          return { summary };
        } finally {
          cleanup();
        }
      }),
    );
  }

  /** Cancels running jobs and waits for them (the library is closing): partial files are removed. */
  async close(): Promise<void> {
    for (const job of this.jobs.values()) job.cancel();
    await Promise.allSettled([...this.jobs.values()].map((j) => j.finished));
  }

  private add(job: LibraryJob): LibraryJob {
    this.jobs.set(job.id, job);
    return job;
  }

  private refuseDuring(kind: LibraryJobProgress['kind'], message: string): void {
    if ([...this.jobs.values()].some((j) => j.running && j.kind === kind)) throw new LibraryJobRequestError('conflict', message);
  }

  private exportTarget(destination?: string): { target: string; downloadable: boolean } {
    const name = timestampedName('stylist-library', 'zip');
    const exportsFolder = ensureDir(exportsDir(this.deps.files.root));
    if (destination === undefined) {
      pruneExports(this.deps.files.root);
      return { target: path.join(exportsFolder, name), downloadable: true };
    }
    const resolved = path.resolve(destination);
    const stat = fs.statSync(resolved, { throwIfNoEntry: false });
    if (stat?.isDirectory()) return { target: path.join(resolved, name), downloadable: resolved === exportsFolder };
    if (stat) throw new LibraryJobRequestError('conflict', `${resolved} exists already; choose a folder or a new file name`);
    if (!resolved.toLowerCase().endsWith('.zip')) throw new LibraryJobRequestError('bad_request', `${resolved} is neither a folder nor a .zip file name`);
    if (!fs.statSync(path.dirname(resolved), { throwIfNoEntry: false })?.isDirectory()) throw new LibraryJobRequestError('bad_request', `the folder ${path.dirname(resolved)} does not exist`);
    return { target: resolved, downloadable: false };
  }

  private async writeZip(target: string, downloadable: boolean, control: JobControl): Promise<{ file: ExportedFile }> {
    const { bytes } = await writeLibraryArchive({
      db: this.deps.db,
      files: this.deps.files,
      target,
      appVersion: this.deps.appVersion,
      onProgress: (p) => control.report(p.phase, p.done, p.total),
      shouldStop: control.shouldStop,
    });
    return { file: { path: target, fileName: path.basename(target), bytes, downloadable } };
  }
}

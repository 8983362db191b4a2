// Imports photos into a person's wardrobe: decode, embed, describe, store. Three stages run at once on
// different batches (batch-pipeline.ts): decoding (sharp's threads), inference (the backbone worker) and
// storing (files, then SQLite), so both cores stay busy. A bad file is reported and skipped; each batch is
// stored in one transaction, after its files are on disk, so a crash or a cancel leaves only whole items behind.
import crypto from 'node:crypto';
import path from 'node:path';
import type { ImportProgress } from '../../../shared/api.ts';
import { COLOR_SAMPLE_SIDE, decodeImage } from '../vision/decode.ts';
import type { DecodedImage } from '../vision/decode.ts';
import type { Backbone } from '../vision/backbone.ts';
import { describeOutput } from './describe.ts';
import { dominantColors } from '../vision/colors.ts';
import type { NamedColor } from '../vision/colors.ts';
import { runBatchPipeline } from '../vision/batch-pipeline.ts';
import type { PipelineTimings } from '../vision/batch-pipeline.ts';
import type { BackboneOutput } from '../vision/backbone.ts';
import type { ImportSource } from './import-sources.ts';
import type { ItemsRepo, NewItem } from './items-repo.ts';
import { sha256Hex, storageProblem } from './library-files.ts';
import type { LibraryFiles } from './library-files.ts';
import { TurnQueue } from './turn-queue.ts';
import { lowerBackgroundThreads } from './thread-priority.ts';

export const IMPORT_BATCH = 16;

export interface ImportDeps {
  repo: ItemsRepo;
  files: LibraryFiles;
  backbone: () => Promise<Backbone>;
  labels: readonly string[];
}

interface Decoded {
  source: ImportSource;
  bytes: Uint8Array;
  sha256: string;
  image: DecodedImage;
  colors: NamedColor[];
}

interface Embedded {
  batch: Decoded[];
  output: BackboneOutput | null;
  /** The models that gave the output (models-key.ts). */
  models: string | null;
}

export class ImportJob {
  readonly id = crypto.randomUUID();
  private readonly deps: ImportDeps;
  private readonly personId: number;
  private readonly sources: ImportSource[];
  private readonly started = performance.now();
  private cancelled = false;
  private readonly seen = new Set<string>();
  /** Per-photo CPU work of the decode stage (colours) and of the store stage (reading the model's
   * outputs), one photo per event-loop turn; one queue each, so storing never waits behind decoding. */
  private readonly decodeWork = new TurnQueue();
  private readonly storeWork = new TurnQueue();
  readonly progress: ImportProgress;
  readonly finished: Promise<ImportProgress>;
  /** Where the time went (seconds per stage), once finished; for the benchmark. */
  timings: PipelineTimings | null = null;

  constructor(deps: ImportDeps, personId: number, sources: ImportSource[]) {
    this.deps = deps;
    this.personId = personId;
    this.sources = sources;
    this.progress = { jobId: this.id, state: 'running', total: sources.length, done: 0, imported: 0, duplicates: 0, failed: [], rate: 0, etaSeconds: null };
    this.finished = this.run();
  }

  cancel(): void {
    this.cancelled = true;
  }

  snapshot(): ImportProgress {
    return { ...this.progress, failed: [...this.progress.failed] };
  }

  private async run(): Promise<ImportProgress> {
    try {
      this.timings = await runBatchPipeline({
        sources: this.sources,
        batchSize: IMPORT_BATCH,
        prepare: (batch) => this.decodeBatch(batch),
        consume: (decoded) => this.embed(decoded),
        store: (embedded) => this.store(embedded),
        stopped: () => this.cancelled,
      });
      this.progress.state = this.cancelled ? 'cancelled' : 'done';
    } catch (error) {
      this.progress.state = 'failed';
      this.progress.failed.push({ file: '(import)', error: storageProblem(error) ?? (error instanceof Error ? error.message : String(error)) });
    }
    this.progress.etaSeconds = 0;
    return this.snapshot();
  }

  private async decodeBatch(batch: ImportSource[]): Promise<Decoded[]> {
    const results = await Promise.all(
      batch.map(async (source): Promise<Decoded | null> => {
        try {
          const bytes = await source.read();
          const sha256 = sha256Hex(bytes);
          const known = this.seen.has(sha256) ? -1 : this.deps.repo.itemIdBySha(sha256);
          this.seen.add(sha256);
          if (known !== null) {
            if (known > 0) this.deps.repo.insertBatch(this.personId, [], [known]);
            this.progress.duplicates++;
            this.tick();
            return null;
          }
          const image = await decodeImage(bytes);
          // Colours are named here, off the inference stage's path, one photo per event-loop turn so API calls
          // are answered between them.
          const colors = await this.decodeWork.run(() => dominantColors(image.colorSample, COLOR_SAMPLE_SIDE));
          return { source, bytes, sha256, image, colors };
        } catch (error) {
          this.fail(source, error);
          return null;
        }
      }),
    );
    return results.filter((r): r is Decoded => r !== null);
  }

  private async embed(batch: Decoded[]): Promise<Embedded> {
    if (batch.length === 0) return { batch, output: null, models: null };
    const backbone = await this.deps.backbone();
    return { batch, output: await backbone.embed(batch.map((d) => d.image.modelInput), { heads: true }), models: backbone.modelsKey };
  }

  private async store(embedded: Embedded): Promise<void> {
    // By now the threads of decoding and inference have started: they yield the cores to the main thread.
    lowerBackgroundThreads();
    const { batch, output } = embedded;
    if (!output) return;
    const items = await Promise.all(batch.map((d, i) => this.storeWork.run(() => this.describe(d, { ...embedded, output }, i))));
    // Files first, row last: a row never points at a file that is not there. Written off the main thread (each
    // is fsynced); a photo whose files cannot be written (a full disk) fails alone.
    const stored = await Promise.all(batch.map((d, i) => this.storeFiles(d, items[i]!.ext)));
    const kept = items.filter((_, i) => stored[i]);
    try {
      this.deps.repo.insertBatch(this.personId, kept, []);
    } catch (error) {
      if (!storageProblem(error)) throw error;
      batch.forEach((d, i) => stored[i] && this.fail(d.source, error));
      return;
    }
    this.progress.imported += kept.length;
    for (let i = 0; i < kept.length; i++) this.tick();
  }

  /** The item row for photo i of a batch, from its decoded photo and the model's outputs. */
  private describe(d: Decoded, { output, models }: Embedded & { output: BackboneOutput }, i: number): NewItem {
    return {
      ...describeOutput(output, i, this.deps.labels),
      sha256: d.sha256,
      fileName: path.basename(d.source.name).slice(0, 255),
      ext: extensionFor(d),
      width: d.image.width,
      height: d.image.height,
      colors: d.colors,
      embedding: output.embeddings[i]!,
      models,
    };
  }

  private async storeFiles(d: Decoded, ext: string): Promise<boolean> {
    try {
      await this.deps.files.writeAtomicAsync(this.deps.files.mediaPath('original', d.sha256, ext)!, d.bytes);
      if (d.image.thumbnail) await this.deps.files.writeAtomicAsync(this.deps.files.mediaPath('thumb', d.sha256)!, d.image.thumbnail);
      return true;
    } catch (error) {
      this.fail(d.source, error);
      return false;
    }
  }

  private fail(source: ImportSource, error: unknown): void {
    this.progress.failed.push({ file: source.name, error: storageProblem(error) ?? (error instanceof Error ? error.message : String(error)) });
    this.tick();
  }

  private tick(): void {
    const p = this.progress;
    p.done++;
    const seconds = (performance.now() - this.started) / 1000;
    p.rate = seconds > 0 ? Math.round((p.done / seconds) * 10) / 10 : 0;
    p.etaSeconds = p.rate > 0 ? Math.round((p.total - p.done) / p.rate) : null;
  }
}

function extensionFor(d: Decoded): string {
  const byFormat: Record<string, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', gif: 'gif', tiff: 'tif', heif: 'heic', avif: 'avif' };
  return byFormat[d.image.format] ?? 'bin';
}

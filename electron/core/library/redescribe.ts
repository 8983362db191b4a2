// Describes again, with the app's current models, the items that other models described: after an update ships
// a retrained head or a backbone run differently, stored embeddings, types and codes would otherwise mix two
// models' answers (a Hamming distance between codes of two heads means nothing). Runs in the background like an
// import (the same three-stage pipeline: decode, the backbone worker, store), from each item's original; each
// batch is stored in one transaction with the models key, so a crash or a close leaves whole items, and the next
// run goes on with the rest. A person's type correction is kept. An item whose original is missing or unreadable
// keeps its old description and is counted, not retried in the same run.
import type { ModelUpdateProgress } from '../../../shared/api.ts';
import { decodeModelInput } from '../vision/decode.ts';
import type { Backbone, BackboneOutput } from '../vision/backbone.ts';
import { runBatchPipeline } from '../vision/batch-pipeline.ts';
import { describeOutput } from './describe.ts';
import type { ItemsRepo, Redescription, StaleItem } from './items-repo.ts';
import type { LibraryFiles } from './library-files.ts';
import { lowerBackgroundThreads } from './thread-priority.ts';
import { IMPORT_BATCH } from './importer.ts';
import fsp from 'node:fs/promises';

export interface RedescribeDeps {
  repo: ItemsRepo;
  files: LibraryFiles;
  backbone: () => Promise<Backbone>;
  labels: readonly string[];
  /** After the last batch, when any item changed: what was built from the old descriptions is stale. */
  onChanged: () => void;
  log: (message: string) => void;
  /** Which run of this session this is (shown with its progress). */
  run: number;
}

interface Prepared {
  items: StaleItem[];
  inputs: Buffer[];
}

export class RedescribeJob {
  private readonly deps: RedescribeDeps;
  private cancelled = false;
  private readonly progress: ModelUpdateProgress;
  readonly finished: Promise<ModelUpdateProgress>;

  constructor(deps: RedescribeDeps) {
    this.deps = deps;
    this.progress = { run: deps.run, state: 'running', total: 0, done: 0, failed: 0 };
    this.finished = this.run();
  }

  cancel(): void {
    this.cancelled = true;
  }

  snapshot(): ModelUpdateProgress {
    return { ...this.progress };
  }

  private async run(): Promise<ModelUpdateProgress> {
    let changed = 0;
    try {
      const backbone = await this.deps.backbone();
      const models = backbone.modelsKey;
      const stale = this.deps.repo.staleItems(models);
      this.progress.total = stale.length;
      if (stale.length) this.deps.log(`describing ${stale.length} item(s) again with the current models (${models})`);
      await runBatchPipeline({
        sources: stale,
        batchSize: IMPORT_BATCH,
        prepare: (items) => this.decode(items),
        consume: async ({ items, inputs }) => ({ items, output: inputs.length ? await backbone.embed(inputs, { heads: true }) : null }),
        store: async ({ items, output }) => {
          lowerBackgroundThreads();
          if (output) {
            this.deps.repo.redescribe(items.map((item, i): Redescription => ({ id: item.id, embedding: output.embeddings[i]!, models, ...this.described(output, i) })));
            changed += items.length;
          }
          this.progress.done += items.length;
        },
        stopped: () => this.cancelled,
      });
      this.progress.state = this.cancelled ? 'cancelled' : 'done';
    } catch (error) {
      this.progress.state = 'failed';
      this.progress.error = error instanceof Error ? error.message : String(error);
      this.deps.log(`describing items again failed: ${this.progress.error}`);
    }
    if (changed > 0) this.deps.onChanged();
    return this.snapshot();
  }

  private described(output: BackboneOutput, i: number): Omit<Redescription, 'id' | 'embedding' | 'models'> {
    const { type, typeConfidence, fineLabel, fineConfidence, codes } = describeOutput(output, i, this.deps.labels);
    return { type, typeConfidence, fineLabel, fineConfidence, codes };
  }

  /** The model inputs of the items whose originals can be read; the others are counted as failed. */
  private async decode(batch: StaleItem[]): Promise<Prepared> {
    const read = await Promise.all(
      batch.map(async (item) => {
        try {
          const file = this.deps.files.mediaPath('original', item.sha256, item.ext);
          if (!file) throw new Error('no original');
          return { item, input: await decodeModelInput(await fsp.readFile(file)) };
        } catch {
          this.progress.failed++;
          this.progress.done++;
          return null;
        }
      }),
    );
    const ok = read.filter((r) => r !== null);
    return { items: ok.map((r) => r.item), inputs: ok.map((r) => r.input) };
  }
}

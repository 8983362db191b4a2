// stylist bench import: end-to-end import rate (read, decode, embed, tags, colours, thumbnail, SQLite) of a
// folder of photos into a fresh temporary library, and in the same run the backbone-only rate on the same
// images (already decoded), so the ratio says how much of the machine the pipeline around the model costs.
// Also timed on the same images: the model work the import does per photo (the backbone on the photo and on
// its centre view, then the item heads), and how long each import stage was busy, to say where time goes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCore, BACKBONE_FILE } from '../../core.ts';
import { expandPaths } from '../../library/import-sources.ts';
import { Backbone } from '../../vision/backbone.ts';
import type { PipelineTimings } from '../../vision/batch-pipeline.ts';
import { IMPORT_BATCH } from '../../library/importer.ts';
import { decodeModelInput } from '../../vision/decode.ts';
import { GENERATED_MODELS_DIR } from '../../paths.ts';
import type { ParsedArgs } from '../args.ts';
import { stringFlag } from '../args.ts';
import { printResult } from '../output.ts';
import { round } from './eval-embeddings.ts';

export async function benchImport(args: ParsedArgs): Promise<void> {
  const dataDir = stringFlag(args, 'data');
  const limit = Number(stringFlag(args, 'limit', '0')) || Infinity;
  const modelDir = stringFlag(args, 'models', GENERATED_MODELS_DIR);
  const sources = (await expandPaths([dataDir])).slice(0, limit);
  if (sources.length === 0) throw new Error(`no photos found in ${dataDir}`);
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

  // End to end, through the same import job the app runs.
  const libraryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stylist-bench-'));
  const core = openCore({ libraryDir, modelDir, shell: 'browser', version: 'bench' });
  const person = core.services.people.create('bench');
  let provider = 'cpu';
  let endToEnd: { seconds: number; imported: number; failed: number; timings: PipelineTimings | null };
  try {
    // Load the model before the clock starts: the rate is of importing, not of starting up.
    const warm = core.services.startImport(person.id, sources.slice(0, 1));
    await warm.finished;
    const job = core.services.startImport(person.id, sources);
    const t0 = performance.now();
    const result = await job.finished;
    endToEnd = { seconds: (performance.now() - t0) / 1000, imported: result.imported + result.duplicates, failed: result.failed.length, timings: job.timings };
    provider = core.services.provider() ?? provider;
  } finally {
    await core.close();
    fs.rmSync(libraryDir, { recursive: true, force: true });
  }

  // Backbone only: the same images, decoded beforehand, in batches of the import's size (same session options).
  const inputs: Buffer[] = [];
  for (const s of sources) {
    try {
      inputs.push(await decodeModelInput(await s.read()));
    } catch {
      // unreadable files are not part of either rate
    }
  }
  const backbone = await Backbone.open({ modelPath: path.join(modelDir, BACKBONE_FILE) });
  const timeEmbedding = async (heads: boolean) => {
    const t1 = performance.now();
    for (let i = 0; i < inputs.length; i += IMPORT_BATCH) await backbone.embed(inputs.slice(i, i + IMPORT_BATCH), { heads });
    return (performance.now() - t1) / 1000;
  };
  const backboneSeconds = await timeEmbedding(false);
  const modelSeconds = backbone.heads ? await timeEmbedding(true) : null;
  await backbone.close();
  clearInterval(sampler);

  const imagesPerS = endToEnd.imported / endToEnd.seconds;
  const backboneImagesPerS = inputs.length / backboneSeconds;
  const modelImagesPerS = modelSeconds === null ? null : inputs.length / modelSeconds;
  const t = endToEnd.timings;
  printResult(
    args,
    {
      images_per_s: round(imagesPerS, 1),
      backbone_images_per_s: round(backboneImagesPerS, 1),
      ratio: round(imagesPerS / backboneImagesPerS, 3),
      peak_rss_mb: Math.round(peakRss / 2 ** 20),
      provider,
      // The backbone on each photo and its centre view, plus the item heads: the model work the import does.
      model_images_per_s: modelImagesPerS === null ? null : round(modelImagesPerS, 1),
      model_ratio: modelImagesPerS === null ? null : round(imagesPerS / modelImagesPerS, 3),
      // Seconds each import stage was busy (they overlap), and how long inference waited for decoded photos.
      seconds: round(endToEnd.seconds, 1),
      stage_seconds: t && { decode: round(t.prepare, 1), infer: round(t.consume, 1), store: round(t.store, 1), infer_waited: round(t.consumeWaited, 1) },
      load_average: round(os.loadavg()[0]!, 2),
      images: sources.length,
      failed: endToEnd.failed,
      cores: os.availableParallelism(),
    },
    (r) =>
      `Imported ${r.images} photos at ${r.images_per_s} images/s end to end; the backbone alone runs ${r.backbone_images_per_s} images/s (ratio ${r.ratio})` +
      (r.model_images_per_s === null ? '' : `, with the centre view and the item heads ${r.model_images_per_s} images/s (ratio ${r.model_ratio})`) +
      `; peak RSS ${r.peak_rss_mb} MB; provider ${r.provider}; load average ${r.load_average}.` +
      (r.stage_seconds ? ` Stages busy (overlapping) over ${r.seconds} s: decode ${r.stage_seconds.decode} s, inference ${r.stage_seconds.infer} s (waited ${r.stage_seconds.infer_waited} s for decoding), storing ${r.stage_seconds.store} s.` : ''),
  );
}

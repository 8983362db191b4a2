// stylist bench import: end-to-end import rate (read, decode, embed, tags, colours, thumbnail, SQLite) of a
// folder of photos into a fresh temporary library, and in the same run the backbone-only rate on the same
// images (already decoded), so the ratio says how much of the machine the pipeline around the model costs.
// Peak memory is sampled during the import only.
// Also timed on the same images: the model work the import does per photo (the backbone, then the item heads
// on its outputs), and how long each import stage was busy, to say where time goes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCore, BACKBONE_FILE } from '../../core.ts';
import { expandPaths } from '../../library/import-sources.ts';
import type { ImportSource } from '../../library/import-sources.ts';
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
  // The model-only rates are measured on half the photos before the import and half after, so that a change
  // in the machine's load during the run weighs on both sides of the ratio alike.
  const half = Math.ceil(sources.length / 2);
  const modelOnly: ModelOnlyTimes = { images: 0, backboneSeconds: 0, modelSeconds: 0, backboneCpu: 0, modelCpu: 0, heads: false };
  await timeModelOnly(sources.slice(0, half), path.join(modelDir, BACKBONE_FILE), modelOnly);

  // End to end, through the same import job the app runs; peak memory is of this part.
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const libraryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stylist-bench-'));
  const core = openCore({ libraryDir, modelDir, shell: 'browser', version: 'bench' });
  const person = core.services.people.create('bench');
  let provider = 'cpu';
  let endToEnd: { seconds: number; cpuSeconds: number; imported: number; failed: number; timings: PipelineTimings | null };
  try {
    // Load the model before the clock starts: the rate is of importing, not of starting up.
    const warm = core.services.startImport(person.id, sources.slice(0, 1));
    await warm.finished;
    const job = core.services.startImport(person.id, sources);
    const t0 = performance.now();
    const cpu0 = cpuSeconds();
    const result = await job.finished;
    endToEnd = {
      seconds: (performance.now() - t0) / 1000,
      cpuSeconds: cpuSeconds() - cpu0,
      imported: result.imported + result.duplicates,
      failed: result.failed.length,
      timings: job.timings,
    };
    provider = core.services.provider() ?? provider;
  } finally {
    clearInterval(sampler);
    await core.close();
    fs.rmSync(libraryDir, { recursive: true, force: true });
  }

  await timeModelOnly(sources.slice(half), path.join(modelDir, BACKBONE_FILE), modelOnly);
  const backboneImagesPerS = modelOnly.images / modelOnly.backboneSeconds;
  const modelImagesPerS = modelOnly.heads ? modelOnly.images / modelOnly.modelSeconds : null;
  const imagesPerS = endToEnd.imported / endToEnd.seconds;
  const t = endToEnd.timings;
  printResult(
    args,
    {
      images_per_s: round(imagesPerS, 1),
      backbone_images_per_s: round(backboneImagesPerS, 1),
      ratio: round(imagesPerS / backboneImagesPerS, 3),
      peak_rss_mb: Math.round(peakRss / 2 ** 20),
      provider,
      // The backbone plus the item heads: the model work the import does.
      model_images_per_s: modelImagesPerS === null ? null : round(modelImagesPerS, 1),
      model_ratio: modelImagesPerS === null ? null : round(imagesPerS / modelImagesPerS, 3),
      // Seconds each import stage was busy (they overlap), and how long inference waited for decoded photos.
      seconds: round(endToEnd.seconds, 1),
      stage_seconds: t && { decode: round(t.prepare, 1), infer: round(t.consume, 1), store: round(t.store, 1), infer_waited: round(t.consumeWaited, 1) },
      // CPU time (all threads) per photo: unlike the rates, hardly moved by other processes on the machine.
      cpu_ms_per_image: {
        import: round((1000 * endToEnd.cpuSeconds) / endToEnd.imported, 1),
        backbone: round((1000 * modelOnly.backboneCpu) / modelOnly.images, 1),
        model: modelOnly.heads ? round((1000 * modelOnly.modelCpu) / modelOnly.images, 1) : null,
      },
      load_average: round(os.loadavg()[0]!, 2),
      images: sources.length,
      failed: endToEnd.failed,
      cores: os.availableParallelism(),
    },
    (r) =>
      `Imported ${r.images} photos at ${r.images_per_s} images/s end to end; the backbone alone runs ${r.backbone_images_per_s} images/s (ratio ${r.ratio})` +
      (r.model_images_per_s === null ? '' : `, with the item heads ${r.model_images_per_s} images/s (ratio ${r.model_ratio})`) +
      `; peak RSS ${r.peak_rss_mb} MB; provider ${r.provider}; load average ${r.load_average}.` +
      ` CPU per photo: import ${r.cpu_ms_per_image.import} ms, backbone ${r.cpu_ms_per_image.backbone} ms, model ${r.cpu_ms_per_image.model ?? '-'} ms.` +
      (r.stage_seconds ? ` Stages busy (overlapping) over ${r.seconds} s: decode ${r.stage_seconds.decode} s, inference ${r.stage_seconds.infer} s (waited ${r.stage_seconds.infer_waited} s for decoding), storing ${r.stage_seconds.store} s.` : ''),
  );
}

interface ModelOnlyTimes {
  images: number;
  backboneSeconds: number;
  modelSeconds: number;
  backboneCpu: number;
  modelCpu: number;
  heads: boolean;
}

/** CPU seconds this process has used, all its threads together. */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * Times the backbone alone, then the import's model work (the backbone and the item heads),
 * on these photos decoded beforehand (decoding untimed), batch by batch in batches of the import's size.
 */
async function timeModelOnly(
  sources: readonly ImportSource[],
  modelPath: string,
  into: ModelOnlyTimes,
): Promise<void> {
  const backbone = await Backbone.open({ modelPath });
  try {
    into.heads = backbone.heads;
    for (let i = 0; i < sources.length; i += IMPORT_BATCH) {
      const inputs: Buffer[] = [];
      for (const s of sources.slice(i, i + IMPORT_BATCH)) {
        try {
          inputs.push(await decodeModelInput(await s.read()));
        } catch {
          // unreadable files are not part of any rate
        }
      }
      if (inputs.length === 0) continue;
      into.images += inputs.length;
      const [t0, cpu0] = [performance.now(), cpuSeconds()];
      await backbone.embed(inputs);
      const [t1, cpu1] = [performance.now(), cpuSeconds()];
      if (backbone.heads) await backbone.embed(inputs, { heads: true });
      into.backboneSeconds += (t1 - t0) / 1000;
      into.backboneCpu += cpu1 - cpu0;
      into.modelSeconds += (performance.now() - t1) / 1000;
      into.modelCpu += cpuSeconds() - cpu1;
    }
  } finally {
    await backbone.close();
  }
}

// stylist bench load: a big library under use. Builds a library of N items (default 20,000) from real kit
// photos (a few hundred imported for real, the rest synthetic rows whose embeddings are jittered copies of
// theirs), spread over clients' wardrobes, and reports peak memory, the time to open the library, and on the
// main thread: the latency of items.list and outfits.suggest idle; the event-loop delay while real photos
// import with nothing else going on (what the import itself costs the window); and both while photos import
// and the window's calls run every 20 ms.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ApiInput, ApiResults, GarmentType, ImportProgress, Item } from '../../../../shared/api.ts';
import { openCore } from '../../core.ts';
import type { Core } from '../../core.ts';
import { loadClothingDataset } from '../../datasets/clothing-dataset.ts';
import type { ClothingPhoto } from '../../datasets/clothing-dataset.ts';
import type { NewItem } from '../../library/items-repo.ts';
import { sha256Hex } from '../../library/library-files.ts';
import { Rng } from '../../learning/nn/rng.ts';
import { GENERATED_MODELS_DIR } from '../../paths.ts';
import type { ParsedArgs } from '../args.ts';
import { stringFlag } from '../args.ts';
import { printResult } from '../output.ts';
import { call } from '../../api/call.ts';
import { garmentTypeOfLabel } from '../../heads/labels.ts';

export interface LoadBenchOptions {
  /** The kit's clothing dataset folder (images.csv + images/). */
  dataDir: string;
  modelDir: string;
  /** Items in the library. */
  items: number;
  /** Real photos imported to build the synthetic items from. */
  realPhotos: number;
  /** Items in each client's wardrobe (items.list and outfits.suggest are measured on one). */
  wardrobe: number;
  /** Real photos imported while the calls are measured. */
  importPhotos: number;
  seed: number;
  log?: (message: string) => void;
}

export interface Latency {
  calls: number;
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
}

export interface LoadBenchResult {
  items: number;
  people: number;
  wardrobe: number;
  build_s: number;
  open_ms: number;
  library_mb: number;
  idle: Record<string, Latency>;
  /** Browsing the whole library, call after call with nothing else running: items.list pages (how a page's cost depends on where it is) and items.counts. */
  browse_idle: Record<string, Latency>;
  /** Suggestions for the person holding the whole library (a shop's stock: searched as a catalogue), idle: the session's first call, then new requests. */
  whole_library_suggest: FirstSuggestions;
  /** The same for a person whose wardrobe is sizeable (exact search; its first index built in a worker), after the whole library's. */
  sizeable_wardrobe_suggest: FirstSuggestions & { items: number };
  during_import: { calls: Record<string, Latency>; photos: number; seconds: number; imported: number };
  event_loop_delay_ms: { idle_p99: number; import_alone_p99: number; import_alone_max: number; import_and_calls_p99: number; import_and_calls_max: number };
  calls_over_100ms_during_import: number;
  peak_rss_mb: number;
  cores: number;
}

export async function runLoadBench(o: LoadBenchOptions): Promise<LoadBenchResult> {
  const log = o.log ?? (() => {});
  const rng = new Rng(o.seed);
  const photos = rng.shuffle(loadClothingDataset(o.dataDir).filter((p) => garmentTypeOfLabel(p.label)));
  if (photos.length < o.realPhotos + 2 * o.importPhotos) throw new Error(`${o.dataDir} has ${photos.length} labelled photos; ${o.realPhotos + 2 * o.importPhotos} are needed`);
  const libraryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stylist-bench-load-'));
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const open = () => openCore({ libraryDir, modelDir: o.modelDir, shell: 'browser', version: 'bench' });
  let core = open();
  try {
    const t0 = performance.now();
    const real = await importReal(core, photos.slice(0, o.realPhotos), log);
    const { people, sample } = await buildSynthetic(core, real, o, rng);
    const build_s = (performance.now() - t0) / 1000;
    log(`library of ${o.items} items for ${people} people built in ${Math.round(build_s)} s`);

    await core.close();
    const t1 = performance.now();
    core = open();
    const open_ms = performance.now() - t1;

    // Idle: the event loop with nothing to do (the machine's own noise), then the window's calls on the big
    // wardrobe and on a client's.
    const idleLoop = monitorEventLoopDelay({ resolution: 10 });
    idleLoop.enable();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    idleLoop.disable();
    const idle = await measureCalls(core, sample, 30, rng);
    const browse = await measureBrowsing(core, sample, 100, rng);
    const firstSuggestions = async (personId: number): Promise<FirstSuggestions> => {
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      // The histogram counts from its timer's first turn: a call holding the loop before it would not show.
      await new Promise((resolve) => setTimeout(resolve, 30));
      const t = performance.now();
      await call(core, 'outfits.suggest', { personId, k: 12 });
      const first = performance.now() - t;
      // One more timer turn, so that a call that held the loop all along is seen in its delay.
      await new Promise((resolve) => setTimeout(resolve, 20));
      loop.disable();
      const then = await timeCalls([['new request', () => call(core, 'outfits.suggest', { personId, k: 12, exclude: [rng.pick(sample.clientItems)] })]], 10, { pauseMs: 20 });
      return { first_ms: Math.round(first), first_event_loop_max_ms: ms(loop.max), then: Object.values(summarise(then))[0]! };
    };
    const wholeLibrary = await firstSuggestions(sample.bigId);
    const sizeable = await firstSuggestions(sample.sizeableId);

    // An import of real photos into the client's wardrobe, alone: what it costs the event loop.
    const next = (n: number) => photos.splice(o.realPhotos, n).map((p) => p.file);
    const startImport = async (paths: string[]) => core.services.imports.get((await call(core, 'import.paths', { personId: sample.clientId, paths })).jobId)!;
    const aloneLoop = monitorEventLoopDelay({ resolution: 10 });
    const alone = await startImport(next(o.importPhotos));
    aloneLoop.enable();
    await alone.finished;
    aloneLoop.disable();

    // Another import, with the calls every 20 ms.
    const loop = monitorEventLoopDelay({ resolution: 10 });
    const importing = next(o.importPhotos);
    const job = await startImport(importing);
    let running = true;
    const t2 = performance.now();
    loop.enable();
    const finished = job.finished.then((p) => ((running = false), p));
    const during = await measureCalls(core, sample, Infinity, rng, () => running);
    const result: ImportProgress = await finished;
    const import_s = (performance.now() - t2) / 1000;
    loop.disable();
    const over = Object.values(during).reduce((n, l) => n + l.over, 0);
    return {
      items: o.items,
      people,
      wardrobe: o.wardrobe,
      build_s: round(build_s, 1),
      open_ms: Math.round(open_ms),
      library_mb: Math.round(folderBytes(libraryDir) / 2 ** 20),
      idle: summarise(idle),
      browse_idle: summarise(browse),
      whole_library_suggest: wholeLibrary,
      sizeable_wardrobe_suggest: { items: SIZEABLE_WARDROBE, ...sizeable },
      during_import: { calls: summarise(during), photos: importing.length, seconds: round(import_s, 1), imported: result.imported },
      event_loop_delay_ms: {
        idle_p99: ms(idleLoop.percentile(99)),
        import_alone_p99: ms(aloneLoop.percentile(99)),
        import_alone_max: ms(aloneLoop.max),
        import_and_calls_p99: ms(loop.percentile(99)),
        import_and_calls_max: ms(loop.max),
      },
      calls_over_100ms_during_import: over,
      peak_rss_mb: Math.round(peakRss / 2 ** 20),
      cores: os.availableParallelism(),
    };
  } finally {
    clearInterval(sampler);
    await core.close();
    fs.rmSync(libraryDir, { recursive: true, force: true });
  }
}

/** A wardrobe's first suggestion (and how long the event loop was held meanwhile), then new requests on it. */
export interface FirstSuggestions {
  first_ms: number;
  first_event_loop_max_ms: number;
  then: Latency;
}

/** Items in the sizeable wardrobe: past the size whose first index is built in a worker (service.ts). */
const SIZEABLE_WARDROBE = 2500;

export async function benchLoad(args: ParsedArgs): Promise<void> {
  const num = (flag: string, fallback: number) => Number(stringFlag(args, flag, String(fallback)));
  const result = await runLoadBench({
    dataDir: stringFlag(args, 'data'),
    modelDir: stringFlag(args, 'models', GENERATED_MODELS_DIR),
    items: num('items', 20_000),
    realPhotos: num('real', 200),
    wardrobe: num('wardrobe', 200),
    importPhotos: num('import', 64),
    seed: num('seed', 1),
    log: (m) => console.error(`[bench load] ${m}`),
  });
  printResult(args, result, (r) =>
    [
      `A library of ${r.items} items (${r.people} people, ${r.wardrobe} items each) opens in ${r.open_ms} ms; peak RSS ${r.peak_rss_mb} MB.`,
      `Browsing the whole library (items.list pages of 200, items.counts), idle: ` +
        Object.entries(r.browse_idle)
          .map(([k, v]) => `${k} p50 ${v.p50_ms} ms, p95 ${v.p95_ms} ms`)
          .join('; ') +
        '.',
      ...(
        [
          ['the whole library', r.whole_library_suggest],
          [`a wardrobe of ${r.sizeable_wardrobe_suggest.items} items`, r.sizeable_wardrobe_suggest],
        ] as const
      ).map(
        ([who, f]) =>
          `Suggestions for ${who}, idle: first ${f.first_ms} ms (the event loop meanwhile delayed at most ${f.first_event_loop_max_ms} ms), then p50 ${f.then.p50_ms} ms, max ${f.then.max_ms} ms.`,
      ),
      `While ${r.during_import.photos} photos imported (${r.during_import.seconds} s): ` +
        Object.entries(r.during_import.calls)
          .map(([k, v]) => `${k} p95 ${v.p95_ms} ms, max ${v.max_ms} ms`)
          .join('; ') +
        `; event loop delay p99 ${r.event_loop_delay_ms.import_and_calls_p99} ms, max ${r.event_loop_delay_ms.import_and_calls_max} ms ` +
        `(import alone: p99 ${r.event_loop_delay_ms.import_alone_p99} ms, max ${r.event_loop_delay_ms.import_alone_max} ms); ${r.calls_over_100ms_during_import} calls over 100 ms.`,
    ].join('\n'),
  );
}


interface RealItem {
  item: Item;
  type: GarmentType;
  embedding: Float32Array;
}

/** Imports real photos through the app's own import, and types them as the kit labels them. */
async function importReal(core: Core, photos: ClothingPhoto[], log: (m: string) => void): Promise<RealItem[]> {
  const person = await call(core, 'people.create', { name: 'Seed photos' });
  const { jobId } = await call(core, 'import.paths', { personId: person.id, paths: photos.map((p) => p.file) });
  const result = await core.services.imports.get(jobId)!.finished;
  log(`imported ${result.imported} real photos (${result.failed.length} failed)`);
  const typeOf = new Map(photos.map((p) => [path.basename(p.file), garmentTypeOfLabel(p.label)!]));
  const items = (await call(core, 'items.list', { personId: person.id, limit: 1000 })).items;
  const embeddings = core.services.repo.embeddingsOf(items.map((i) => i.id));
  const out: RealItem[] = [];
  for (const item of items) {
    const type = typeOf.get(item.fileName) ?? 'unknown';
    out.push({ item: await call(core, 'items.setType', { itemId: item.id, type }), type, embedding: embeddings.get(item.id)! });
  }
  return out;
}

interface Sample {
  /** A person whose wardrobe is the whole library. */
  bigId: number;
  bigTotal: number;
  /** A person with SIZEABLE_WARDROBE items. */
  sizeableId: number;
  /** A client with a wardrobe of the usual size. */
  clientId: number;
  clientItems: number[];
}

/** Synthetic rows (jittered copies of the real items), one transaction per thousand, over clients' wardrobes. */
async function buildSynthetic(core: Core, real: RealItem[], o: LoadBenchOptions, rng: Rng): Promise<{ people: number; sample: Sample }> {
  const { repo } = core.services;
  const create = async (name: string) => (await call(core, 'people.create', { name })).id;
  const big = await create('Whole library');
  const ids: number[] = real.map((r) => r.item.id);
  repo.insertBatch(big, [], ids);
  for (let start = ids.length; start < o.items; start += 1000) {
    const batch: NewItem[] = [];
    for (let i = start; i < Math.min(o.items, start + 1000); i++) {
      const base = real[i % real.length]!;
      const embedding = base.embedding.map((x) => Math.max(0, x * (1 + 0.15 * rng.normal())));
      batch.push({
        sha256: sha256Hex(Buffer.from(`synthetic ${o.seed} ${i}`)),
        fileName: `synthetic-${i}.jpg`,
        ext: 'jpg',
        width: base.item.width,
        height: base.item.height,
        type: base.type,
        typeConfidence: 1,
        tags: base.item.tags,
        colors: base.item.colors,
        embedding,
      });
    }
    ids.push(...repo.insertBatch(big, batch, []));
  }
  // Clients: disjoint wardrobes of o.wardrobe items each.
  rng.shuffle(ids);
  let people = 1;
  let clientId = 0;
  for (let start = 0; start + o.wardrobe <= ids.length; start += o.wardrobe, people++) {
    const id = await create(`Client ${people}`);
    repo.insertBatch(id, [], ids.slice(start, start + o.wardrobe));
    clientId ||= id;
  }
  // A person with a sizeable wardrobe (a stylist's client with everything they own; items shared with clients).
  const sizeableId = await create('Sizeable wardrobe');
  repo.insertBatch(sizeableId, [], ids.slice(0, Math.min(SIZEABLE_WARDROBE, ids.length)));
  people++;
  return { people, sample: { bigId: big, sizeableId, bigTotal: ids.length, clientId, clientItems: ids.slice(0, o.wardrobe) } };
}

type Timings = Record<string, { ms: number[]; over: number }>;

/** Pages of the whole library, 200 items each (the first, one at a random offset, the one after it by cursor, a type's first), and its filter-chip counts. */
async function measureBrowsing(core: Core, s: Sample, rounds: number, rng: Rng): Promise<Timings> {
  const page = (input: Partial<ApiInput<'items.list'>>) => call(core, 'items.list', { personId: s.bigId, limit: 200, ...input });
  let after: ApiResults['items.list']['next'] = null;
  const calls: [string, () => Promise<unknown>][] = [
    ['first page', () => page({})],
    ['random offset', async () => (after = (await page({ offset: rng.int(Math.max(1, s.bigTotal - 400)) })).next ?? null)],
    ['next page by cursor', () => page(after ? { after } : {})],
    ['first page of a type', () => page({ type: 'bottom' })],
    ['items.counts', () => call(core, 'items.counts', { personId: s.bigId })],
  ];
  return timeCalls(calls, rounds, { pauseMs: 0 });
}

/**
 * Calls items.list (whole library, a deep page; a client), outfits.suggest (a client: the same request, whose
 * answer is kept until the wardrobe changes, and a new one each time, leaving out a random item) and items.counts
 * (whole library) in turn.
 */
async function measureCalls(core: Core, s: Sample, rounds: number, rng: Rng, go: () => boolean = () => true): Promise<Timings> {
  const calls: [string, () => Promise<unknown>][] = [
    ['items.list (whole library, deep page)', () => call(core, 'items.list', { personId: s.bigId, offset: rng.int(Math.max(1, s.bigTotal - 200)), limit: 200 })],
    ['items.list (client)', () => call(core, 'items.list', { personId: s.clientId, limit: 200 })],
    ['outfits.suggest (client)', () => call(core, 'outfits.suggest', { personId: s.clientId, k: 12 })],
    ['outfits.suggest (client, new request)', () => call(core, 'outfits.suggest', { personId: s.clientId, k: 12, exclude: [rng.pick(s.clientItems)] })],
    ['items.counts (whole library)', () => call(core, 'items.counts', { personId: s.bigId })],
  ];
  return timeCalls(calls, rounds, { pauseMs: 20, go });
}

/** Each call in turn, `rounds` times (while `go()`), timed and counted over 100 ms; `pauseMs` after each call. */
async function timeCalls(calls: [string, () => Promise<unknown>][], rounds: number, o: { pauseMs: number; go?: () => boolean }): Promise<Timings> {
  const out: Timings = Object.fromEntries(calls.map(([name]) => [name, { ms: [], over: 0 }]));
  for (let r = 0; r < rounds && (o.go?.() ?? true); r++) {
    for (const [name, fn] of calls) {
      const t0 = performance.now();
      await fn();
      const ms = performance.now() - t0;
      out[name]!.ms.push(ms);
      if (ms > 100) out[name]!.over++;
      if (o.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, o.pauseMs));
    }
  }
  return out;
}

function summarise(t: Timings): Record<string, Latency> {
  return Object.fromEntries(
    Object.entries(t).map(([name, { ms }]) => {
      const sorted = [...ms].sort((a, b) => a - b);
      const q = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0, 1);
      return [name, { calls: ms.length, p50_ms: q(0.5), p95_ms: q(0.95), max_ms: round(sorted.at(-1) ?? 0, 1) }];
    }),
  );
}

function folderBytes(dir: string): number {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).reduce((n, e) => n + (e.isFile() ? fs.statSync(path.join(e.parentPath, e.name)).size : 0), 0);
}

/** A histogram's nanoseconds in ms, one decimal. */
function ms(ns: number): number {
  return round(ns / 1e6, 1);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

// Pipeline over batches in up to three stages, each working on a different batch at the same time:
// prepare (read + decode, on sharp's threads), consume (inference in the backbone worker) and, optionally,
// store (files and SQLite). Batches go through consume and store one at a time and in order; prepare runs
// up to `ahead` batches in front, so inference never waits on decoding while the cores can decode, and the
// number of decoded photos held in memory stays bounded.
export interface BatchPipelineOptions<S, P, C> {
  sources: readonly S[];
  batchSize: number;
  prepare: (batch: S[]) => Promise<P>;
  consume: (prepared: P) => Promise<C>;
  store?: (consumed: C) => Promise<void>;
  /** Checked before each batch starts: once true, no new batch is prepared, and prepared ones are not consumed. */
  stopped?: () => boolean;
  /** Batches prepared (or being prepared) ahead of the one being consumed. */
  ahead?: number;
}

/** Seconds each stage was busy, and how long consume waited for prepare (inference starved of decoded photos). */
export interface PipelineTimings {
  prepare: number;
  consume: number;
  store: number;
  consumeWaited: number;
}

export async function runBatchPipeline<S, P, C>(options: BatchPipelineOptions<S, P, C>): Promise<PipelineTimings> {
  const { sources, batchSize, stopped = () => false } = options;
  const ahead = Math.max(1, options.ahead ?? 2);
  const timings: PipelineTimings = { prepare: 0, consume: 0, store: 0, consumeWaited: 0 };
  const timed = async <T>(stage: keyof PipelineTimings, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      timings[stage] += (performance.now() - t0) / 1000;
    }
  };
  let failure: { error: unknown } | null = null;
  const halted = () => failure !== null || stopped();

  // A batch's slot is cleared once it is taken, so the decoded photos of finished batches can be collected
  // (keeping them all held ~330 KB per photo until the end of the import).
  const prepared: (Promise<P> | null)[] = [];
  const prepareNext = (next: number) => {
    const start = next * batchSize;
    if (start >= sources.length || halted()) return;
    const p = timed('prepare', () => options.prepare(sources.slice(start, start + batchSize)));
    p.catch(() => {}); // awaited below in order; this only keeps an early failure from being "unhandled"
    prepared.push(p);
  };
  for (let b = 0; b < ahead; b++) prepareNext(b);

  let storing: Promise<void> = Promise.resolve();
  try {
    for (let b = 0; b < prepared.length; b++) {
      const waitStart = performance.now();
      const batch = await prepared[b]!;
      prepared[b] = null;
      timings.consumeWaited += (performance.now() - waitStart) / 1000;
      prepareNext(b + ahead);
      if (halted()) break;
      const consumed = await timed('consume', () => options.consume(batch));
      // Storing batch b overlaps consuming batch b+1; store b-1 must be done first (order, and one transaction at a time).
      await storing;
      const store = options.store;
      if (store) {
        storing = timed('store', () => store(consumed));
        storing.catch((error: unknown) => (failure ??= { error }));
      }
    }
  } catch (error) {
    failure ??= { error };
  }
  // Whatever happened, nothing is left running: batches being prepared finish (their results are dropped) and
  // the last store completes, so a caller that returns can trust the library to be still.
  await Promise.allSettled([...prepared.filter((p) => p !== null), storing]);
  if (failure) throw failure.error;
  return timings;
}

// Two-stage pipeline over batches: batch i+1 is prepared (read + decode, on sharp's threads) while batch i
// is consumed (inference in the backbone worker, then storage), so decoding and inference overlap.
export async function runBatchPipeline<S, P>(options: {
  sources: readonly S[];
  batchSize: number;
  prepare: (batch: S[]) => Promise<P>;
  consume: (prepared: P) => Promise<void>;
  stopped?: () => boolean;
}): Promise<void> {
  let consuming: Promise<void> = Promise.resolve();
  for (let i = 0; i < options.sources.length && !options.stopped?.(); i += options.batchSize) {
    const prepared = await options.prepare(options.sources.slice(i, i + options.batchSize));
    await consuming;
    consuming = options.consume(prepared);
  }
  await consuming;
}

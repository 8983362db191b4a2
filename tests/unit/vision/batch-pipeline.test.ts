// The import's three-stage pipeline: every batch consumed and stored once, in order; consuming overlaps
// storing; preparing stays a bounded number of batches ahead; a stop or a failure leaves nothing running.
import { describe, expect, it } from 'vitest';
import { runBatchPipeline } from '../../../electron/core/vision/batch-pipeline.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sources = Array.from({ length: 50 }, (_, i) => i);

/** Runs the pipeline over `sources`, logging each stage's start and end. */
function logged(extra: { stopAfterStored?: number; failStoreAt?: number; failPrepareAt?: number } = {}) {
  const log: string[] = [];
  const stored: number[][] = [];
  let preparing = 0;
  let maxPreparedAhead = 0;
  let consumed = 0;
  const run = runBatchPipeline({
    sources,
    batchSize: 8,
    ahead: 2,
    prepare: async (batch) => {
      preparing++;
      maxPreparedAhead = Math.max(maxPreparedAhead, preparing);
      await tick(2);
      if (batch[0] === extra.failPrepareAt) throw new Error('prepare failed');
      return batch;
    },
    consume: async (batch) => {
      preparing--;
      log.push(`consume ${batch[0]}`);
      await tick(5);
      consumed++;
      log.push(`consumed ${batch[0]}`);
      return batch;
    },
    store: async (batch) => {
      log.push(`store ${batch[0]}`);
      await tick(8);
      if (batch[0] === extra.failStoreAt) throw new Error('disk on fire');
      stored.push(batch);
      log.push(`stored ${batch[0]}`);
    },
    stopped: () => extra.stopAfterStored !== undefined && stored.length >= extra.stopAfterStored,
  });
  return { run, log, stored, maxAhead: () => maxPreparedAhead, consumed: () => consumed };
}

describe('runBatchPipeline', () => {
  it('consumes and stores every batch once, in order, storing one batch while consuming the next', async () => {
    const p = logged();
    const timings = await p.run;
    expect(p.stored.flat()).toEqual(sources);
    // Store of batch 0 started before consume of batch 8 ended: the stages overlap.
    expect(p.log.indexOf('store 0')).toBeLessThan(p.log.indexOf('consumed 8'));
    // Stores never overlap each other.
    const starts = p.log.filter((l) => l.startsWith('store '));
    expect(starts.length).toBe(7);
    starts.forEach((l, i, all) => {
      if (i > 0) expect(p.log.indexOf(`stored ${all[i - 1]!.split(' ')[1]}`)).toBeLessThan(p.log.indexOf(l));
    });
    expect(p.maxAhead()).toBeLessThanOrEqual(3);
    expect(timings.consume).toBeGreaterThan(0);
    expect(timings.store).toBeGreaterThan(0);
  });

  it('lets the prepared batches it is done with be collected (an import holds a few batches, not all of them)', async () => {
    // 40 batches of 16 MB: held to the end, they would reach 640 MB of array buffers.
    let peak = 0;
    await runBatchPipeline({
      sources: Array.from({ length: 40 }, (_, i) => i),
      batchSize: 1,
      prepare: async () => Buffer.alloc(16 * 2 ** 20, 1),
      consume: async (buf) => {
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
        await new Promise((r) => setImmediate(r));
        return buf.length;
      },
    });
    expect(peak).toBeLessThan(320 * 2 ** 20);
  });

  it('stops preparing and consuming once stopped, and returns only when the last store is done', async () => {
    const p = logged({ stopAfterStored: 2 });
    await p.run;
    const stored = p.stored.length;
    expect(stored).toBeGreaterThanOrEqual(2);
    expect(stored).toBeLessThan(7);
    expect(p.log.at(-1)).toMatch(/^stored|^consumed/);
    await tick(50);
    expect(p.stored.length).toBe(stored); // nothing still running after it returned
  });

  it('rejects with a failing store, consumes nothing more, and leaves no unhandled rejection', async () => {
    const p = logged({ failStoreAt: 16 });
    await expect(p.run).rejects.toThrow('disk on fire');
    expect(p.stored.flat()).toEqual(sources.slice(0, 16));
    expect(p.consumed()).toBeLessThanOrEqual(4);
  });

  it('rejects with a failing prepare after storing the batches before it', async () => {
    const p = logged({ failPrepareAt: 24 });
    await expect(p.run).rejects.toThrow('prepare failed');
    expect(p.stored.flat()).toEqual(sources.slice(0, 24));
  });
});

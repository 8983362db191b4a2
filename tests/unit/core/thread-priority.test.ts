// Background threads yield the cores to the main thread (which answers the window): see library/thread-priority.ts.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { BACKGROUND_NICE, lowerBackgroundThreads, threadPriorities } from '../../../electron/core/library/thread-priority.ts';

describe.runIf(process.platform === 'linux')('background thread priority', () => {
  it('lowers worker threads and the threads they start, once, and leaves the main thread and V8 alone', async () => {
    const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
    await new Promise((resolve) => worker.once('online', resolve));
    try {
      const before = threadPriorities();
      expect(before.filter((t) => t.name === 'WorkerThread').map((t) => t.nice)).toEqual([0]);
      expect(lowerBackgroundThreads()).toBeGreaterThanOrEqual(1);
      const after = threadPriorities();
      expect(after.filter((t) => t.name === 'WorkerThread').map((t) => t.nice)).toEqual([BACKGROUND_NICE]);
      const main = after.find((t) => t.name === 'MainThread' || t.name === 'node');
      expect(main?.nice).toBe(0);
      expect(after.filter((t) => t.name.startsWith('V8')).every((t) => t.nice === 0)).toBe(true);
      // Already there: nothing to do.
      expect(lowerBackgroundThreads()).toBe(0);
    } finally {
      await worker.terminate();
    }
  });
});

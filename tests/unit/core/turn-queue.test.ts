// The importer's CPU work runs one job per event-loop turn, so I/O (API calls) is served between jobs.
import { describe, expect, it } from 'vitest';
import { TurnQueue } from '../../../electron/core/library/turn-queue.ts';

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('TurnQueue', () => {
  it('lets a timer due during a burst of jobs fire between them, not after all of them', async () => {
    const queue = new TurnQueue();
    const order: string[] = [];
    const jobs = Array.from({ length: 10 }, (_, i) =>
      queue.run(() => {
        busy(5);
        order.push(`job ${i}`);
        return i;
      }),
    );
    // Due after the first job: with the jobs back to back it would only fire once all ten (50 ms) had run.
    setTimeout(() => order.push('timer'), 1);
    expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order.indexOf('timer')).toBeGreaterThan(0);
    expect(order.indexOf('timer')).toBeLessThan(4);
  });

  it('runs jobs in order and passes a failure to its caller only', async () => {
    const queue = new TurnQueue();
    const failing = queue.run(() => {
      throw new Error('bad photo');
    });
    const next = queue.run(() => 'next');
    await expect(failing).rejects.toThrow('bad photo');
    await expect(next).resolves.toBe('next');
  });
});

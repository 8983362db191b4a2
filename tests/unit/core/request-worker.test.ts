// The request/answer worker behind fine-tuning and the catalogue build: answers are matched to requests,
// arrays can be moved, and a worker that dies or throws fails every pending request with a reason; the
// next request starts a new worker.
import { afterEach, describe, expect, it } from 'vitest';
import { RequestWorker } from '../../../electron/core/request-worker.ts';

type Req = { id: number; action: 'echo' | 'exit' | 'crash'; value?: number; buffer?: Float32Array };
type Res = { id: number; ok: true; value?: number; length: number };

const workers: RequestWorker<Req, Res>[] = [];
const make = () => {
  const w = new RequestWorker<Req, Res>(new URL('../../fixtures/workers/echo-worker.ts', import.meta.url), 'echo worker');
  workers.push(w);
  return w;
};
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close()));
});

describe('request worker', () => {
  it('matches answers to requests and moves arrays', async () => {
    const w = make();
    const answers = await Promise.all([1, 2, 3].map((value) => w.request({ action: 'echo', value })));
    expect(answers.map((a) => (a.ok ? a.value : null))).toEqual([1, 2, 3]);
    const buffer = new Float32Array(1000);
    const moved = await w.request({ action: 'echo', buffer }, [buffer.buffer]);
    expect(moved).toMatchObject({ ok: true, length: 1000 });
    expect(buffer.length).toBe(0);
  });

  it('fails pending requests when the worker exits or throws, then starts a new one', async () => {
    const w = make();
    const pending = w.request({ action: 'echo', value: 1 });
    const exited = w.request({ action: 'exit' });
    expect(await pending).toMatchObject({ ok: true, value: 1 });
    expect(await exited).toEqual({ id: expect.any(Number), ok: false, error: 'the echo worker stopped' });
    expect(await w.request({ action: 'echo', value: 2 })).toMatchObject({ ok: true, value: 2 });
    const crashed = await w.request({ action: 'crash' });
    expect(crashed.ok).toBe(false);
    expect(crashed.ok ? '' : crashed.error).toMatch(/the worker broke/);
    expect(await w.request({ action: 'echo', value: 3 })).toMatchObject({ ok: true, value: 3 });
  });
});

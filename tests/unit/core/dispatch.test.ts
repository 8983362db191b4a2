import { describe, expect, it } from 'vitest';
import { ApiFailure, createDispatch } from '../../../electron/core/api/dispatch.ts';
import type { Handlers } from '../../../electron/core/api/dispatch.ts';

const calls: unknown[] = [];
const handlers = new Proxy({} as Handlers, {
  get: (_t, method) => (input: unknown) => {
    calls.push([method, input]);
    if (method === 'people.create') throw new ApiFailure('conflict', 'taken');
    if (method === 'people.list') throw new Error('disk on fire');
    return { method };
  },
});
const dispatch = createDispatch(handlers);

describe('API dispatch', () => {
  it('refuses unknown methods and non-string method names without calling anything', async () => {
    calls.length = 0;
    for (const m of ['nope', '__proto__', 'constructor', 42, null, { toString: () => 'app.info' }]) {
      const r = await dispatch(m, {});
      expect(r).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    expect(calls).toEqual([]);
  });

  it('validates input against the method schema', async () => {
    calls.length = 0;
    const bad = [
      ['items.list', { personId: -1 }],
      ['items.list', { personId: 'x' }],
      ['items.list', { personId: 1, limit: 10_000_000 }],
      ['items.list', { personId: 1, extra: true }],
      ['people.create', { name: '' }],
      ['people.create', { name: 'x'.repeat(10_000) }],
      ['judgements.record', { personId: 1, itemIds: [1], verdict: 'like' }],
      ['judgements.record', { personId: 1, itemIds: [1, 2], verdict: 'love' }],
      ['import.status', { jobId: '../../etc/passwd' }],
      ['app.info', 'not an object'],
    ] as const;
    for (const [m, input] of bad) {
      const r = await dispatch(m, input);
      expect(r.ok, `${m} ${JSON.stringify(input).slice(0, 60)}`).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('bad_request');
    }
    expect(calls).toEqual([]);
  });

  it('passes parsed input with defaults, and maps failures to typed errors', async () => {
    calls.length = 0;
    expect(await dispatch('items.list', { personId: 3 })).toEqual({ ok: true, value: { method: 'items.list' } });
    expect(calls).toEqual([['items.list', { personId: 3, archived: false, offset: 0, limit: 200 }]]);
    expect(await dispatch('people.create', { name: 'Ann' })).toEqual({ ok: false, error: { code: 'conflict', message: 'taken' } });
    const internal = await dispatch('people.list', {});
    expect(internal).toMatchObject({ ok: false, error: { code: 'internal' } });
  });
});

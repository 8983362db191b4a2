// Through the core's API: judgements schedule fine-tuning, the status says "updating" then "idle", a new
// version is stored, and the next suggestions reflect the judgements.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCore } from '../../../electron/core/core.ts';
import type { Core } from '../../../electron/core/core.ts';
import type { ApiInput, ApiMethod, ApiResults, GarmentType } from '../../../shared/api.ts';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';
import { MODEL_DIR, requireModel, tempDir } from '../../helpers/kit.ts';
import { call as callApi } from '../../helpers/api-call.ts';

let core: Core;
let personId: number;
const tops: number[] = [];

const call = <M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiResults[M]> => callApi(core, method, input);

beforeAll(async () => {
  requireModel();
  core = openCore({ libraryDir: tempDir(), modelDir: MODEL_DIR, shell: 'browser', version: 'test' });
  personId = (await call('people.create', { name: 'Ann' })).id;
  const rng = new Rng(4);
  const types: GarmentType[] = [...Array(6).fill('top'), ...Array(5).fill('bottom'), ...Array(4).fill('shoes')];
  const ids = core.services.repo.insertBatch(personId, types.map((type, n) => ({
    sha256: n.toString(16).padStart(64, '0'), fileName: `${n}.jpg`, ext: 'jpg', width: 1, height: 1, type, typeConfidence: 1, tags: [], colors: [],
    embedding: Float32Array.from({ length: 1280 }, () => Math.abs(rng.normal())),
  })), []);
  tops.push(...ids.slice(0, 6));
});
afterAll(async () => {
  await core?.close();
});

async function waitIdle() {
  for (let i = 0; i < 200; i++) {
    const s = await call('personal.status', { personId });
    if (s.state === 'idle') return s;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the model did not finish updating');
}

describe('personalisation through the API', () => {
  it('learns from likes and dislikes: the liked top rises, the disliked one falls', async () => {
    const before = await call('outfits.suggest', { personId, k: 30, allowNearDuplicates: true });
    const rankOf = (list: typeof before, id: number) => list.findIndex((s) => s.items.some((i) => i.id === id));
    // The two tops the general model ranks best and second best: the person loves the second, hates the first.
    const firstTops = [...new Set(before.map((s) => s.items.find((i) => i.type === 'top')!.id))];
    const [hated, loved] = [firstTops[0]!, firstTops[1]!];
    for (const [top, verdict] of [[loved, 'like'], [hated, 'dislike']] as const) {
      for (const s of await call('outfits.suggest', { personId, k: 5, pinned: [top], allowNearDuplicates: true })) {
        await call('judgements.record', { personId, itemIds: s.items.map((i) => i.id), verdict });
      }
    }
    expect((await call('personal.status', { personId })).state).toBe('updating');
    const status = await waitIdle();
    expect(status.versionId).not.toBeNull();
    expect(status.lastError).toBeNull();
    const after = await call('outfits.suggest', { personId, k: 30, allowNearDuplicates: true });
    console.log(`loved top: rank ${rankOf(before, loved)} -> ${rankOf(after, loved)}; hated top: ${rankOf(before, hated)} -> ${rankOf(after, hated)}`);
    expect(rankOf(after, loved)).toBe(0);
    const hatedAfter = rankOf(after, hated);
    expect(hatedAfter === -1 || hatedAfter > rankOf(before, hated)).toBe(true);
  });

  it('keeps versions and rolls back to the general model', async () => {
    const versions = await call('personal.versions', { personId });
    expect(versions.length).toBeGreaterThanOrEqual(1);
    expect(versions.filter((v) => v.current)).toHaveLength(1);
    await call('personal.reset', { personId });
    expect((await call('personal.status', { personId })).versionId).toBeNull();
    expect(await call('judgements.list', { personId })).toEqual([]);
    const bad = await core.dispatch('personal.rollback', { personId, versionId: 999_999 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});

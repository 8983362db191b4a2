// Through the core's API: judgements schedule fine-tuning, the status says "updating" then "idle", a new
// version is stored, the next suggestions reflect the judgements, and some of them ask about what the model is
// least sure of.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCore } from '../../../electron/core/core.ts';
import type { Core } from '../../../electron/core/core.ts';
import type { ApiInput, ApiMethod, ApiResults, GarmentType } from '../../../shared/api.ts';
import { MODEL_DIR, clothingPhotos, requireModel, tempDir } from '../../helpers/kit.ts';
import { call as callApi, waitForImport } from '../../helpers/api-call.ts';

let core: Core;
let personId: number;

const call = <M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiResults[M]> => callApi(core, method, input);

beforeAll(async () => {
  requireModel();
  core = openCore({ libraryDir: tempDir(), modelDir: MODEL_DIR, shell: 'browser', version: 'test' });
  personId = (await call('people.create', { name: 'Ann' })).id;
  // A small real wardrobe: photos of the kit's test people, typed as their labels say.
  const wanted: [string, GarmentType, number][] = [['T-Shirt', 'top', 6], ['Pants', 'bottom', 5], ['Shoes', 'shoes', 4]];
  const photos = clothingPhotos().filter((p) => p.senderId % 5 === 0);
  const chosen = wanted.flatMap(([label, type, n]) => photos.filter((p) => p.label === label).slice(0, n).map((p) => ({ file: p.file, type })));
  await waitForImport(core, (await call('import.paths', { personId, paths: chosen.map((c) => c.file) })).jobId);
  const items = (await call('items.list', { personId, limit: 100 })).items;
  for (const c of chosen) {
    const item = items.find((i) => c.file.endsWith(i.fileName))!;
    if (item.type !== c.type) await call('items.setType', { itemId: item.id, type: c.type });
  }
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
    // Ranks among the best guesses (the questions put among them are about what the model is unsure of).
    const after = (await call('outfits.suggest', { personId, k: 30, allowNearDuplicates: true })).filter((o) => !o.question);
    console.log(`loved top: rank ${rankOf(before, loved)} -> ${rankOf(after, loved)}; hated top: ${rankOf(before, hated)} -> ${rankOf(after, hated)}`);
    expect(rankOf(after, loved)).toBe(0);
    const hatedAfter = rankOf(after, hated);
    expect(hatedAfter === -1 || hatedAfter > rankOf(before, hated)).toBe(true);
  });

  it('asks, in one suggestion of two, about an item its model is unsure of', async () => {
    const judged = new Set((await call('judgements.list', { personId })).map((j) => [...j.itemIds].sort((a, b) => a - b).join(',')));
    // (Near duplicates allowed: this small wardrobe has fewer than 12 outfits that differ in two items.)
    const list = await call('outfits.suggest', { personId, k: 12, allowNearDuplicates: true });
    expect(list).toHaveLength(12);
    expect(list.map((o) => Boolean(o.question))).toEqual(list.map((_, i) => (i + 1) % 2 === 0));
    const questions = list.filter((o) => o.question);
    for (const q of questions) {
      expect(q.items.map((i) => i.type).sort()).toEqual(['bottom', 'shoes', 'top']);
      expect(q.items.map((i) => i.id)).toContain(q.question!.aboutItemId);
      expect(judged.has(q.items.map((i) => i.id).sort((a, b) => a - b).join(','))).toBe(false);
      expect(q.pairScores.length).toBeGreaterThan(0);
    }
    expect(new Set(questions.map((q) => q.question!.aboutItemId)).size).toBe(questions.length);
    // The same state asks the same; a request built around an item, or a person without a model, is not asked.
    expect((await call('outfits.suggest', { personId, k: 12, allowNearDuplicates: true })).map((o) => o.question?.aboutItemId)).toEqual(list.map((o) => o.question?.aboutItemId));
    expect((await call('outfits.suggest', { personId, k: 12, pinned: [questions[0]!.items[0]!.id] })).some((o) => o.question)).toBe(false);
    const newcomer = (await call('people.create', { name: 'New' })).id;
    expect((await call('outfits.suggest', { personId: newcomer, k: 12 })).some((o) => o.question)).toBe(false);
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
  // Last: its judgements would change what the tests above ask.
  it('records a dislike that names its wrong garment, and refuses a name outside the outfit or on a like', async () => {
    const [shown] = await call('outfits.suggest', { personId, k: 1 });
    const itemIds = shown!.items.map((i) => i.id);
    const bottom = shown!.items.find((i) => i.type === 'bottom')!.id;
    const other = (await call('items.list', { personId, limit: 100 })).items.find((i) => !itemIds.includes(i.id))!.id;
    await expect(call('judgements.record', { personId, itemIds, verdict: 'like', blamedItemId: bottom })).rejects.toThrow(/bad_request/);
    await expect(call('judgements.record', { personId, itemIds, verdict: 'dislike', blamedItemId: other })).rejects.toThrow(/bad_request/);
    const j = await call('judgements.record', { personId, itemIds, verdict: 'dislike', blamedItemId: bottom });
    expect((await call('judgements.list', { personId })).at(-1)).toEqual(j);
    expect(j.blamedItemId).toBe(bottom);
    await waitIdle();
    // Named afterwards (the window asks after a plain dislike): the model trains again on the name.
    const plain = await call('judgements.record', { personId, itemIds, verdict: 'dislike' });
    await waitIdle();
    const shoes = shown!.items.find((i) => i.type === 'shoes')!.id;
    await expect(call('judgements.blame', { personId, judgementId: plain.id, blamedItemId: other })).rejects.toThrow(/bad_request/);
    expect(await call('judgements.blame', { personId, judgementId: plain.id, blamedItemId: shoes })).toEqual({ ...plain, blamedItemId: shoes });
    expect((await call('personal.status', { personId })).state).toBe('updating');
    await waitIdle();
  });
});

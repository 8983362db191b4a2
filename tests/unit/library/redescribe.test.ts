// After an update ships other models, the items they did not describe are described again from their
// originals, in the background, with the real backbone and heads: embeddings, codes and predicted types come
// out as a fresh import gives them, a person's type correction stays, an item whose original is gone keeps its
// old description (and is not retried at each open), a library closed in the middle finishes at the next open,
// and a merged library's items are described when they arrive.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LibraryJobProgress, ModelUpdateProgress } from '../../../shared/api.ts';
import { openCore, BACKBONE_FILE } from '../../../electron/core/core.ts';
import type { Core } from '../../../electron/core/core.ts';
import { modelsKeyOf } from '../../../electron/core/vision/models-key.ts';
import { locateHeads } from '../../../electron/core/heads/locate.ts';
import { REPO_ROOT } from '../../../electron/core/paths.ts';
import { codeForType } from '../../../electron/core/heads/predict.ts';
import { MODEL_DIR, clothingPhotos, requireModel, tempDir } from '../../helpers/kit.ts';
import { call, waitForImport } from '../../helpers/api-call.ts';
import { libraryProblems } from '../../helpers/library-check.ts';

interface Row {
  id: number;
  type: string;
  type_source: string;
  fine_label: string | null;
  code: Buffer | null;
  codes: Buffer | null;
  models: string | null;
  embedding: Buffer;
}

const rows = (core: Core): Row[] =>
  core.services.db.prepare('SELECT i.id, type, type_source, fine_label, code, codes, models, e.embedding FROM items i JOIN item_embeddings e ON e.item_id = i.id ORDER BY i.id').all() as Row[];
const open = (dir: string, updateDescriptions: boolean) => openCore({ libraryDir: dir, modelDir: MODEL_DIR, shell: 'browser', version: 'test', updateDescriptions });

async function modelUpdate(core: Core): Promise<ModelUpdateProgress | null> {
  for (let waited = 0; waited < 60_000; waited += 50) {
    const p = await call(core, 'library.modelUpdate', {});
    if (p && p.state !== 'running') return p;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the model update did not finish in a minute');
}

/** A library of real test-people photos imported with the current models. */
async function library(count: number, skip = 0): Promise<{ dir: string; fresh: Row[]; personId: number }> {
  requireModel();
  const photos = clothingPhotos().filter((p) => p.senderId % 5 === 0 && ['T-Shirt', 'Pants', 'Shoes', 'Dress'].includes(p.label));
  const dir = tempDir();
  const core = open(dir, false);
  try {
    const personId = (await call(core, 'people.create', { name: 'Update' })).id;
    const { jobId } = await call(core, 'import.paths', { personId, paths: photos.slice(skip, skip + count).map((p) => p.file) });
    expect((await waitForImport(core, jobId)).imported).toBe(count);
    return { dir, fresh: rows(core), personId };
  } finally {
    await core.close();
  }
}

/** What an earlier version's models would have left: another key, other embeddings and codes, other types. */
function describedByOtherModels(core: Core, fresh: Row[]): void {
  const db = core.services.db;
  db.transaction(() => {
    fresh.forEach((r, i) => {
      const other = fresh[(i + 1) % fresh.length]!;
      db.prepare("UPDATE items SET models = 'backbone:0000000000000000 heads:none', codes = ?, code = NULL, fine_label = NULL, type = CASE WHEN type_source = 'user' THEN type ELSE 'accessory' END WHERE id = ?").run(Buffer.alloc(r.codes!.length), r.id);
      db.prepare('UPDATE item_embeddings SET embedding = ? WHERE item_id = ?').run(other.embedding, r.id);
    });
  })();
}

async function libraryJob(core: Core, { jobId }: { jobId: string }): Promise<LibraryJobProgress> {
  for (let waited = 0; waited < 60_000; waited += 20) {
    const p = await call(core, 'library.status', { jobId });
    if (p.state !== 'running') {
      expect(p).toMatchObject({ state: 'done', error: null });
      return p;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the library job did not finish in a minute');
}

let cores: Core[] = [];
afterEach(async () => {
  await Promise.all(cores.map((c) => c.close()));
  cores = [];
});

describe('items described again after the models change', () => {
  it('stores the current models with every imported item', async () => {
    const { fresh } = await library(3);
    const key = await modelsKeyOf(path.join(MODEL_DIR, BACKBONE_FILE), locateHeads(path.join(MODEL_DIR, BACKBONE_FILE)));
    expect(key).toMatch(/^backbone:[0-9a-f]{16} heads:[0-9a-f]{16}$/);
    expect(fresh.map((r) => r.models)).toEqual([key, key, key]);
  });

  it('describes them as a fresh import would, keeps a correction, and leaves an item without its original as it was', async () => {
    const { dir, fresh, personId } = await library(6);
    let core = open(dir, false);
    cores.push(core);
    const [corrected, missing] = [fresh[0]!, fresh[1]!];
    await call(core, 'items.setType', { itemId: corrected.id, type: 'outerwear' });
    describedByOtherModels(core, fresh);
    const stale = rows(core).find((r) => r.id === missing.id)!;
    const sha = core.services.db.prepare('SELECT sha256, ext FROM items WHERE id = ?').get(missing.id) as { sha256: string; ext: string };
    fs.rmSync(core.services.files.mediaPath('original', sha.sha256, sha.ext)!);
    expect(await call(core, 'library.modelUpdate', {})).toBeNull();
    await core.close();
    cores = [];

    core = open(dir, true);
    cores.push(core);
    // Asked at once, while the check made at open is under way: the answer waits for it.
    expect(await call(core, 'library.modelUpdate', {})).not.toBeNull();
    const done = await modelUpdate(core);
    expect(done).toMatchObject({ state: 'done', total: 6, done: 6, failed: 1 });
    const after = new Map(rows(core).map((r) => [r.id, r]));
    for (const r of fresh) {
      const now = after.get(r.id)!;
      if (r.id === missing.id) {
        expect(now).toEqual(stale);
        continue;
      }
      expect(now.models).toBe(r.models);
      expect(now.embedding.equals(r.embedding)).toBe(true);
      expect(now.codes!.equals(r.codes!)).toBe(true);
      if (r.id === corrected.id) {
        expect(now).toMatchObject({ type: 'outerwear', type_source: 'user' });
        expect(Buffer.from(codeForType(now.codes!, 'outerwear')).equals(now.code!)).toBe(true);
      } else {
        expect(now).toMatchObject({ type: r.type, fine_label: r.fine_label, type_source: 'predicted' });
        expect(now.code!.equals(r.code!)).toBe(true);
      }
    }
    // Suggestions are built on the new descriptions.
    const outfits = await call(core, 'outfits.suggest', { personId, k: 3 });
    expect(outfits.length).toBeGreaterThan(0);
    // Nothing else is amiss (the missing original was removed above, on purpose).
    expect(libraryProblems(core).filter((problem) => !problem.startsWith(`item ${sha.sha256.slice(0, 8)}:`))).toEqual([]);
    // The item whose photo is gone is not tried again at every open (that would load the backbone for nothing).
    await core.close();
    core = open(dir, true);
    cores = [core];
    expect(await call(core, 'library.modelUpdate', {})).toBeNull();
    expect(rows(core).find((r) => r.id === missing.id)).toEqual(stale);
  });

  it('describes the items of a library an earlier version made (before the key was stored)', async () => {
    requireModel();
    const dir = tempDir();
    fs.cpSync(path.join(REPO_ROOT, 'tests', 'fixtures', 'libraries', 'v4'), dir, { recursive: true });
    const core = open(dir, true);
    cores.push(core);
    expect(await modelUpdate(core)).toMatchObject({ state: 'done', total: 2, done: 2, failed: 0 });
    const key = await modelsKeyOf(path.join(MODEL_DIR, BACKBONE_FILE), locateHeads(path.join(MODEL_DIR, BACKBONE_FILE)));
    expect(rows(core).map((r) => r.models)).toEqual([key, key]);
    expect(rows(core).every((r) => r.codes?.length === 112)).toBe(true);
  });

  it('describes the items a merged library brings in, when other models described them', async () => {
    const { dir, fresh } = await library(3);
    let core = open(dir, false);
    describedByOtherModels(core, fresh);
    const zip = path.join(tempDir(), 'older.zip');
    await libraryJob(core, await call(core, 'library.export', { destination: zip }));
    await core.close();

    core = open(tempDir(), true);
    cores.push(core);
    expect(await call(core, 'library.modelUpdate', {})).toBeNull();
    const merged = await libraryJob(core, await call(core, 'library.import', { path: zip }));
    expect(merged.summary).toMatchObject({ itemsAdded: 3 });
    expect(await modelUpdate(core)).toMatchObject({ run: 1, state: 'done', total: 3, done: 3, failed: 0 });
    // As this library's own import would have described them (ids differ: matched by embedding order of the photos).
    const now = rows(core);
    expect(now.map((r) => r.models)).toEqual(fresh.map((r) => r.models));
    expect(now.every((r) => fresh.some((f) => f.embedding.equals(r.embedding) && f.codes!.equals(r.codes!)))).toBe(true);
  });

  it('describes a merged library\'s items too when they arrive while it is describing others', async () => {
    const older = await library(3, 48);
    let core = open(older.dir, false);
    describedByOtherModels(core, older.fresh);
    const zip = path.join(tempDir(), 'older.zip');
    await libraryJob(core, await call(core, 'library.export', { destination: zip }));
    await core.close();
    const { dir, fresh } = await library(48);
    core = open(dir, false);
    describedByOtherModels(core, fresh);
    await core.close();

    core = open(dir, true);
    cores.push(core);
    // Merged once the run has taken its list of items (its first batch is stored) and before it ends.
    for (let waited = 0; ; waited += 5) {
      const p = await call(core, 'library.modelUpdate', {});
      if (p && p.done >= 16) break;
      if (waited > 60_000) throw new Error('no batch was stored in a minute');
      await new Promise((r) => setTimeout(r, 5));
    }
    await libraryJob(core, await call(core, 'library.import', { path: zip }));
    const key = fresh[0]!.models;
    for (let waited = 0; rows(core).some((r) => r.models !== key); waited += 50) {
      if (waited > 30_000) throw new Error('the merged items were not described in 30 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    const now = rows(core);
    expect(now).toHaveLength(51);
    expect(await modelUpdate(core)).toMatchObject({ run: 2, state: 'done', total: 3, failed: 0 });
    for (const r of [...older.fresh, ...fresh]) expect(now.some((n) => n.embedding.equals(r.embedding))).toBe(true);
  });

  it('finishes at the next open when the library is closed in the middle', async () => {
    const { dir, fresh } = await library(48);
    let core = open(dir, false);
    describedByOtherModels(core, fresh);
    await core.close();

    core = open(dir, true);
    for (let waited = 0; ; waited += 5) {
      const p = await call(core, 'library.modelUpdate', {});
      if (p && p.done >= 16) break;
      if (waited > 60_000) throw new Error('no batch was stored in a minute');
      await new Promise((r) => setTimeout(r, 5));
    }
    await core.close();
    core = open(dir, false);
    const midway = rows(core);
    await core.close();
    // Each item is wholly new or wholly old: its key says which.
    const isFresh = (r: Row) => r.embedding.equals(fresh.find((f) => f.id === r.id)!.embedding);
    for (const r of midway) expect(isFresh(r)).toBe(r.models === fresh[0]!.models);
    const updated = midway.filter(isFresh).length;
    expect(updated).toBeGreaterThanOrEqual(16);
    expect(updated).toBeLessThan(48);

    core = open(dir, true);
    cores.push(core);
    expect(await modelUpdate(core)).toMatchObject({ state: 'done', total: 48 - updated, failed: 0 });
    expect(rows(core).every(isFresh)).toBe(true);
  });
});

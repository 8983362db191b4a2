// Importing real kit photos through the real core runs the committed heads: each item gets the heads'
// type with its confidence, a fine label and a 16-byte code; a correction switches the code to the new
// type's; "more like this" answers from the codes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiInput, ApiMethod, ApiResults, Item } from '../../../shared/api.ts';
import { openCore } from '../../../electron/core/core.ts';
import type { Core } from '../../../electron/core/core.ts';
import { REPO_ROOT } from '../../../electron/core/paths.ts';
import { HEADS_FILE } from '../../../electron/core/heads/files.ts';
import { hamming } from '../../../electron/core/heads/hamming.ts';
import { MODEL_DIR, clothingPhotos, requireModel, tempDir } from '../../helpers/kit.ts';
import { call as callApi } from '../../helpers/api-call.ts';

let core: Core;

const call = <M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiResults[M]> => callApi(core, method, input);

const photos = clothingPhotos().filter((p) => p.senderId % 5 === 0);
const first = (label: string, n: number) => photos.filter((p) => p.label === label).slice(0, n).map((p) => p.file);

beforeAll(() => {
  requireModel();
  expect(fs.existsSync(path.join(REPO_ROOT, 'models', 'heads', HEADS_FILE))).toBe(true);
  core = openCore({ libraryDir: tempDir(), modelDir: MODEL_DIR, shell: 'browser', version: 'test' });
});
afterAll(async () => {
  await core?.close();
});

describe('import with the item heads', () => {
  let items: Item[];
  let personId: number;
  const row = (id: number) =>
    core.services.db.prepare('SELECT type, fine_label, fine_confidence, code, codes FROM items WHERE id = ?').get(id) as {
      type: string; fine_label: string | null; fine_confidence: number | null; code: Buffer; codes: Buffer;
    };

  it('types every photo with the heads and stores its 16-byte code', async () => {
    personId = (await call('people.create', { name: 'Heads' })).id;
    const files = [...first('T-Shirt', 3), ...first('Pants', 2), ...first('Shoes', 2)];
    const { jobId } = await call('import.paths', { personId, paths: files });
    for (;;) {
      const p = await call('import.status', { jobId });
      if (p.state !== 'running') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    items = (await call('items.list', { personId })).items;
    expect(items).toHaveLength(7);
    const byName = new Map(items.map((i) => [i.fileName, i]));
    const typeOf = (file: string) => byName.get(path.basename(file))!.type;
    // Clear photos of the test people, which the heads never saw.
    expect(first('T-Shirt', 3).map(typeOf)).toEqual(['top', 'top', 'top']);
    expect(first('Pants', 2).map(typeOf)).toEqual(['bottom', 'bottom']);
    expect(first('Shoes', 2).map(typeOf)).toEqual(['shoes', 'shoes']);
    for (const item of items) {
      expect(item.typeSource).toBe('predicted');
      expect(item.typeConfidence).toBeGreaterThan(0.3);
      expect(item.typeConfidence).toBeLessThanOrEqual(1);
      const r = row(item.id);
      expect(r.code).toHaveLength(16);
      expect(r.codes).toHaveLength(16 * 7);
      expect(r.fine_label).not.toBeNull();
      expect(r.fine_confidence).toBeGreaterThan(0);
    }
  });

  it('answers "more like this" from the codes: same type, nearest first', async () => {
    const tee = items.find((i) => i.type === 'top')!;
    const similar = await call('items.similar', { itemId: tee.id, k: 10 });
    expect(similar.map((i) => i.type)).toEqual(['top', 'top']);
    const d = similar.map((i) => hamming(row(tee.id).code, row(i.id).code));
    expect(d).toEqual([...d].sort((a, b) => a - b));
    expect(await call('items.similar', { itemId: tee.id, k: 1, personId })).toHaveLength(1);
    expect(await core.dispatch('items.similar', { itemId: 999_999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('keeps a correction, and the corrected type brings its own code', async () => {
    const tee = items.find((i) => i.type === 'top')!;
    const before = row(tee.id);
    const updated = await call('items.setType', { itemId: tee.id, type: 'bottom' });
    expect(updated).toMatchObject({ type: 'bottom', typeSource: 'user', typeConfidence: 1 });
    const after = row(tee.id);
    expect(after.code.equals(before.codes.subarray(16, 32))).toBe(true); // 'bottom' is the second type
    expect(after.fine_label).toBeNull();
    const similar = await call('items.similar', { itemId: tee.id, k: 10 });
    expect(similar.map((i) => i.type)).toEqual(['bottom', 'bottom']);
    expect((await call('items.list', { personId })).items.find((i) => i.id === tee.id)!.type).toBe('bottom');
  });
});

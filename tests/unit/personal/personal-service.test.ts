// The person's model as the app runs it: judgements schedule fine-tuning in a worker thread, each result
// is a stored version, and roll back / reset keep the record and the model in agreement.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import { openDatabase } from '../../../electron/core/db/database.ts';
import { ItemsRepo } from '../../../electron/core/library/items-repo.ts';
import type { NewItem } from '../../../electron/core/library/items-repo.ts';
import { JudgementsRepo } from '../../../electron/core/library/judgements-repo.ts';
import { PeopleRepo } from '../../../electron/core/library/people-repo.ts';
import { CompatModel } from '../../../electron/core/compat/model.ts';
import { fitFeatureTransform } from '../../../electron/core/compat/features.ts';
import { saveModel } from '../../../electron/core/compat/store.ts';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';
import { PersonalService, trainingData } from '../../../electron/core/personal/personal-service.ts';
import type { GarmentType } from '../../../shared/api.ts';
import { tempDir } from '../../helpers/kit.ts';

let db: Database;
let service: PersonalService;
let judgements: JudgementsRepo;
let personId: number;
let ids: number[];

beforeEach(() => {
  const dir = tempDir();
  db = openDatabase(path.join(dir, 'library.db'));
  const items = new ItemsRepo(db);
  judgements = new JudgementsRepo(db, items);
  personId = new PeopleRepo(db).create('Ann').id;
  const rng = new Rng(1);
  const types: GarmentType[] = ['top', 'top', 'top', 'bottom', 'bottom', 'bottom', 'shoes', 'shoes'];
  const embeddings = types.map(() => Float32Array.from({ length: 32 }, () => Math.abs(rng.normal())));
  ids = items.insertBatch(personId, types.map((type, n): NewItem => ({
    sha256: n.toString(16).padStart(64, '0'), fileName: `${n}.jpg`, ext: 'jpg', width: 1, height: 1, type, typeConfidence: 1, tags: [], colors: [], embedding: embeddings[n]!,
  })), []);
  const model = new CompatModel({ inputDim: 8, hidden: 8, rank: 4, inputDropout: 0, dropout: 0, dress: 'top+bottom' }, fitFeatureTransform(embeddings, { dim: 8 }), rng, { trainedOn: 'test', createdAt: 'now' });
  const modelDir = path.join(dir, 'model');
  saveModel(model, modelDir);
  service = new PersonalService({
    db,
    general: () => ({ model, dir: modelDir }),
    wardrobe: (p) => items.wardrobeWithEmbeddings(p),
    judgements: (p) => judgements.list(p),
    debounceMs: 20,
  });
});

afterEach(async () => {
  await service.close();
  db.close();
});

const outfit = (t: number, b: number, s: number) => [ids[t]!, ids[3 + b]!, ids[6 + s]!];

describe('personal model service', () => {
  it('fine-tunes after judgements (debounced), storing one version per run, in a worker', async () => {
    expect(service.personal(personId)).toBeUndefined();
    judgements.record(personId, outfit(0, 0, 0), 'like');
    service.schedule(personId);
    judgements.record(personId, outfit(1, 1, 1), 'dislike');
    service.schedule(personId);
    expect(service.status(personId).state).toBe('updating');
    await service.idle(personId);
    const status = service.status(personId);
    expect(status).toMatchObject({ state: 'idle', judgementsUsed: 2, lastError: null });
    expect(service.versions(personId)).toHaveLength(1);
    expect(service.personal(personId)?.id).toBe(`v${status.versionId}`);
  });

  it('trains on the garment a dislike names: the record becomes a judgement about that slot', () => {
    judgements.record(personId, outfit(0, 0, 0), 'like');
    judgements.record(personId, outfit(1, 1, 1), 'dislike', ids[4]);
    const wardrobe = new ItemsRepo(db).wardrobeWithEmbeddings(personId);
    const data = trainingData(wardrobe, judgements.list(personId));
    expect(data.outfits.map((o) => [o.liked, o.blamed])).toEqual([[true, undefined], [false, 'bottom']]);
    expect(data.items[data.outfits[1]!.outfit.bottom!]!.embedding).toEqual(wardrobe.find((w) => w.item.id === ids[4])!.embedding);
  });

  it('rolls back to a version, undoing the judgements made after it; reset undoes all', async () => {
    judgements.record(personId, outfit(0, 0, 0), 'like');
    service.schedule(personId);
    await service.idle(personId);
    const [first] = service.versions(personId);
    judgements.record(personId, outfit(2, 2, 1), 'dislike');
    service.schedule(personId);
    await service.idle(personId);
    expect(service.versions(personId).map((v) => v.current)).toEqual([false, true]);
    const after = service.rollback(personId, first!.id);
    expect(after.map((v) => [v.current, v.rolledBack])).toEqual([[true, false], [false, true]]);
    expect(judgements.list(personId)).toHaveLength(1);
    service.reset(personId);
    expect(service.personal(personId)).toBeUndefined();
    expect(judgements.list(personId)).toHaveLength(0);
    expect(() => service.rollback(personId, 424242)).toThrow(/not found/);
  });
});

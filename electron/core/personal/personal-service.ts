// Each person's model, as the app runs it: every judgement schedules a fine-tune (debounced; one at a
// time per person; in a worker thread), and each result is stored as a new version in one transaction,
// so a crash mid-training leaves the previous version. Roll back and reset keep the record and the model
// in agreement: rolling back to a version undoes the judgements made after it; a reset undoes them all.
import { RequestWorker, siblingModule } from '../request-worker.ts';
import type { Database } from 'better-sqlite3';
import type { ModelVersion, PersonalStatus } from '../../../shared/api.ts';
import type { CompatModel } from '../compat/model.ts';
import type { PersonalCompat } from '../compat/model.ts';
import { isSlot } from '../outfits/slots.ts';
import type { Slot } from '../outfits/slots.ts';
import type { Item } from '../../../shared/api.ts';
import type { Judgement } from '../../../shared/api.ts';
import { NotFoundError } from '../library/items-repo.ts';
import type { FineTuneItem, FineTuneJudgement, Outfit } from './finetune.ts';
import type { FineTuneRequest, FineTuneResponse } from './finetune-worker.ts';
import { deserializePersonal, toPersonalCompat } from './person-model.ts';

export interface PersonalServiceDeps {
  db: Database;
  /** The general model and the folder it was loaded from (the worker loads the same one). */
  general: () => { model: CompatModel; dir: string };
  wardrobe: (personId: number) => { item: Item; embedding: Float32Array }[];
  judgements: (personId: number) => Judgement[];
  debounceMs?: number;
  log?: (m: string) => void;
}

interface VersionRow {
  id: number;
  person_id: number;
  created_at: string;
  judgements_used: number;
  last_judgement_id: number | null;
  metrics_json: string;
  rolled_back_at: string | null;
}

interface PersonState {
  timer: NodeJS.Timeout | null;
  running: Promise<void> | null;
  again: boolean;
  lastMs: number | null;
  lastError: string | null;
}

export class PersonalService {
  private readonly deps: PersonalServiceDeps;
  private readonly worker = new RequestWorker<FineTuneRequest, FineTuneResponse>(siblingModule(import.meta.url, 'finetune-worker'), 'training worker');
  private readonly states = new Map<number, PersonState>();
  private readonly cache = new Map<number, { versionId: number; modelId: string; personal: PersonalCompat }>();
  private readonly listeners = new Set<(personId: number) => void>();

  constructor(deps: PersonalServiceDeps) {
    this.deps = deps;
  }

  /** Called when a person's model has a new version (to re-rank open suggestions). */
  onUpdated(listener: (personId: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The person's parts for the outfit engine, or undefined for the general model. */
  personal(personId: number): PersonalCompat | undefined {
    const row = this.currentRow(personId);
    if (!row) return undefined;
    const { model } = this.deps.general();
    const cached = this.cache.get(personId);
    if (cached && cached.versionId === row.id && cached.modelId === model.id) return cached.personal;
    const { weights } = this.deps.db.prepare('SELECT weights FROM person_models WHERE id = ?').get(row.id) as { weights: Buffer };
    const personal = { ...toPersonalCompat(model, deserializePersonal(weights, model, `v${row.id}`)), blob: weights };
    this.cache.set(personId, { versionId: row.id, modelId: model.id, personal });
    return personal;
  }

  /** A judgement was made or undone: fine-tune soon (several quick clicks make one run). */
  schedule(personId: number): void {
    const s = this.state(personId);
    if (s.timer) clearTimeout(s.timer);
    s.timer = setTimeout(() => {
      s.timer = null;
      void this.run(personId);
    }, this.deps.debounceMs ?? 150);
  }

  /** Resolves when no fine-tune is scheduled or running for the person. */
  async idle(personId: number): Promise<void> {
    const s = this.state(personId);
    while (s.timer || s.running) {
      if (s.running) await s.running;
      else await new Promise((r) => setTimeout(r, 10));
    }
  }

  status(personId: number): PersonalStatus {
    const s = this.state(personId);
    const row = this.currentRow(personId);
    return {
      personId,
      state: s.running || s.timer ? 'updating' : 'idle',
      versionId: row?.id ?? null,
      judgementsUsed: row?.judgements_used ?? 0,
      lastTrainingMs: s.lastMs,
      lastError: s.lastError,
    };
  }

  versions(personId: number): ModelVersion[] {
    const rows = this.deps.db.prepare('SELECT id, person_id, created_at, judgements_used, last_judgement_id, metrics_json, rolled_back_at FROM person_models WHERE person_id = ? ORDER BY id').all(personId) as VersionRow[];
    const current = this.currentRow(personId)?.id ?? null;
    return rows.map((r) => ({
      id: r.id,
      createdAt: r.created_at,
      judgementsUsed: r.judgements_used,
      current: r.id === current,
      rolledBack: r.rolled_back_at !== null,
      metrics: JSON.parse(r.metrics_json) as Record<string, number>,
    }));
  }

  /** Back to a version: later versions and the judgements made after it are set aside (undone). */
  rollback(personId: number, versionId: number): ModelVersion[] {
    const row = this.deps.db.prepare('SELECT id, last_judgement_id FROM person_models WHERE id = ? AND person_id = ?').get(versionId, personId) as { id: number; last_judgement_id: number | null } | undefined;
    if (!row) throw new NotFoundError(`model version ${versionId} of person ${personId}`);
    this.deps.db.transaction(() => {
      this.deps.db.prepare("UPDATE person_models SET rolled_back_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE person_id = ? AND id > ? AND rolled_back_at IS NULL").run(personId, versionId);
      this.deps.db.prepare('UPDATE person_models SET rolled_back_at = NULL WHERE id = ?').run(versionId);
      this.deps.db.prepare("UPDATE judgements SET undone_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE person_id = ? AND id > ? AND undone_at IS NULL").run(personId, row.last_judgement_id ?? 0);
    })();
    this.cache.delete(personId);
    this.notify(personId);
    return this.versions(personId);
  }

  /** Back to the general model: every version set aside, every judgement undone. */
  reset(personId: number): ModelVersion[] {
    this.deps.db.transaction(() => {
      this.deps.db.prepare("UPDATE person_models SET rolled_back_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE person_id = ? AND rolled_back_at IS NULL").run(personId);
      this.deps.db.prepare("UPDATE judgements SET undone_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE person_id = ? AND undone_at IS NULL").run(personId);
    })();
    this.cache.delete(personId);
    this.notify(personId);
    return this.versions(personId);
  }

  async close(): Promise<void> {
    for (const s of this.states.values()) if (s.timer) clearTimeout(s.timer);
    await Promise.allSettled([...this.states.values()].map((s) => s.running));
    await this.worker.close();
  }

  private async run(personId: number): Promise<void> {
    const s = this.state(personId);
    if (s.running) {
      s.again = true;
      return;
    }
    s.running = this.train(personId)
      .catch((error: unknown) => {
        s.lastError = error instanceof Error ? error.message : String(error);
        this.deps.log?.(`fine-tuning person ${personId} failed: ${s.lastError}`);
      })
      .finally(() => {
        s.running = null;
        if (s.again) {
          s.again = false;
          void this.run(personId);
        }
      });
    await s.running;
  }

  private async train(personId: number): Promise<void> {
    const judgements = this.deps.judgements(personId);
    const { dir } = this.deps.general();
    const { items, outfits } = trainingData(this.deps.wardrobe(personId), judgements);
    const lastJudgementId = judgements.at(-1)?.id ?? null;
    if (outfits.length === 0) return;
    const response = await this.worker.request({ modelDir: dir, items, judgements: outfits });
    if (!response.ok) throw new Error(response.error);
    const s = this.state(personId);
    s.lastMs = Math.round(response.ms);
    s.lastError = null;
    // A newer judgement or a rollback may have come in while training: store only if still current.
    const latest = this.deps.judgements(personId).at(-1)?.id ?? null;
    if (latest !== lastJudgementId) {
      s.again = true;
      return;
    }
    this.deps.db
      .prepare('INSERT INTO person_models (person_id, judgements_used, last_judgement_id, weights, metrics_json) VALUES (?, ?, ?, ?, ?)')
      .run(personId, outfits.length, lastJudgementId, Buffer.from(response.blob), JSON.stringify({ training_ms: Math.round(response.ms), likes: outfits.filter((o) => o.liked).length }));
    this.cache.delete(personId);
    this.notify(personId);
  }

  private currentRow(personId: number): VersionRow | undefined {
    return this.deps.db
      .prepare('SELECT id, person_id, created_at, judgements_used, last_judgement_id, metrics_json, rolled_back_at FROM person_models WHERE person_id = ? AND rolled_back_at IS NULL ORDER BY id DESC LIMIT 1')
      .get(personId) as VersionRow | undefined;
  }

  private state(personId: number): PersonState {
    let s = this.states.get(personId);
    if (!s) this.states.set(personId, (s = { timer: null, running: null, again: false, lastMs: null, lastError: null }));
    return s;
  }

  private notify(personId: number): void {
    for (const l of this.listeners) l(personId);
  }
}

/** The person's wardrobe as training items, and their standing judgements as outfits over it. */
export function trainingData(wardrobe: readonly { item: Item; embedding: Float32Array }[], judgements: readonly Judgement[]): { items: FineTuneItem[]; outfits: FineTuneJudgement[] } {
  const items: FineTuneItem[] = [];
  const index = new Map<number, number>();
  for (const w of wardrobe) {
    if (!isSlot(w.item.type)) continue;
    index.set(w.item.id, items.length);
    items.push({ slot: w.item.type, embedding: w.embedding });
  }
  const outfits: FineTuneJudgement[] = [];
  for (const j of judgements) {
    const outfit: Outfit = {};
    let complete = true;
    for (const id of j.itemIds) {
      const i = index.get(id);
      // An item since archived, removed or retyped out of the outfit slots: the outfit no longer counts.
      if (i === undefined) complete = false;
      else outfit[items[i]!.slot as Slot] = i;
    }
    if (!complete) continue;
    const blamed = j.blamedItemId === undefined ? undefined : items[index.get(j.blamedItemId)!]?.slot;
    outfits.push({ outfit, liked: j.verdict === 'like', ...(blamed ? { blamed } : {}) });
  }
  return { items, outfits };
}

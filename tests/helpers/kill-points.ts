// Crash testing with real processes: a child opens the core on a library and runs one kind of work (a
// "scenario"); the parent SIGKILLs it at a kill point, then reopens the library and checks it. A new kind of
// kill point (training, export) is one more entry in KILL_SCENARIOS: what the child does, which moments it
// marks (a file written, a commit about to happen), and what must hold afterwards.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Judgement } from '../../shared/api.ts';
import { openCore } from '../../electron/core/core.ts';
import type { Core } from '../../electron/core/core.ts';
import { ZipReader } from '../../electron/core/backup/zip-reader.ts';
import type { Rng } from '../../electron/core/learning/nn/rng.ts';
import { call, waitForImport } from './api-call.ts';
import { loadModel, shippedCompatDir } from '../../electron/core/compat/store.ts';
import { deserializePersonal } from '../../electron/core/personal/person-model.ts';
import { MODEL_DIR } from './kit.ts';
import { backdate, libraryProblems } from './library-check.ts';

/** What the child reports when the kill window opens; handed to check(). */
export type KillInfo = Record<string, unknown>;

export interface KillScenario {
  /**
   * In the child, on the opened core: the work to interrupt. Calls go() when the kill window opens, and mark()
   * at the moments worth aiming at; stdout is a pipe, written synchronously, so the parent sees a mark while
   * the child is still inside the synchronous work that follows it.
   */
  run(core: Core, params: KillInfo, go: (info: KillInfo) => void, mark: (what: string) => void): Promise<void>;
  /** In the parent, on the reopened library: what the scenario promises beyond a whole library, as problems. */
  check(core: Core, info: KillInfo): Promise<string[]>;
}

export const KILL_SCENARIOS: Record<string, KillScenario> = {
  /** A person (params.person) imports photos (params.files); a judgement recorded just before must survive. */
  import: {
    async run(core, params, go, mark) {
      const personId = (await call(core, 'people.list', {})).find((p) => p.name === params.person)!.id;
      const owned = (await call(core, 'items.list', { personId, limit: 2 })).items.map((i) => i.id);
      await call(core, 'judgements.record', { personId, itemIds: owned, verdict: 'dislike' });
      // Marks: every media file about to be written, every batch about to be committed.
      const { files, repo } = core.services;
      const write = files.writeAtomicAsync.bind(files);
      files.writeAtomicAsync = (...args) => (mark('write'), write(...args));
      const insert = repo.insertBatch.bind(repo);
      repo.insertBatch = (...args) => (mark('commit'), insert(...args));
      go({ personId, judgements: await call(core, 'judgements.list', { personId }) });
      const result = await core.services.imports.get((await call(core, 'import.paths', { personId, paths: params.files as string[] })).jobId)!.finished;
      if (result.state !== 'done' || result.failed.length) throw new Error(`import ended ${result.state}: ${JSON.stringify(result.failed)}`);
    },
    check: (core, info) => judgementsKept(core, info),
  },
  /** Export the library as a zip to exports/; after a kill, any .zip there must be whole (written as .part, then renamed). */
  export: {
    async run(core, params, go, mark) {
      const personId = (await call(core, 'people.list', {})).find((p) => p.name === params.person)!.id;
      go({ personId, judgements: await call(core, 'judgements.list', { personId }) });
      const { jobId } = await call(core, 'library.export', {});
      for (let phase = ''; ; await new Promise((r) => setTimeout(r, 5))) {
        const p = await call(core, 'library.status', { jobId });
        if (p.phase !== phase) mark((phase = p.phase));
        if (p.state !== 'running') {
          if (p.state !== 'done') throw new Error(`export ended ${p.state}`);
          return;
        }
      }
    },
    async check(core, info) {
      const problems = await judgementsKept(core, info);
      const dir = path.join(core.services.files.root, 'exports');
      for (const name of fs.existsSync(dir) ? fs.readdirSync(dir).filter((n) => n.endsWith('.zip')) : []) {
        try {
          const zip = await ZipReader.open(path.join(dir, name));
          if (!zip.entries.has('manifest.json') || !zip.entries.has('library.db')) problems.push(`exports/${name} lacks its manifest or database`);
          await zip.close();
        } catch (error) {
          problems.push(`exports/${name} is not a whole zip: ${String(error)}`);
        }
      }
      return problems;
    },
  },
  /**
   * A person judges outfits one after another; each judgement fine-tunes their model in the worker and stores a
   * new version. After a kill: every judgement recorded before the window is there, every stored version loads,
   * and the person's model is one of them (the old or a new one), never a half-written one.
   */
  finetune: {
    async run(core, params, go, mark) {
      const personId = (await call(core, 'people.list', {})).find((p) => p.name === params.person)!.id;
      // The person's wardrobe: the photos already in the library (added as duplicates, no decoding).
      await waitForImport(core, (await call(core, 'import.paths', { personId, paths: params.wardrobe as string[] })).jobId);
      const items = (await call(core, 'items.list', { personId, limit: 100 })).items.filter((i) => SLOT_TYPES.has(i.type));
      const db = core.services.db;
      const prepare = db.prepare.bind(db);
      db.prepare = ((sql: string) => (sql.includes('INSERT INTO person_models') && mark('store'), prepare(sql))) as typeof db.prepare;
      go({ personId, judgements: await call(core, 'judgements.list', { personId }) });
      for (let i = 0; i < (params.judgements as number); i++) {
        const before = (await call(core, 'personal.versions', { personId })).length;
        const outfit = [items[i % items.length]!.id, items[(i + 1) % items.length]!.id];
        await call(core, 'judgements.record', { personId, itemIds: outfit, verdict: i % 3 === 0 ? 'dislike' : 'like' });
        mark('judged');
        for (let waited = 0; (await call(core, 'personal.versions', { personId })).length === before; waited += 10) {
          if (waited > 30_000) throw new Error('no new model version after 30 s');
          await new Promise((r) => setTimeout(r, 10));
        }
      }
    },
    async check(core, info) {
      const problems = await judgementsKept(core, info);
      const personId = info.personId as number;
      const model = loadModel(shippedCompatDir(MODEL_DIR));
      const rows = core.services.db.prepare('SELECT id, weights FROM person_models WHERE person_id = ?').all(personId) as { id: number; weights: Buffer }[];
      for (const row of rows) {
        try {
          deserializePersonal(row.weights, model, `v${row.id}`);
        } catch (error) {
          problems.push(`model version ${row.id} does not load: ${String(error)}`);
        }
      }
      const status = await call(core, 'personal.status', { personId });
      if (status.versionId !== null && !rows.some((r) => r.id === status.versionId)) problems.push(`the model in use (${status.versionId}) is not a stored version`);
      return problems;
    },
  },
  /**
   * The library's items as other models left them (another key, each holding another item's embedding) are
   * described again by the current ones. After a kill every item is wholly old (the other key and embedding)
   * or wholly new (the current key and the embedding its photo gives), never a mix; the job started again
   * at the next open finishes the rest.
   */
  redescribe: {
    async run(core, params, go, mark) {
      const db = core.services.db;
      const rows = db.prepare('SELECT item_id AS id, embedding FROM item_embeddings ORDER BY item_id').all() as { id: number; embedding: Buffer }[];
      const hash = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      const items = rows.map((r, i) => ({ id: r.id, fresh: hash(r.embedding), old: hash(rows[(i + 1) % rows.length]!.embedding) }));
      db.transaction(() => {
        rows.forEach((r, i) => db.prepare('UPDATE item_embeddings SET embedding = ? WHERE item_id = ?').run(rows[(i + 1) % rows.length]!.embedding, r.id));
        db.prepare(`UPDATE items SET models = '${OTHER_MODELS}'`).run();
      })();
      const { repo } = core.services;
      const store = repo.redescribe.bind(repo);
      repo.redescribe = (...args) => (mark('commit'), store(...args));
      go({ items, person: params.person });
      const job = await core.services.startModelUpdate();
      const result = await job!.finished;
      if (result.state !== 'done' || result.failed) throw new Error(`the model update ended ${result.state} with ${result.failed} failed`);
    },
    async check(core, info) {
      const key = core.services.db.prepare('SELECT models FROM items WHERE models IS NOT ?').pluck().all(OTHER_MODELS) as string[];
      const now = new Map((core.services.db.prepare('SELECT i.id, i.models, e.embedding FROM items i JOIN item_embeddings e ON e.item_id = i.id').all() as { id: number; models: string; embedding: Buffer }[]).map((r) => [r.id, r]));
      const problems: string[] = [];
      if (new Set(key).size > 1) problems.push(`items carry ${new Set(key).size} different current keys`);
      for (const item of info.items as { id: number; fresh: string; old: string }[]) {
        const row = now.get(item.id);
        const embedding = row ? createHash('sha256').update(row.embedding).digest('hex') : 'missing';
        const whole = row?.models === OTHER_MODELS ? embedding === item.old : embedding === item.fresh;
        if (!whole) problems.push(`item ${item.id} is half described: key ${row?.models}, embedding neither its old nor its new one`);
      }
      // Started again, the update describes the rest.
      const rest = await core.services.startModelUpdate();
      if (rest && (await rest.finished).state !== 'done') problems.push('the update did not finish after the restart');
      const after = core.services.db.prepare('SELECT i.models, e.embedding FROM items i JOIN item_embeddings e ON e.item_id = i.id').all() as { models: string; embedding: Buffer }[];
      const fresh = new Set((info.items as { fresh: string }[]).map((i) => i.fresh));
      if (after.some((r) => r.models === OTHER_MODELS || !fresh.has(createHash('sha256').update(r.embedding).digest('hex')))) problems.push('items left undescribed after the restart');
      return problems;
    },
  },
};

const SLOT_TYPES = new Set(['top', 'bottom', 'shoes', 'dress', 'outerwear']);
/** The key of models the app does not have. */
const OTHER_MODELS = 'backbone:0000000000000000 heads:none';

/** Every judgement the child listed when its kill window opened is still there, unchanged. */
async function judgementsKept(core: Core, info: KillInfo): Promise<string[]> {
  const before = info.judgements as Judgement[];
  const now = new Map((await call(core, 'judgements.list', { personId: info.personId as number })).map((j) => [j.id, j]));
  return before.filter((j) => JSON.stringify(now.get(j.id)) !== JSON.stringify(j)).map((j) => `judgement ${j.id} was lost or changed`);
}

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'kill-child.ts');

/** When to kill: a time after the window opens, or on seeing the child's n-th mark (0-based) plus a jitter; null: never. */
export type KillAt = { afterMs: number } | { atMark: number; jitterMs: number } | null;

export interface KillRun {
  /** False when the work finished before the kill landed. */
  killed: boolean;
  info: KillInfo;
  /** From the kill window opening to the end of the child. */
  ms: number;
  /** The child's marks, in order. */
  marks: string[];
}

export function runKillPoint(scenario: string, libraryDir: string, params: KillInfo, at: KillAt): Promise<KillRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, scenario, libraryDir, JSON.stringify(params)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let info: KillInfo | null = null;
    let opened = 0;
    const marks: string[] = [];
    let timer: NodeJS.Timeout | undefined;
    const kill = (ms: number) => (timer ??= setTimeout(() => child.kill('SIGKILL'), ms));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const line of lines) {
        const msg = JSON.parse(line) as { go?: KillInfo; mark?: string };
        if (msg.mark) {
          if (at && 'atMark' in at && marks.length === at.atMark) kill(at.jitterMs);
          marks.push(msg.mark);
        } else if (msg.go) {
          info = msg.go;
          opened = performance.now();
          if (at && 'afterMs' in at) kill(at.afterMs);
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - opened;
      if (signal === 'SIGKILL' && info) return resolve({ killed: true, info, ms, marks });
      if (code === 0 && info) return resolve({ killed: false, info, ms, marks });
      reject(new Error(`the ${scenario} child ended with ${signal ?? code} before its kill point:\n${err.slice(-2000)}`));
    });
  });
}

/**
 * Kill points for `count` runs, from an unkilled calibration run: half at a time spread evenly at random over the
 * run, half on one of its marks (a file about to be written, a batch about to commit) plus a few ms, which lands
 * between an item's files and its row whatever the machine's speed.
 */
export function killPoints(rng: Rng, calibration: KillRun, count: number): Exclude<KillAt, null>[] {
  return Array.from({ length: count }, (_, i) =>
    i % 2 === 0 || calibration.marks.length === 0
      ? { afterMs: Math.round(rng.next() * calibration.ms) }
      : { atMark: rng.int(calibration.marks.length), jitterMs: rng.int(6) },
  );
}

/** Reopens a library after a kill, as the app would later (past the leftover grace), and lists what is wrong. */
export async function problemsAfterKill(scenario: string, libraryDir: string, info: KillInfo): Promise<{ problems: string[]; orphansRemoved: number; items: number }> {
  backdate(libraryDir);
  let orphansRemoved = 0;
  const log = (m: string) => (orphansRemoved += Number(/^removed (\d+) media file/.exec(m)?.[1] ?? 0));
  const core = openCore({ libraryDir, modelDir: MODEL_DIR, shell: 'browser', version: 'test', log });
  try {
    const items = (core.services.db.prepare('SELECT count(*) AS n FROM items').get() as { n: number }).n;
    return { problems: [...libraryProblems(core), ...(await KILL_SCENARIOS[scenario]!.check(core, info))], orphansRemoved, items };
  } finally {
    await core.close();
  }
}

// SIGKILL during a schema migration. Migration 4 moves every embedding out of the items rows into a table of
// its own, a rewrite of the whole items table: on a big library the longest migration so far. A child process
// opens a copy of a schema-3 library (the v3 fixture, grown to MIGRATED_ITEMS items whose embeddings are
// jittered copies of its real ones) and is killed at a seeded random moment: half over the whole open (the
// backup copy, the migration, the VACUUM after it), half just after the migration's transaction has started.
// Afterwards the file, opened without migrating, must be whole and at exactly version 3 (the old schema, every
// embedding in its row) or version 4 or a later one (every embedding in item_embeddings; the later migrations
// are small and may commit before the kill lands); and opened by the app, it must
// migrate and hold every embedding byte for byte.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, schemaVersion } from '../../../electron/core/db/database.ts';
import { MIGRATIONS } from '../../../electron/core/db/migrations.ts';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';
import { REPO_ROOT } from '../../../electron/core/paths.ts';
import { tempDir } from '../../helpers/kit.ts';
import { keptCountsProblems } from '../../helpers/library-check.ts';

const KILL_POINTS = Number(process.env.STYLIST_MIGRATION_KILL_POINTS ?? 16);
const MIGRATED_ITEMS = 3000;
const SEED = 4004;
const DATABASE_MODULE = pathToFileURL(path.join(REPO_ROOT, 'electron', 'core', 'db', 'database.ts')).href;
const MIGRATIONS_MODULE = pathToFileURL(path.join(REPO_ROOT, 'electron', 'core', 'db', 'migrations.ts')).href;
/** The child: opens the library (backup, then migrations), marking the moment migration 4 begins. */
const CHILD = `
  import { openDatabase } from ${JSON.stringify(DATABASE_MODULE)};
  import { MIGRATIONS } from ${JSON.stringify(MIGRATIONS_MODULE)};
  const say = (what) => process.stdout.write(what + '\\n');
  const marked = MIGRATIONS.map((m) => (m.version === 4 ? { ...m, up: (db) => (say('migrating'), m.up(db)) } : m));
  say('go');
  openDatabase(process.argv[1], marked).close();
  say('done');
`;

let prepared: string;
/** A digest of each item's embedding by photo hash, as schema 3 held it. */
let expected: Map<string, string>;
const made: string[] = [];

function embeddingsByHash(db: Database): Map<string, string> {
  const inItems = (db.prepare("SELECT name FROM pragma_table_info('items')").pluck().all() as string[]).includes('embedding');
  const sql = inItems ? 'SELECT sha256, embedding FROM items' : 'SELECT i.sha256, e.embedding FROM items i LEFT JOIN item_embeddings e ON e.item_id = i.id';
  return new Map((db.prepare(sql).all() as { sha256: string; embedding: Buffer | null }[]).map((r) => [r.sha256, r.embedding ? crypto.createHash('sha1').update(r.embedding).digest('hex') : 'missing']));
}

interface KillOutcome {
  /** ms after the child said go (or after it marked the migration). */
  at: number;
  aimed: boolean;
  killed: boolean;
  versionFound: number;
  problems: string[];
}

async function killPoint(rng: Rng, openMs: number, aimed: boolean): Promise<KillOutcome> {
  const dir = tempDir('stylist-migration-kill-');
  made.push(dir);
  const file = path.join(dir, 'library.db');
  fs.copyFileSync(prepared, file);
  const at = rng.next() * (aimed ? openMs / 2 : openMs * 1.2);
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let killed = false;
  let done = false;
  await new Promise<void>((resolve) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('done')) done = true;
      if ((aimed && out.includes('migrating')) || (!aimed && out.includes('go'))) {
        out = out.replace(/go|migrating/g, '');
        setTimeout(() => {
          if (!done && child.exitCode === null) killed = child.kill('SIGKILL');
          resolve();
        }, at);
      }
    });
    void exited.then(() => resolve());
  });
  const code = await exited;
  const problems: string[] = [];
  if (!killed && code !== 0) problems.push(`the child failed: ${stderr.slice(0, 300)}`);
  // As the crash left it, without migrating: whole, and at one known version.
  const raw = new BetterSqlite3(file);
  const versionFound = schemaVersion(raw);
  if (raw.pragma('integrity_check', { simple: true }) !== 'ok') problems.push('integrity_check failed after the kill');
  if (versionFound < 3 || versionFound > MIGRATIONS.length) problems.push(`left at version ${versionFound}`);
  const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  if ((versionFound === 3) === tables.includes('item_embeddings')) problems.push(`version ${versionFound} with tables ${tables.join(', ')}`);
  const left = embeddingsByHash(raw);
  raw.close();
  const same = (m: Map<string, string>) => m.size === expected.size && [...expected].every(([sha, hex]) => m.get(sha) === hex);
  if (!same(left)) problems.push(`version ${versionFound}: embeddings differ from before the migration`);
  // Opened by the app: migrated (again), every embedding kept.
  const db = openDatabase(file);
  if (schemaVersion(db) !== MIGRATIONS.length) problems.push(`reopened at version ${schemaVersion(db)}`);
  if (!same(embeddingsByHash(db))) problems.push('after reopening: embeddings differ from before the migration');
  if (db.pragma('integrity_check', { simple: true }) !== 'ok') problems.push('integrity_check failed after reopening');
  problems.push(...keptCountsProblems(db));
  db.close();
  return { at, aimed, killed, versionFound, problems };
}

beforeAll(() => {
  // The v3 fixture (made by schema 3: real garments, real embeddings), grown with jittered copies of its items.
  const dir = tempDir('stylist-migration-prepared-');
  made.push(dir);
  prepared = path.join(dir, 'library.db');
  fs.copyFileSync(path.join(REPO_ROOT, 'tests', 'fixtures', 'libraries', 'v3', 'library.db'), prepared);
  const db = new BetterSqlite3(prepared);
  expect(schemaVersion(db)).toBe(3);
  const rng = new Rng(SEED);
  const real = db.prepare('SELECT * FROM items').all() as Record<string, unknown>[];
  const columns = Object.keys(real[0]!).filter((c) => c !== 'id');
  const insert = db.prepare(`INSERT INTO items (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
  const own = db.prepare('INSERT INTO wardrobe (person_id, item_id) SELECT id, ? FROM people LIMIT 1');
  db.transaction(() => {
    for (let i = real.length; i < MIGRATED_ITEMS; i++) {
      const base = real[i % real.length]!;
      const e = new Float32Array(new Uint8Array(base.embedding as Buffer).slice().buffer).map((x) => Math.max(0, x * (1 + 0.15 * rng.normal())));
      const id = insert.run({ ...base, sha256: crypto.createHash('sha256').update(`migration ${i}`).digest('hex'), file_name: `copy-${i}.jpg`, embedding: Buffer.from(e.buffer) })
        .lastInsertRowid;
      own.run(id);
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  expected = embeddingsByHash(db);
  db.close();
  for (const f of fs.readdirSync(dir)) if (f !== 'library.db') fs.rmSync(path.join(dir, f));
});

afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

describe('SIGKILL during a migration', () => {
  it(`leaves schema 3 or schema 4 whole, never between, at ${KILL_POINTS} kill points`, { timeout: 240_000 }, async () => {
    // How long an undisturbed open (backup copy, then migration) takes here.
    const timing = tempDir('stylist-migration-timing-');
    made.push(timing);
    fs.copyFileSync(prepared, path.join(timing, 'library.db'));
    const t0 = performance.now();
    const migrated = openDatabase(path.join(timing, 'library.db'));
    const openMs = performance.now() - t0;
    expect(embeddingsByHash(migrated)).toEqual(expected);
    // The pages the embeddings left are given back (VACUUM after the migration), not kept as free pages.
    expect(migrated.pragma('freelist_count', { simple: true }) as number).toBeLessThan(0.25 * (migrated.pragma('page_count', { simple: true }) as number));
    migrated.close();

    const rng = new Rng(SEED + 1);
    const outcomes: KillOutcome[] = [];
    for (let k = 0; k < KILL_POINTS; k++) outcomes.push(await killPoint(rng, openMs, k % 2 === 1));
    const killed = outcomes.filter((o) => o.killed);
    const at = (v: number) => killed.filter((o) => (v === 3 ? o.versionFound === 3 : o.versionFound >= v)).length;
    console.log(
      `[reliability] migration kill points: ${outcomes.length} (${killed.length} killed, ${outcomes.length - killed.length} finished first; ` +
        `${outcomes.filter((o) => o.aimed).length} aimed just after the migration began; an undisturbed open of ${MIGRATED_ITEMS} items takes ${Math.round(openMs)} ms); ` +
        `killed ones left schema 3: ${at(3)}, schema 4 or later: ${at(4)}; every library whole and migrated on reopening`,
    );
    expect(outcomes.flatMap((o) => o.problems.map((p) => `kill at ${Math.round(o.at)} ms${o.aimed ? ' into the migration' : ''}: ${p}`))).toEqual([]);
    // The kills must have landed on both sides of the commit, or the test proved little.
    expect(at(3)).toBeGreaterThan(0);
  });
});

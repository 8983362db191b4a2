// A property-based fuzz of every method in apiSchemas (generated from the schemas, see helpers/api-fuzz.ts),
// through core.dispatch and through the loopback HTTP bridge: every malformed payload gets a typed answer
// (ok:false with a code, never a throw), refused payloads and unknown ids change nothing in the library
// (a checksum of every table, before and after), and nothing pollutes Object.prototype.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiSchemas } from '../../../shared/api.ts';
import type { ApiErrorCode, ApiResult } from '../../../shared/api.ts';
import { openCore } from '../../../electron/core/core.ts';
import type { Core } from '../../../electron/core/core.ts';
import { TOKEN_HEADER, startBridge } from '../../../electron/core/bridge/http-bridge.ts';
import type { Bridge } from '../../../electron/core/bridge/http-bridge.ts';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';
import { casesFor } from '../../helpers/api-fuzz.ts';
import type { ApiCase, FuzzIds } from '../../helpers/api-fuzz.ts';
import { call } from '../../helpers/api-call.ts';
import { MODEL_DIR, requireModel, tempDir } from '../../helpers/kit.ts';
import { contentChecksum, libraryProblems } from '../../helpers/library-check.ts';
import { addSyntheticItems } from '../../helpers/synthetic-library.ts';

const SEED = 777;
/** Through HTTP, every n-th case (each costs a request). */
const BRIDGE_EVERY = Number(process.env.STYLIST_BRIDGE_FUZZ_EVERY ?? 3);
const CODES: ApiErrorCode[] = ['bad_request', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'unavailable', 'internal'];
/**
 * Found by this fuzz, not yet fixed where they live (reported to their owners): each must still fail as
 * described, so that a fix shows up here and the entry is removed.
 */
const KNOWN_ISSUES: { method: RegExp; what: RegExp; wrong: RegExp }[] = [];

let core: Core;
let bridge: Bridge;
let dir: string;
let cases: ApiCase[];
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
/** The fuzz runs with its working folder here, so relative paths in payloads land in the sandbox. */
const sandbox = tempDir('stylist-fuzz-sandbox-');
const decoy = path.join(sandbox, 'etc', 'passwd');
const cwd = process.cwd();

beforeAll(async () => {
  requireModel();
  const deepDir = path.join(sandbox, 'a', 'b', 'c', 'd', 'e', 'f');
  fs.mkdirSync(deepDir, { recursive: true });
  fs.mkdirSync(path.dirname(decoy), { recursive: true });
  fs.writeFileSync(decoy, 'root:x:0:0:decoy\n');
  process.chdir(deepDir);
  dir = tempDir();
  core = openCore({ libraryDir: dir, modelDir: MODEL_DIR, shell: 'browser', version: 'test' });
  const person = await call(core, 'people.create', { name: 'Ann' });
  const catalogue = await call(core, 'people.create', { name: 'Shop', kind: 'catalogue' });
  const itemIds = await addSyntheticItems(core, person.id, 10, new Rng(SEED));
  const judgement = await call(core, 'judgements.record', { personId: person.id, itemIds: itemIds.slice(0, 3), verdict: 'like' });
  const ids: FuzzIds = { personId: person.id, catalogueId: catalogue.id, itemIds, judgementId: judgement.id };
  const rng = new Rng(SEED);
  cases = Object.entries(apiSchemas).flatMap(([method, schema]) => casesFor(method, schema as never, ids, rng));
  bridge = await startBridge({ core });
});
afterAll(async () => {
  process.chdir(cwd);
  await bridge?.close();
  await core?.close();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(sandbox, { recursive: true, force: true });
});

/** Waits for a job a call started (import.*, style.*) to end, so it changes nothing during the next case. */
async function settle(method: string, value: unknown): Promise<void> {
  const jobId = (value as { jobId?: unknown } | null)?.jobId;
  const status = `${method.split('.')[0]}.status`;
  if (typeof jobId !== 'string' || !Object.hasOwn(apiSchemas, status)) return;
  for (const t0 = Date.now(); Date.now() - t0 < 30_000; await new Promise((r) => setTimeout(r, 20))) {
    const r = await core.dispatch(status, { jobId });
    if (!r.ok || (r.value as { state?: string }).state !== 'running') return;
  }
  throw new Error(`${method} job ${jobId} did not end`);
}

/** What is wrong with the answer to one case, or null. */
function judge(c: ApiCase, r: unknown, changed: boolean): string | null {
  const res = r as ApiResult<unknown>;
  if (typeof res !== 'object' || res === null || typeof res.ok !== 'boolean') return `untyped answer ${JSON.stringify(r)?.slice(0, 100)}`;
  if (!res.ok) {
    if (!CODES.includes(res.error?.code) || typeof res.error.message !== 'string') return `untyped error ${JSON.stringify(res.error).slice(0, 100)}`;
    if (res.error.message.length > 5000) return `an error message of ${res.error.message.length} characters`;
    if (res.error.code === 'internal') return `internal error: ${res.error.message.slice(0, 200)}`;
  }
  if (c.expect === 'invalid' && (res.ok || res.error.code !== 'bad_request')) return `accepted or not refused as bad_request: ${JSON.stringify(res).slice(0, 150)}`;
  if (changed && (c.expect !== 'hostile' || !res.ok)) return `the library changed (${res.ok ? 'ok' : res.error.code})`;
  return null;
}

async function runCases(list: ApiCase[], send: (c: ApiCase) => Promise<unknown>): Promise<{ bad: string[]; known: string[]; tally: Map<string, number> }> {
  const bad: string[] = [];
  const known: string[] = [];
  const tally = new Map<string, number>();
  const perMethod = new Map<string, number>();
  for (const c of list) {
    const t0 = performance.now();
    const before = contentChecksum(core.services.db);
    let r: unknown;
    try {
      r = await send(c);
    } catch (error) {
      bad.push(`${c.method} ${c.what}: threw ${String(error).slice(0, 200)}`);
      continue;
    }
    const res = r as ApiResult<unknown>;
    if (res?.ok) await settle(c.method, res.value);
    const wrong = judge(c, r, contentChecksum(core.services.db) !== before);
    const issue = KNOWN_ISSUES.find((k) => k.method.test(c.method) && k.what.test(c.what));
    if (issue && !(wrong && issue.wrong.test(wrong))) bad.push(`${c.method} ${c.what}: a known issue no longer shows (${wrong ?? 'now right'}): update KNOWN_ISSUES`);
    else if (issue) known.push(`${c.method} ${c.what}`);
    else if (wrong) bad.push(`${c.method} ${c.what}: ${wrong}`);
    perMethod.set(c.method, (perMethod.get(c.method) ?? 0) + performance.now() - t0);
    const key = `${c.expect}:${res?.ok ? 'ok' : res?.error?.code}`;
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  const slowest = [...perMethod].sort((a, b) => b[1] - a[1]).slice(0, 3);
  console.log(`[reliability] API fuzz: slowest methods: ${slowest.map(([m, t]) => `${m} ${Math.round(t)} ms`).join(', ')}`);
  return { bad, known, tally };
}

const show = (tally: Map<string, number>) => [...tally].sort().map(([k, n]) => `${n} ${k}`).join(', ');

describe('API fuzz', () => {
  it('every malformed payload to every method through core.dispatch gets a typed answer and changes nothing it must not', { timeout: 120_000 }, async () => {
    const { bad, known, tally } = await runCases(cases, (c) => core.dispatch(c.method, c.input));
    console.log(
      `[reliability] API fuzz: ${cases.length} cases over ${Object.keys(apiSchemas).length} methods through core.dispatch: ${show(tally)}` +
        (known.length ? `; known issues still open: ${known.join('; ')}` : ''),
    );
    expect(bad).toEqual([]);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(libraryProblems(core)).toEqual([]);
    expect(fs.readFileSync(decoy, 'utf8')).toBe('root:x:0:0:decoy\n');
  });

  it('the same payloads through the HTTP bridge get the same typed answers', { timeout: 120_000 }, async () => {
    const sample = cases.filter((_, i) => i % BRIDGE_EVERY === 0);
    const { bad, tally } = await runCases(sample, async (c) => {
      const res = await fetch(`${bridge.url}/api/${encodeURIComponent(c.method)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: bridge.token },
        body: JSON.stringify(c.input),
      });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
      return res.json();
    });
    console.log(`[reliability] API fuzz: ${sample.length} cases through the HTTP bridge: ${show(tally)}`);
    expect(bad).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(libraryProblems(core)).toEqual([]);
  });
});

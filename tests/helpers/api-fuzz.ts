// Malformed payloads for every method of the API, generated from the zod schemas themselves (so a method added
// to shared/api.ts is fuzzed without touching this file). Each case says what must happen:
//   invalid  - wrong JSON type, missing field, unknown key, out of range, too long, not an object: refused
//              with bad_request and nothing changed;
//   unknown  - ids of nothing (people, items, judgements, jobs): a typed answer and nothing changed;
//   hostile  - schema-valid strings meant to hurt (path traversal, SQL, __proto__, NUL, 100k chars):
//              a typed answer; whatever the method does with them, the library stays whole.
import type { Rng } from '../../electron/core/learning/nn/rng.ts';

export type Expect = 'invalid' | 'unknown' | 'hostile';

export interface ApiCase {
  method: string;
  input: unknown;
  expect: Expect;
  what: string;
}

/** Real ids in the fuzzed library, so templates are valid and only the mutated field is wrong. */
export interface FuzzIds {
  personId: number;
  catalogueId: number;
  itemIds: number[];
  judgementId: number;
}

interface Def {
  type: string;
  shape?: Record<string, Schema>;
  catchall?: Schema;
  element?: Schema;
  innerType?: Schema;
  options?: Schema[];
  entries?: Record<string, string>;
  checks?: { _zod: { def: { check: string; value?: number; inclusive?: boolean; minimum?: number; maximum?: number; format?: string; pattern?: RegExp } } }[];
}
interface Schema {
  _zod: { def: Def };
}

const def = (s: Schema): Def => s._zod.def;

/** The schema under optional/default/nullable, and whether undefined / null are accepted. */
function unwrap(s: Schema): { base: Schema; optional: boolean; nullable: boolean } {
  let optional = false;
  let nullable = false;
  let cur = s;
  for (;;) {
    const d = def(cur);
    if (d.type === 'optional' || d.type === 'default' || d.type === 'prefault') optional = true;
    else if (d.type === 'nullable') nullable = true;
    else return { base: cur, optional, nullable };
    cur = d.innerType!;
  }
}

function check(d: Def, name: string) {
  return d.checks?.map((c) => c._zod.def).find((c) => c.check === name);
}

/**
 * Strings meant to hurt. Paths are relative (the fuzz runs in a sandbox folder six levels deep, where
 * ../../../../../../etc/passwd is a decoy) or name special files that no method may write: a method that takes
 * a destination must never be aimed at the real file system by a test.
 */
export const HOSTILE_STRINGS = [
  '../../../../../../etc/passwd',
  '..\\..\\..\\windows\\system32\\config\\sam',
  '/proc/self/environ',
  '/dev/zero',
  '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  'file:///etc/passwd',
  "' OR 1=1 --",
  '"; DROP TABLE items; --',
  '__proto__',
  'constructor',
  'a\u0000b',
  '\u202Egnp.exe',
  '<img src=x onerror=alert(1)>',
  '${process.exit()}',
  '𝕏'.repeat(50),
];

const HOSTILE_PER_FIELD = 6;
/** Always among a field's hostile strings: it reaches fs calls that throw on it. */
const NUL = 'a\u0000b';

function deep(depth: number): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

/** A JSON object with an own "__proto__" (or other) key, as JSON.parse makes it; an object literal would set the prototype. */
function withOwnKey(base: object, key: string, value: unknown): Record<string, unknown> {
  const out = { ...base } as Record<string, unknown>;
  Object.defineProperty(out, key, { value, enumerable: true, configurable: true, writable: true });
  return out;
}

const POLLUTION = { polluted: 'yes', toString: 'no', isAdmin: true };

/** Values of the wrong JSON type for a schema (never accepted, whatever its checks). */
function wrongTypes(base: Schema, nullable: boolean): unknown[] {
  const t = def(base).type;
  const all: unknown[] = ['7', 7, 1.5, true, [], {}, deep(1000), withOwnKey({}, '__proto__', POLLUTION)];
  if (!nullable) all.push(null);
  return all.filter((v) => {
    if (t === 'number') return typeof v !== 'number';
    if (t === 'string') return typeof v !== 'string';
    if (t === 'boolean') return typeof v !== 'boolean';
    if (t === 'enum') return !(typeof v === 'string' && Object.values(def(base).entries!).includes(v));
    if (t === 'array') return !Array.isArray(v);
    if (t === 'object') return v === null || typeof v !== 'object' || Array.isArray(v);
    return false;
  });
}

/** Values of the right type that break a check (range, length, pattern, enum membership). */
function outOfRange(base: Schema): unknown[] {
  const d = def(base);
  const out: unknown[] = [];
  if (d.type === 'number') {
    const lo = check(d, 'greater_than');
    const hi = check(d, 'less_than');
    if (lo) out.push(lo.inclusive ? lo.value! - 1 : lo.value!, -1e308);
    if (hi) out.push(hi.inclusive ? hi.value! + 1 : hi.value!, 1e308);
    if (check(d, 'number_format')) out.push((lo?.value ?? 0) + 1.5);
  } else if (d.type === 'string') {
    const min = check(d, 'min_length');
    const max = check(d, 'max_length');
    if (min && min.minimum! > 0) out.push('');
    if (max && max.maximum! < 1_000_000) out.push('x'.repeat(max.maximum! + 1));
    if (check(d, 'string_format')) out.push('../../etc/passwd', 'A'.repeat(65), 'abc\n');
  } else if (d.type === 'enum') {
    out.push('__proto__', 'not-a-member', '');
  } else if (d.type === 'array') {
    const min = check(d, 'min_length');
    const max = check(d, 'max_length');
    if (min && min.minimum! > 0) out.push([]);
    if (max && max.maximum! <= 100_000) out.push(Array.from({ length: max.maximum! + 1 }, () => validValue(d.element!, 'x', FALLBACK_IDS, 0)));
    out.push(wrongTypes(unwrap(d.element!).base, unwrap(d.element!).nullable).slice(0, 3));
  }
  return out;
}

const FALLBACK_IDS: FuzzIds = { personId: 1, catalogueId: 1, itemIds: [1, 2, 3, 4, 5], judgementId: 1 };
const UNKNOWN_ID = 987_654_321;
const UNKNOWN_JOB = '00000000-0000-4000-8000-000000000000';

/** A valid value for a schema, using the library's real ids for fields named like ids. */
function validValue(s: Schema, key: string, ids: FuzzIds, i: number): unknown {
  const { base } = unwrap(s);
  const d = def(base);
  switch (d.type) {
    case 'number': {
      if (key === 'personId') return ids.personId;
      if (key === 'catalogueId') return ids.catalogueId;
      if (key === 'judgementId') return ids.judgementId;
      if (/item/i.test(key) || key === 'pinned' || key === 'exclude') return ids.itemIds[i % ids.itemIds.length]!;
      const lo = check(d, 'greater_than');
      return lo ? (lo.inclusive ? lo.value! : lo.value! + 1) : 1;
    }
    case 'string':
      if (check(d, 'string_format')) return UNKNOWN_JOB;
      if (key === 'dataBase64') return Buffer.from('not an image').toString('base64');
      return 'Valid name';
    case 'boolean':
      return false;
    case 'enum':
      return Object.values(d.entries!)[0];
    case 'array': {
      const min = check(d, 'min_length')?.minimum ?? 0;
      return Array.from({ length: Math.max(min, 1) }, (_, j) => validValue(d.element!, key, ids, j));
    }
    case 'object':
      return Object.fromEntries(Object.entries(d.shape!).map(([k, v]) => [k, validValue(v, k, ids, i)]));
    default:
      return null;
  }
}

function isIdField(key: string, base: Schema): boolean {
  const d = def(base);
  if (d.type === 'number') return /Id$/.test(key);
  if (d.type === 'array') return /Ids$/.test(key) || key === 'pinned' || key === 'exclude';
  if (d.type === 'string') return /^jobId$/.test(key);
  return false;
}

function unknownId(key: string, base: Schema): unknown {
  const d = def(base);
  if (d.type === 'array') return [UNKNOWN_ID, UNKNOWN_ID + 1].slice(0, Math.max(1, Math.min(2, check(d, 'max_length')?.maximum ?? 2)));
  if (d.type === 'string') return UNKNOWN_JOB.replace(/0/g, 'f');
  return key === 'personId' || key === 'catalogueId' ? UNKNOWN_ID : UNKNOWN_ID + 7;
}

/** Every case for one method: its schema's fields mutated one at a time, and the payload as a whole. */
export function casesFor(method: string, schema: Schema, ids: FuzzIds, rng: Rng): ApiCase[] {
  // A union of strict objects (one shape or another): each shape's mutations are invalid for all of them.
  if (def(schema).type === 'union') return def(schema).options!.flatMap((option) => casesFor(method, option, ids, rng));
  const shape = def(schema).shape ?? {};
  const template = validValue(schema, '', ids, 0) as Record<string, unknown>;
  const out: ApiCase[] = [];
  const add = (input: unknown, expect: Expect, what: string) => out.push({ method, input, expect, what });
  const required = Object.entries(shape).filter(([, s]) => !unwrap(s).optional);

  // The payload as a whole.
  for (const v of ['x', 42, true, [], [template], deep(2000)]) add(v, 'invalid', `payload ${JSON.stringify(v)?.slice(0, 30)}`);
  if (required.length) add(null, 'invalid', 'payload null');
  for (const key of ['__proto__', 'constructor', 'prototype', 'toString', 'then', 'extra']) {
    add(withOwnKey(template, key, rng.next() < 0.5 ? POLLUTION : deep(500)), 'invalid', `unknown key ${key}`);
  }
  for (const [key] of required) {
    const { [key]: _dropped, ...rest } = template;
    add(rest, 'invalid', `missing ${key}`);
  }

  // Each field.
  for (const [key, s] of Object.entries(shape)) {
    const { base, nullable } = unwrap(s);
    for (const v of wrongTypes(base, nullable)) add({ ...template, [key]: v }, 'invalid', `${key} of wrong type ${JSON.stringify(v)?.slice(0, 30)}`);
    for (const v of outOfRange(base)) add({ ...template, [key]: v }, 'invalid', `${key} out of range ${JSON.stringify(v)?.slice(0, 30)}`);
    if (isIdField(key, base)) add({ ...template, [key]: unknownId(key, base) }, 'unknown', `${key} unknown`);
    const d = def(base);
    const stringIn = d.type === 'string' ? base : d.type === 'array' && def(unwrap(d.element!).base).type === 'string' ? unwrap(d.element!).base : null;
    if (stringIn && !check(def(stringIn), 'string_format')) {
      const max = check(def(stringIn), 'max_length')?.maximum ?? Infinity;
      // A seeded handful per field: each can start a job (an import, a teaching run), which costs time.
      const some = [NUL, ...rng.shuffle(HOSTILE_STRINGS.filter((h) => h !== NUL)).slice(0, HOSTILE_PER_FIELD - 1)];
      for (const h of [...some, 'y'.repeat(100_000)].filter((x) => x.length <= max)) {
        add({ ...template, [key]: d.type === 'array' ? [h] : h }, 'hostile', `${key} = ${JSON.stringify(h).slice(0, 30)}`);
      }
    }
    // Objects inside arrays (files[]): their fields too.
    const element = d.type === 'array' ? unwrap(d.element!).base : null;
    if (element && def(element).type === 'object') {
      const inner = validValue(element, key, ids, 0) as Record<string, unknown>;
      for (const [k, es] of Object.entries(def(element).shape!)) {
        const eb = unwrap(es).base;
        for (const v of wrongTypes(eb, unwrap(es).nullable).slice(0, 4)) add({ ...template, [key]: [{ ...inner, [k]: v }] }, 'invalid', `${key}[].${k} of wrong type`);
        if (def(eb).type === 'string' && k !== 'dataBase64') {
          for (const h of rng.shuffle([...HOSTILE_STRINGS]).slice(0, HOSTILE_PER_FIELD)) {
            add({ ...template, [key]: [{ ...inner, [k]: h }] }, 'hostile', `${key}[].${k} = ${JSON.stringify(h).slice(0, 30)}`);
          }
        }
      }
      add({ ...template, [key]: [withOwnKey(inner, '__proto__', POLLUTION)] }, 'hostile', `${key}[] with own __proto__`);
    }
  }
  return out;
}

// A fake StylistApi for component tests: per-method handlers, a log of calls, typed failures. Like the core's
// dispatcher, it answers "unknown method" for a method the contract does not have.
import { apiSchemas } from '../../../shared/api.ts';
import type {
  ApiErrorCode,
  ApiInput,
  ApiMethod,
  ApiResult,
  ApiResults,
  GarmentType,
  ImportProgress,
  Item,
  ItemCounts,
  OutfitSuggestion,
  Person,
  StylistApi,
} from '../../../shared/api.ts';

/** Return this from a handler to make the call fail with a typed error. */
export class Fail {
  readonly code: ApiErrorCode;
  readonly message: string;
  constructor(code: ApiErrorCode, message: string) {
    this.code = code;
    this.message = message;
  }
}

export type Handler<M extends ApiMethod> = (
  input: ApiInput<M>,
) => ApiResults[M] | Fail | Promise<ApiResults[M] | Fail>;
export type Handlers = { [M in ApiMethod]?: Handler<M> };

export interface Call {
  method: ApiMethod;
  input: unknown;
}

export interface FakeApi extends StylistApi {
  calls: Call[];
  callsTo<M extends ApiMethod>(method: M): ApiInput<M>[];
  handlers: Handlers;
}

export const ME: Person = { id: 1, name: 'Me', kind: 'person', createdAt: '2025-01-01T00:00:00.000Z', archived: false, usesCatalogueId: null };

const DEFAULTS: Handlers = {
  'app.info': () => ({ version: '0.1.0', shell: 'browser', provider: 'cpu', libraryPath: '/tmp/library' }),
  'people.list': () => [ME],
  'people.create': ({ name }) => ({ ...ME, id: 99, name }),
  'items.list': () => ({ items: [], total: 0 }),
  'items.counts': () => emptyCounts(),
  'items.outfits': () => [],
  'judgements.list': () => [],
  'items.similar': () => [],
  'personal.status': ({ personId }) => ({ personId, state: 'idle', versionId: null, judgementsUsed: 0, lastTrainingMs: null, lastError: null }),
  'personal.versions': () => [],
  'style.info': () => ({ source: 'shipped', id: 'compat-test', trainedOn: 'clothing-dataset', createdAt: '2025-01-01T00:00:00.000Z', houseStyleOutdated: false }),
  'outfits.suggest': () => [],
  'judgements.record': ({ personId, itemIds, verdict }) => ({
    id: 1,
    personId,
    itemIds,
    verdict,
    createdAt: '2025-01-01T00:00:00.000Z',
  }),
  'judgements.blame': ({ personId, judgementId, blamedItemId }) => ({
    id: judgementId,
    personId,
    itemIds: [],
    verdict: 'dislike',
    ...(blamedItemId === null ? {} : { blamedItemId }),
    createdAt: '2025-01-01T00:00:00.000Z',
  }),
};

export function createFakeApi(handlers: Handlers = {}): FakeApi {
  const calls: Call[] = [];
  const all: Handlers = { ...DEFAULTS, ...handlers };
  const api: FakeApi = {
    calls,
    handlers: all,
    callsTo<M extends ApiMethod>(method: M): ApiInput<M>[] {
      return calls.filter((c) => c.method === method).map((c) => c.input as ApiInput<M>);
    },
    async call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiResult<ApiResults[M]>> {
      calls.push({ method, input });
      const handler = all[method] as Handler<M> | undefined;
      if (!handler) {
        if (!Object.hasOwn(apiSchemas, method)) return { ok: false, error: { code: 'bad_request', message: `unknown method: ${method}` } };
        return { ok: false, error: { code: 'internal', message: `fake: no handler for ${method}` } };
      }
      const value = await handler(input);
      if (value instanceof Fail) return { ok: false, error: { code: value.code, message: value.message } };
      return { ok: true, value };
    },
    mediaUrl: (kind, sha256) => `/media/${kind}/${sha256}`,
    downloadUrl: (fileName) => `/download/${fileName}`,
  };
  return api;
}

export function emptyCounts(items: Item[] = []): ItemCounts {
  const byType = { top: 0, bottom: 0, shoes: 0, dress: 0, outerwear: 0, accessory: 0, unknown: 0 };
  for (const item of items) byType[item.type] += 1;
  return { total: items.length, byType, byColor: [], byTag: [] };
}

export function makeItem(id: number, type: GarmentType, overrides: Partial<Item> = {}): Item {
  return {
    id,
    type,
    typeConfidence: 0.9,
    typeSource: 'predicted',
    fileName: `${type}-${id}.jpg`,
    sha256: id.toString(16).padStart(64, '0'),
    width: 800,
    height: 1000,
    archiveReason: null,
    tags: [],
    colors: [
      { hex: '#1f2a44', name: 'navy', share: 0.6 },
      { hex: '#f5f5f0', name: 'off-white', share: 0.3 },
    ],
    createdAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function makeOutfit(items: Item[], score = 0.8): OutfitSuggestion {
  const pairScores: OutfitSuggestion['pairScores'] = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      pairScores.push({ a: items[i]!.type, b: items[j]!.type, score: score - 0.1 * (i + j) });
    }
  }
  return { items, score, pairScores };
}

export function progress(jobId: string, over: Partial<ImportProgress> = {}): ImportProgress {
  return {
    jobId,
    state: 'running',
    total: 0,
    done: 0,
    imported: 0,
    duplicates: 0,
    failed: [],
    rate: 0,
    etaSeconds: null,
    ...over,
  };
}

/** A promise with its resolve function exposed, to hold a fake call until the test lets it go. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

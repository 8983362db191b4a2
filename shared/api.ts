// The one API between the window and the core. Both transports (Electron IPC through the preload, and the
// loopback HTTP bridge) carry exactly these methods; the core validates every input with these schemas,
// because the renderer is untrusted.
import { z } from 'zod';

export const GARMENT_TYPES = ['top', 'bottom', 'shoes', 'dress', 'outerwear', 'accessory', 'unknown'] as const;
export type GarmentType = (typeof GARMENT_TYPES)[number];

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const name = z.string().trim().min(1).max(200);
const garmentType = z.enum(GARMENT_TYPES);
export const ARCHIVE_REASONS = ['sold', 'donated', 'lost', 'worn out', 'other'] as const;
export type ArchiveReason = (typeof ARCHIVE_REASONS)[number];
const itemIds = z.array(id).min(1).max(10_000);
/** A file sent from the window (drag and drop, file picker): base64 bytes, at most 40 MB. */
const uploadedFile = z.object({
  name: z.string().min(1).max(500),
  dataBase64: z.string().max(56_000_000),
});

export const apiSchemas = {
  'app.info': z.object({}).strict(),
  'people.list': z.object({ includeArchived: z.boolean().default(false) }).strict(),
  'people.create': z.object({ name, kind: z.enum(['person', 'catalogue']).default('person') }).strict(),
  'people.rename': z.object({ personId: id, name }).strict(),
  'people.setArchived': z.object({ personId: id, archived: z.boolean() }).strict(),
  /** Draw on a catalogue (a shop's stock) in this person's suggestions, or stop (null). */
  'people.useCatalogue': z.object({ personId: id, catalogueId: id.nullable() }).strict(),
  /** Hides the person and everything of theirs; undone by people.restore. */
  'people.delete': z.object({ personId: id }).strict(),
  'people.restore': z.object({ personId: id }).strict(),
  'items.list': z
    .object({
      personId: id,
      type: garmentType.optional(),
      archived: z.boolean().default(false),
      offset: z.number().int().min(0).max(10_000_000).default(0),
      limit: z.number().int().min(1).max(1000).default(200),
    })
    .strict(),
  'items.setType': z.object({ itemId: id, type: garmentType }).strict(),
  /** Archive items (sold, donated, ...) of a person's wardrobe, or bring them back with reason null. */
  'items.archive': z.object({ personId: id, itemIds, reason: z.enum(ARCHIVE_REASONS).nullable() }).strict(),
  /** Takes items out of a person's wardrobe; undone by items.restore. */
  'items.remove': z.object({ personId: id, itemIds }).strict(),
  'items.restore': z.object({ personId: id, itemIds }).strict(),
  'import.files': z.object({ personId: id, files: z.array(uploadedFile).min(1).max(500) }).strict(),
  'import.paths': z.object({ personId: id, paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000) }).strict(),
  'import.status': z.object({ jobId: z.string().regex(/^[a-z0-9-]{1,64}$/) }).strict(),
  'import.cancel': z.object({ jobId: z.string().regex(/^[a-z0-9-]{1,64}$/) }).strict(),
  'outfits.suggest': z
    .object({
      personId: id,
      k: z.number().int().min(1).max(100).default(12),
      pinned: z.array(id).max(4).default([]),
    })
    .strict(),
  'judgements.record': z
    .object({
      personId: id,
      itemIds: z.array(id).min(2).max(5),
      verdict: z.enum(['like', 'dislike']),
    })
    .strict(),
  'judgements.list': z.object({ personId: id }).strict(),
  'judgements.undo': z.object({ personId: id, judgementId: id }).strict(),
} as const;

export type ApiMethod = keyof typeof apiSchemas;
export type ApiInput<M extends ApiMethod> = z.input<(typeof apiSchemas)[M]>;
export type ApiParsedInput<M extends ApiMethod> = z.output<(typeof apiSchemas)[M]>;

export interface AppInfo {
  version: string;
  /** 'electron' in the desktop app, 'browser' when the same UI is served on 127.0.0.1. */
  shell: 'electron' | 'browser';
  /** The ONNX Runtime execution provider the backbone really runs on (e.g. 'cpu', 'cuda'). */
  provider: string | null;
  libraryPath: string;
}

export interface Person {
  id: number;
  name: string;
  /** 'catalogue': a shop's stock that people can draw on, rather than someone's own wardrobe. */
  kind: 'person' | 'catalogue';
  createdAt: string;
  archived: boolean;
  usesCatalogueId: number | null;
}

export interface Item {
  id: number;
  type: GarmentType;
  /** How sure the type is, 0..1; 1 when a person set it. */
  typeConfidence: number;
  typeSource: 'predicted' | 'user';
  /** Original file name as imported. */
  fileName: string;
  /** Content hash of the original (sha256 hex): names the original and thumbnail in the library. */
  sha256: string;
  width: number;
  height: number;
  /** ImageNet top-5 classes of the backbone. */
  tags: { label: string; p: number }[];
  /** Dominant colours, most common first. */
  colors: { hex: string; name: string; share: number }[];
  createdAt: string;
  /** Why the item left the wardrobe, when it is archived. */
  archiveReason: ArchiveReason | null;
}

export interface ImportProgress {
  jobId: string;
  state: 'running' | 'done' | 'cancelled' | 'failed';
  total: number;
  done: number;
  imported: number;
  duplicates: number;
  failed: { file: string; error: string }[];
  /** Images per second so far. */
  rate: number;
  etaSeconds: number | null;
}

export interface OutfitSuggestion {
  /** Items in display order, top to bottom (outerwear, top or dress, bottom, shoes). */
  items: Item[];
  score: number;
  /** Score contributions per pair of slots, for "why this outfit". */
  pairScores: { a: GarmentType; b: GarmentType; score: number }[];
}

export interface Judgement {
  id: number;
  personId: number;
  itemIds: number[];
  verdict: 'like' | 'dislike';
  createdAt: string;
}

export interface ApiResults {
  'app.info': AppInfo;
  'people.list': Person[];
  'people.create': Person;
  'people.rename': Person;
  'people.setArchived': Person;
  'people.useCatalogue': Person;
  'people.delete': Person;
  'people.restore': Person;
  'items.list': { items: Item[]; total: number };
  'items.setType': Item;
  'items.archive': { changed: number };
  'items.remove': { changed: number };
  'items.restore': { changed: number };
  'import.files': { jobId: string };
  'import.paths': { jobId: string };
  'import.status': ImportProgress;
  'import.cancel': ImportProgress;
  'outfits.suggest': OutfitSuggestion[];
  'judgements.record': Judgement;
  'judgements.list': Judgement[];
  'judgements.undo': Judgement;
}

export type ApiErrorCode = 'bad_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'unavailable' | 'internal';
export interface ApiError {
  code: ApiErrorCode;
  message: string;
}
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** What the renderer holds: the same object whether it came through the preload or the HTTP bridge. */
export interface StylistApi {
  call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiResult<ApiResults[M]>>;
  /** URL the page can load an item's thumbnail or original from. */
  mediaUrl(kind: 'thumb' | 'original', sha256: string): string;
}

/** The name under which the preload exposes the API on `window`. */
export const API_GLOBAL = 'stylist';
/** The IPC channel the preload invokes; one channel, the method travels in the message. */
export const IPC_CHANNEL = 'stylist:api';
/** Custom scheme serving library media in Electron. */
export const MEDIA_SCHEME = 'stylist-media';

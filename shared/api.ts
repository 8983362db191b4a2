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
/** A path on this computer. A NUL byte cannot be in one (the file system would refuse it deep inside a job). */
const localPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'a path cannot contain a NUL byte');

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
      /** Only items with a dominant colour of this name (e.g. "navy"). */
      color: z.string().trim().min(1).max(60).optional(),
      /** Only items carrying this tag (a label from items.counts' tags). */
      tag: z.string().trim().min(1).max(200).optional(),
      archived: z.boolean().default(false),
      /** Skips this many items (after `after`, when both are given). */
      offset: z.number().int().min(0).max(10_000_000).default(0),
      limit: z.number().int().min(1).max(1000).default(200),
      /** Continue after the page that returned this as `next` (cheaper than a large offset). */
      after: z.object({ addedAt: z.string().min(1).max(64), itemId: id }).strict().optional(),
    })
    .strict(),
  /** One item as the person sees it (with their archive reason). */
  'items.get': z.object({ personId: id, itemId: id }).strict(),
  /** Judged outfits (standing judgements with their items), newest first; only those holding itemId when given. */
  'items.outfits': z
    .object({ personId: id, itemId: id.optional(), verdict: z.enum(['like', 'dislike']).optional(), limit: z.number().int().min(1).max(1000).default(200) })
    .strict(),
  /** Counts for the wardrobe's filter chips: per type, per colour name, per tag. */
  'items.counts': z.object({ personId: id, archived: z.boolean().default(false) }).strict(),
  /** A CSV of the items (one person's wardrobe, or the whole library), written to the library's exports/ folder. */
  'items.exportCsv': z.object({ personId: id.optional() }).strict(),
  'items.setType': z.object({ itemId: id, type: garmentType }).strict(),
  /** "More like this": items of the same type, nearest first by Hamming distance of their hash codes (among what personId sees, if given). */
  'items.similar': z.object({ itemId: id, k: z.number().int().min(1).max(200).default(12), personId: id.optional() }).strict(),
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
      /** Items every suggestion is built around. */
      pinned: z.array(id).max(4).default([]),
      /** Items no suggestion may hold. */
      exclude: z.array(id).max(10_000).default([]),
      /** Only outfits of exactly these slots (e.g. top, bottom, shoes without outerwear). */
      slots: z.array(z.enum(['top', 'bottom', 'shoes', 'dress', 'outerwear'])).min(2).max(4).optional(),
      /** Allow suggestions that differ from another in one item only. */
      allowNearDuplicates: z.boolean().default(false),
    })
    .strict(),
  'style.teach': z.object({ lookbookDir: z.string().min(1).max(4096) }).strict(),
  'style.status': z.object({ jobId: z.string().regex(/^[a-z0-9-]{1,64}$/) }).strict(),
  'style.cancel': z.object({ jobId: z.string().regex(/^[a-z0-9-]{1,64}$/) }).strict(),
  'style.info': z.object({}).strict(),
  'judgements.record': z
    .object({
      personId: id,
      itemIds: z.array(id).min(2).max(5),
      verdict: z.enum(['like', 'dislike']),
      /** A dislike may name the garment that is wrong: one of itemIds. */
      blamedItemId: id.optional(),
    })
    .strict(),
  'judgements.list': z.object({ personId: id }).strict(),
  'judgements.undo': z.object({ personId: id, judgementId: id }).strict(),
  /** Names the garment a recorded dislike was about (one of its outfit), or with null takes the name back. */
  'judgements.blame': z.object({ personId: id, judgementId: id, blamedItemId: id.nullable() }).strict(),
  /** Whether the person's model is being fine-tuned now, and which version is in use. */
  'personal.status': z.object({ personId: id }).strict(),
  /** Every version of the person's model, oldest first (the learning curve). */
  'personal.versions': z.object({ personId: id }).strict(),
  /** Back to a version; the judgements made after it are undone, so the record and the model agree. */
  'personal.rollback': z.object({ personId: id, versionId: id }).strict(),
  /** Back to the general model; every judgement is undone. */
  'personal.reset': z.object({ personId: id }).strict(),
  /** A zip of the library (database, originals, thumbnails), to `destination` (a folder or a .zip path) or to exports/. */
  'library.export': z.object({ destination: localPath.optional() }).strict(),
  /** A timestamped zip of the library in its backups/ folder. */
  'library.backup': z.object({}).strict(),
  /** Merges a library zip (a path, or uploaded bytes) into this library; see LibraryImportSummary. */
  'library.import': z.union([z.object({ path: localPath }).strict(), z.object({ file: uploadedFile }).strict()]),
  'library.status': z.object({ jobId: z.string().regex(/^[a-z0-9-]{1,64}$/) }).strict(),
  /** The background description of items by the app's current models after an update (null: none ran). */
  'library.modelUpdate': z.object({}).strict(),
  'library.cancel': z.object({ jobId: z.string().regex(/^[a-z0-9-]{1,64}$/) }).strict(),
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

/** Where an items listing stopped: the last item listed and when it entered the wardrobe. */
export interface ItemsCursor {
  addedAt: string;
  itemId: number;
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
  /** Present when the outfit is shown to learn from: the person's model is unsure about this item, and sure
   * enough of the others that the answer is about it. */
  question?: { aboutItemId: number };
}

/** A "teach the house style" job: a lookbook imported and the outfit model trained on it. */
export interface HouseStyleProgress {
  jobId: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  phase: 'reading' | 'embedding' | 'features' | 'training' | 'saving' | 'done';
  /** Images embedded or epochs run in this phase, of `total`. */
  done: number;
  total: number;
  /** The whole job, 0..1. */
  fraction: number;
  /** Measured on the lookbook's held-out tops as training goes. */
  validation: { aucSwap: number; aucRandom: number; fitb: number } | null;
  error: string | null;
}

/** Which outfit model the library uses: the shipped one, or the house style it was taught. */
export interface OutfitModelInfo {
  source: 'shipped' | 'house-style';
  id: string;
  trainedOn: string;
  createdAt: string;
  /** The library's house style was taught with another image model: the shipped model serves until it is taught again. */
  houseStyleOutdated: boolean;
}

/** A person's model: 'updating' while a fine-tune is scheduled or running. */
export interface PersonalStatus {
  personId: number;
  state: 'idle' | 'updating';
  /** The version in use; null for the general model. */
  versionId: number | null;
  judgementsUsed: number;
  lastTrainingMs: number | null;
  lastError: string | null;
}

export interface ModelVersion {
  id: number;
  createdAt: string;
  judgementsUsed: number;
  current: boolean;
  rolledBack: boolean;
  metrics: Record<string, number>;
}

export interface Judgement {
  id: number;
  personId: number;
  itemIds: number[];
  verdict: 'like' | 'dislike';
  /** Of a dislike: the garment the person said is wrong ("not this one"), when they said. */
  blamedItemId?: number;
  createdAt: string;
}

/** An outfit a person judged, with its items (archived ones too). */
export interface JudgedOutfit {
  judgement: Judgement;
  items: Item[];
}

export interface ItemCounts {
  total: number;
  byType: Record<GarmentType, number>;
  /** Colour names, most items first. */
  byColor: { name: string; hex: string; count: number }[];
  /** Tags, most items first (at most 40). */
  byTag: { label: string; count: number }[];
}

/** A file the core wrote for the person (an export, a backup, a CSV). */
export interface ExportedFile {
  /** Absolute path on this computer. */
  path: string;
  fileName: string;
  bytes: number;
  /** Whether the bridge serves it for download (files in the library's exports/ folder). */
  downloadable: boolean;
}

export interface LibraryImportSummary {
  peopleAdded: number;
  /** People of the archive matched to one of this library (same name and kind) and merged into them. */
  peopleMerged: number;
  itemsAdded: number;
  /** Items this library already had (same photo, by sha256). */
  itemsKnown: number;
  judgementsAdded: number;
  /** Entries left out, and why (a photo whose bytes do not match its name, ...). */
  skipped: { file: string; error: string }[];
  /** The copy of the database taken before anything was changed. */
  backupPath: string;
}

/**
 * Items described again after the app's models changed (electron/core/library/redescribe.ts): `done` of
 * `total`, of which `failed` kept their old description (their original could not be read).
 */
export interface ModelUpdateProgress {
  /** Which run of this session (1, 2, ...): a merged library can start another after the one at open. */
  run: number;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  total: number;
  done: number;
  failed: number;
  error?: string;
}

/** An export, backup or import of a whole library. */
export interface LibraryJobProgress {
  jobId: string;
  kind: 'export' | 'backup' | 'import';
  state: 'running' | 'done' | 'failed' | 'cancelled';
  phase: 'snapshot' | 'writing' | 'reading' | 'backup' | 'copying' | 'merging' | 'done';
  /** Bytes written (export) or read (import) of `total`. */
  done: number;
  total: number;
  /** Bytes per second so far. */
  rate: number;
  etaSeconds: number | null;
  /** The zip written (export, backup). */
  file: ExportedFile | null;
  summary: LibraryImportSummary | null;
  error: string | null;
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
  /** `next` (null on the last page) continues the listing as items.list's `after`. */
  'items.list': { items: Item[]; total: number; next?: ItemsCursor | null };
  'items.get': Item;
  'items.outfits': JudgedOutfit[];
  'items.counts': ItemCounts;
  'items.exportCsv': ExportedFile & { rows: number };
  'items.setType': Item;
  'items.similar': Item[];
  'items.archive': { changed: number };
  'items.remove': { changed: number };
  'items.restore': { changed: number };
  'import.files': { jobId: string };
  'import.paths': { jobId: string };
  'import.status': ImportProgress;
  'import.cancel': ImportProgress;
  'outfits.suggest': OutfitSuggestion[];
  'style.teach': { jobId: string };
  'style.status': HouseStyleProgress;
  'style.cancel': HouseStyleProgress;
  'style.info': OutfitModelInfo;
  'judgements.record': Judgement;
  'judgements.list': Judgement[];
  'judgements.undo': Judgement;
  'judgements.blame': Judgement;
  'personal.status': PersonalStatus;
  'personal.versions': ModelVersion[];
  'personal.rollback': ModelVersion[];
  'personal.reset': ModelVersion[];
  'library.export': { jobId: string };
  'library.backup': { jobId: string };
  'library.import': { jobId: string };
  'library.status': LibraryJobProgress;
  'library.modelUpdate': ModelUpdateProgress | null;
  'library.cancel': LibraryJobProgress;
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
  /**
   * URL the page can download a file of the library's exports/ folder from (ExportedFile.fileName), where
   * the transport serves downloads (the loopback bridge); absent where it does not (Electron shows the path).
   */
  downloadUrl?(fileName: string): string;
}

/** The name under which the preload exposes the API on `window`. */
export const API_GLOBAL = 'stylist';
/** The IPC channel the preload invokes; one channel, the method travels in the message. */
export const IPC_CHANNEL = 'stylist:api';
/** Custom scheme serving library media in Electron. */
export const MEDIA_SCHEME = 'stylist-media';

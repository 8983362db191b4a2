// Imports a library zip into the open library by MERGING, which is what a stylist expects of "import a
// library" (a backup restored on a new computer, a colleague's clients handed over, an export brought back):
// nothing already here is replaced or removed.
//   - people: matched by name (ignoring case and spaces around it) and kind; unmatched ones are added; the
//     catalogue a person draws on comes along unless the person here draws on one already
//   - items: matched by photo (sha256); new ones are added with their photo, thumbnail and embedding (in
//     item_embeddings); a type a person set by hand in the archive wins over one the app only predicted here
//   - wardrobes: the archive's rows (with archive reasons) are added where missing
//   - judgements: added unless the same one (person, verdict, items, time) is here already, so importing the
//     same zip twice changes nothing the second time
//   - model versions are not copied: the people who received judgements have their model trained again from
//     the judgements that stand (onJudgementsAdded)
//   - the house style, if the archive has one and this library has none
// Before anything is changed, the zip is checked (ours, not from a newer app, undamaged) and the database is
// copied to backups/library-before-import-<time>.db. Photos are written (verified against their hash)
// before the rows naming them are committed, in one transaction: a crash leaves either no change or all
// of it (plus photo files the next open removes).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import type { GarmentType, LibraryImportSummary } from '../../../shared/api.ts';
import { GARMENT_TYPES } from '../../../shared/api.ts';
import { ItemsRepo } from '../library/items-repo.ts';
import { LibraryFromFutureError, openDatabase } from '../db/database.ts';
import { LATEST_SCHEMA_VERSION } from '../db/migrations.ts';
import type { LibraryFiles } from '../library/library-files.ts';
import { makeThumbnail } from '../vision/decode.ts';
import { HOUSE_STYLE_DIRNAME } from '../compat/store.ts';
import { ARCHIVE_FORMAT, ARCHIVE_FORMAT_VERSION, DATABASE_ENTRY, MANIFEST_ENTRY, mediaEntries } from './library-archive.ts';
import type { ArchiveManifest } from './library-archive.ts';
import { backupsDir, ensureDir, timestampedName } from './exports-dir.ts';
import { ArchiveFormatError, ZipReader } from './zip-reader.ts';
import type { ZipEntry } from './zip-reader.ts';

/** The archive was refused before anything changed; the message is for the person. */
export class ArchiveRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveRefusedError';
  }
}

const UNCHANGED = 'Your library was not changed.';

export interface MergeProgress {
  phase: 'reading' | 'backup' | 'copying' | 'merging';
  done: number;
  total: number;
}

export interface MergeOptions {
  db: Database;
  files: LibraryFiles;
  zipPath: string;
  onProgress?: (p: MergeProgress) => void;
  shouldStop?: () => boolean;
  /** The people of this library that received likes or dislikes (their models can learn from them). */
  onJudgementsAdded?: (personIds: number[]) => void;
}

interface SrcPerson {
  id: number;
  name: string;
  kind: 'person' | 'catalogue';
  created_at: string;
  archived_at: string | null;
  uses_catalogue_id: number | null;
}
/** A row of the archive's items table: these columns, and whatever else the schema has. */
interface SrcItem {
  id: number;
  sha256: string;
  file_name: string;
  ext: string;
  type: string;
  type_source: string;
  [column: string]: unknown;
}
interface SrcWardrobe {
  person_id: number;
  item_id: number;
  added_at: string;
  archived_at: string | null;
  archive_reason: string | null;
}
interface SrcJudgement {
  person_id: number;
  verdict: string;
  item_ids_json: string;
  blamed_item_id: number | null;
  created_at: string;
}

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'Cancelled';
  }
}

export async function mergeLibraryArchive(options: MergeOptions): Promise<LibraryImportSummary> {
  const { db, files } = options;
  const stop = () => options.shouldStop?.() ?? false;
  const work = path.join(files.root, 'tmp', `import-${crypto.randomUUID()}`);
  fs.mkdirSync(work, { recursive: true });
  let reader: ZipReader | null = null;
  let src: Database | null = null;
  try {
    // 1. Is it ours, readable, and not from the future? Nothing is touched until this is settled.
    options.onProgress?.({ phase: 'reading', done: 0, total: 1 });
    try {
      reader = await ZipReader.open(options.zipPath);
    } catch (error) {
      if (error instanceof ArchiveFormatError) throw refused(`This file is not a library export that Desktop Stylist can read: ${error.message}.`);
      throw error;
    }
    const manifestEntry = reader.entries.get(MANIFEST_ENTRY);
    const databaseEntry = reader.entries.get(DATABASE_ENTRY);
    if (!manifestEntry || !databaseEntry) throw refused('This zip is not a Desktop Stylist library export (it has no manifest.json and library.db).');
    const manifest = await readManifest(reader, manifestEntry);
    const srcFile = path.join(work, DATABASE_ENTRY);
    try {
      await extractTo(reader, databaseEntry, srcFile, stop);
    } catch (error) {
      if (error instanceof ArchiveFormatError) throw refused(`This zip is damaged: ${error.message}.`);
      throw error;
    }
    try {
      src = openDatabase(srcFile);
    } catch (error) {
      if (error instanceof LibraryFromFutureError) throw refused(newerMessage(manifest.schemaVersion));
      throw refused(`The database in this zip cannot be read (${error instanceof Error ? error.message : String(error)}).`);
    }
    const tables = new Set(src.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    if (!['people', 'items', 'wardrobe', 'judgements'].every((t) => tables.has(t))) throw refused('The database in this zip is not a Desktop Stylist library.');

    // 2. What would come in.
    const people = src.prepare('SELECT id, name, kind, created_at, archived_at, uses_catalogue_id FROM people WHERE deleted_at IS NULL ORDER BY id').all() as SrcPerson[];
    const personIds = new Set(people.map((p) => p.id));
    const wardrobe = (src.prepare('SELECT person_id, item_id, added_at, archived_at, archive_reason FROM wardrobe WHERE deleted_at IS NULL').all() as SrcWardrobe[]).filter((w) =>
      personIds.has(w.person_id),
    );
    const judgements = (src.prepare('SELECT person_id, verdict, item_ids_json, blamed_item_id, created_at FROM judgements WHERE undone_at IS NULL ORDER BY id').all() as SrcJudgement[]).filter((j) =>
      personIds.has(j.person_id),
    );
    const wanted = new Set(wardrobe.map((w) => w.item_id));
    // Every column (the database was brought to this app's schema above): what later migrations add to items
    // (codes, fine labels, ...) comes along without this module knowing of it.
    const items = (src.prepare('SELECT * FROM items ORDER BY id').all() as SrcItem[]).filter((i) => wanted.has(i.id));
    const known = new Map<string, { id: number; type_source: string }>();
    const lookup = db.prepare('SELECT id, type_source FROM items WHERE sha256 = ?');
    for (const it of items) {
      const row = lookup.get(it.sha256) as { id: number; type_source: string } | undefined;
      if (row) known.set(it.sha256, row);
    }
    const skipped: LibraryImportSummary['skipped'] = [];
    const toCopy: { item: SrcItem; original: ZipEntry; originalFile: string; thumb: ZipEntry | null; thumbFile: string }[] = [];
    for (const it of items) {
      if (known.has(it.sha256)) continue;
      const media = mediaEntries(files, it.sha256, it.ext);
      const original = media ? reader.entries.get(media.original.entry) : undefined;
      if (!media || !original) {
        skipped.push({ file: it.file_name, error: 'its photo is not in the zip' });
        continue;
      }
      toCopy.push({ item: it, original, originalFile: media.original.file, thumb: reader.entries.get(media.thumb.entry) ?? null, thumbFile: media.thumb.file });
    }
    const houseStyleEntries = [...reader.entries.values()].filter((e) => e.name.startsWith(`${HOUSE_STYLE_DIRNAME}/`) && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(e.name.slice(HOUSE_STYLE_DIRNAME.length + 1)));
    const houseStyleDir = path.join(files.root, HOUSE_STYLE_DIRNAME);
    const takeHouseStyle = houseStyleEntries.length > 0 && !fs.existsSync(houseStyleDir);
    if (stop()) throw new Cancelled();

    // 3. From here on the library changes: copy the database first.
    options.onProgress?.({ phase: 'backup', done: 0, total: 1 });
    const backupPath = path.join(ensureDir(backupsDir(files.root)), timestampedName('library-before-import', 'db'));
    await db.backup(backupPath);

    // 4. Photos (verified against their names) and thumbnails, each written whole and renamed into place.
    const total = toCopy.reduce((sum, c) => sum + c.original.size + (c.thumb?.size ?? 0), 0);
    let copied = 0;
    const ready = new Set<string>();
    options.onProgress?.({ phase: 'copying', done: 0, total });
    for (const c of toCopy) {
      if (stop()) throw new Cancelled();
      try {
        const hash = crypto.createHash('sha256');
        await extractTo(reader, c.original, c.originalFile, stop, (chunk) => hash.update(chunk), path.join(work, 'part'));
        if (hash.digest('hex') !== c.item.sha256) {
          fs.rmSync(c.originalFile, { force: true });
          skipped.push({ file: c.item.file_name, error: 'its photo in the zip is not the photo the library recorded (damaged)' });
          continue;
        }
        if (c.thumb) await extractTo(reader, c.thumb, c.thumbFile, stop, undefined, path.join(work, 'part'));
        else await writeThumbnail(files, c.originalFile, c.thumbFile);
        ready.add(c.item.sha256);
      } catch (error) {
        if (error instanceof Cancelled) throw error;
        if (!(error instanceof ArchiveFormatError)) throw error;
        skipped.push({ file: c.item.file_name, error: error.message });
      }
      copied += c.original.size + (c.thumb?.size ?? 0);
      options.onProgress?.({ phase: 'copying', done: copied, total });
    }
    if (takeHouseStyle) {
      const staged = path.join(work, HOUSE_STYLE_DIRNAME);
      fs.mkdirSync(staged);
      for (const e of houseStyleEntries) await extractTo(reader, e, path.join(staged, e.name.slice(HOUSE_STYLE_DIRNAME.length + 1)), stop);
    }
    if (stop()) throw new Cancelled();

    // 5. The rows, all or nothing.
    options.onProgress?.({ phase: 'merging', done: 0, total: 1 });
    const srcEmbedding = src.prepare('SELECT embedding FROM item_embeddings WHERE item_id = ?').pluck();
    const embeddingOf = (srcItemId: number) => srcEmbedding.get(srcItemId) as Buffer | undefined;
    const { judgedPeople, ...summary } = db.transaction(() => mergeRows(db, { people, items, wardrobe, judgements, embeddingOf }, known, ready, skipped))();
    if (takeHouseStyle && !fs.existsSync(houseStyleDir)) fs.renameSync(path.join(work, HOUSE_STYLE_DIRNAME), houseStyleDir);
    options.onProgress?.({ phase: 'merging', done: 1, total: 1 });
    options.onJudgementsAdded?.(judgedPeople);
    return { ...summary, skipped, backupPath };
  } finally {
    src?.close();
    await reader?.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function mergeRows(
  db: Database,
  src: { people: SrcPerson[]; items: SrcItem[]; wardrobe: SrcWardrobe[]; judgements: SrcJudgement[]; embeddingOf: (srcItemId: number) => Buffer | undefined },
  known: Map<string, { id: number; type_source: string }>,
  ready: Set<string>,
  skipped: LibraryImportSummary['skipped'],
): Omit<LibraryImportSummary, 'skipped' | 'backupPath'> & { judgedPeople: number[] } {
  const personMap = new Map<number, number>();
  const added = new Set<number>();
  let peopleMerged = 0;
  const findPerson = db.prepare('SELECT id FROM people WHERE deleted_at IS NULL AND kind = ? AND lower(trim(name)) = lower(trim(?)) ORDER BY id LIMIT 1').pluck();
  const insertPerson = db.prepare('INSERT INTO people (name, kind, created_at, archived_at) VALUES (?, ?, ?, ?) RETURNING id').pluck();
  for (const p of src.people) {
    const local = findPerson.get(p.kind, p.name) as number | undefined;
    if (local !== undefined) {
      personMap.set(p.id, local);
      peopleMerged++;
    } else {
      const id = insertPerson.get(p.name, p.kind, p.created_at, p.archived_at) as number;
      personMap.set(p.id, id);
      added.add(id);
    }
  }
  // The catalogue a person draws on comes along, unless the person here already draws on one.
  const setCatalogue = db.prepare('UPDATE people SET uses_catalogue_id = ? WHERE id = ? AND uses_catalogue_id IS NULL');
  for (const p of src.people) {
    const catalogue = p.uses_catalogue_id === null ? undefined : personMap.get(p.uses_catalogue_id);
    if (catalogue !== undefined) setCatalogue.run(catalogue, personMap.get(p.id)!);
  }

  const itemMap = new Map<number, number>();
  let itemsAdded = 0;
  let itemsKnown = 0;
  const columns = (db.prepare('PRAGMA table_info(items)').all() as { name: string }[]).map((c) => c.name).filter((name) => name !== 'id' && src.items.every((it) => name in it));
  const insertItem = db
    .prepare(`INSERT INTO items (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')}) ON CONFLICT (sha256) DO NOTHING RETURNING id`)
    .pluck();
  const insertEmbedding = db.prepare('INSERT INTO item_embeddings (item_id, embedding) VALUES (?, ?)');
  const bySha = db.prepare('SELECT id, type_source FROM items WHERE sha256 = ?');
  const repo = new ItemsRepo(db);
  for (const it of src.items) {
    let local = known.get(it.sha256) ?? null;
    if (!local && ready.has(it.sha256)) {
      // Every item has its embedding (outfits are built from them); one without is left out like a missing photo.
      const embedding = src.embeddingOf(it.id);
      if (!embedding) {
        skipped.push({ file: it.file_name, error: 'its embedding is not in the zip (damaged)' });
        continue;
      }
      const id = insertItem.get(Object.fromEntries(columns.map((c) => [c, it[c]]))) as number | undefined;
      if (id !== undefined) {
        insertEmbedding.run(id, embedding);
        itemMap.set(it.id, id);
        itemsAdded++;
        continue;
      }
      // Imported meanwhile by a photo import: it is known now.
      local = bySha.get(it.sha256) as { id: number; type_source: string };
    }
    if (!local) continue; // its photo was left out (listed in skipped)
    itemMap.set(it.id, local.id);
    itemsKnown++;
    // A type set by hand wins over a prediction (setType also moves the item's code to that type).
    if (it.type_source === 'user' && local.type_source === 'predicted' && (GARMENT_TYPES as readonly string[]).includes(it.type)) repo.setType(local.id, it.type as GarmentType);
  }

  const insertWardrobe = db.prepare('INSERT INTO wardrobe (person_id, item_id, added_at, archived_at, archive_reason) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
  for (const w of src.wardrobe) {
    const item = itemMap.get(w.item_id);
    if (item !== undefined) insertWardrobe.run(personMap.get(w.person_id)!, item, w.added_at, w.archived_at, w.archive_reason);
  }

  let judgementsAdded = 0;
  const judgedPeople = new Set<number>();
  const sameJudgement = db.prepare('SELECT 1 FROM judgements WHERE person_id = ? AND verdict = ? AND item_ids_json = ? AND created_at = ? AND undone_at IS NULL').pluck();
  const insertJudgement = db.prepare('INSERT INTO judgements (person_id, verdict, item_ids_json, blamed_item_id, created_at) VALUES (?, ?, ?, ?, ?)');
  for (const j of src.judgements) {
    const ids = (JSON.parse(j.item_ids_json) as number[]).map((id) => itemMap.get(id));
    if (ids.some((id) => id === undefined)) {
      skipped.push({ file: `a ${j.verdict} of ${j.created_at}`, error: 'it holds a garment whose photo was left out' });
      continue;
    }
    const person = personMap.get(j.person_id)!;
    const json = JSON.stringify(ids);
    if (sameJudgement.get(person, j.verdict, json, j.created_at)) continue;
    insertJudgement.run(person, j.verdict, json, j.blamed_item_id === null ? null : (itemMap.get(j.blamed_item_id) ?? null), j.created_at);
    judgementsAdded++;
    judgedPeople.add(person);
  }
  return { peopleAdded: added.size, peopleMerged, itemsAdded, itemsKnown, judgementsAdded, judgedPeople: [...judgedPeople] };
}

async function readManifest(reader: ZipReader, entry: ZipEntry): Promise<ArchiveManifest> {
  let manifest: Partial<ArchiveManifest>;
  try {
    manifest = JSON.parse((await reader.readBytes(entry, 1 << 20)).toString('utf8')) as Partial<ArchiveManifest>;
  } catch (error) {
    if (error instanceof ArchiveFormatError) throw refused(`This zip is damaged: ${error.message}.`);
    throw refused('This zip is not a Desktop Stylist library export (its manifest.json is not readable).');
  }
  if (manifest.format !== ARCHIVE_FORMAT) throw refused('This zip is not a Desktop Stylist library export (its manifest names another format).');
  if (!Number.isInteger(manifest.schemaVersion) || !Number.isInteger(manifest.formatVersion)) throw refused('This zip is not a Desktop Stylist library export (its manifest is incomplete).');
  if (manifest.schemaVersion! > LATEST_SCHEMA_VERSION || manifest.formatVersion! > ARCHIVE_FORMAT_VERSION) throw refused(newerMessage(manifest.schemaVersion!));
  return manifest as ArchiveManifest;
}

function newerMessage(schemaVersion: number): string {
  return (
    `This library was exported by a newer version of Desktop Stylist (library schema ${schemaVersion}; this version reads up to ${LATEST_SCHEMA_VERSION}). ` +
    'Update the app to import it.'
  );
}

function refused(message: string): ArchiveRefusedError {
  return new ArchiveRefusedError(`${message} ${UNCHANGED}`);
}

/** Extracts an entry to `target` through a temporary file, renamed into place when whole and checked. */
async function extractTo(reader: ZipReader, entry: ZipEntry, target: string, stop: () => boolean, onChunk?: (chunk: Uint8Array) => void, tmpDir = path.dirname(target)): Promise<void> {
  fs.mkdirSync(tmpDir, { recursive: true });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = path.join(tmpDir, `${crypto.randomUUID()}.part`);
  const out = await fs.promises.open(tmp, 'w');
  try {
    try {
      await reader.extract(
        entry,
        async (chunk) => {
          onChunk?.(chunk);
          let done = 0;
          while (done < chunk.byteLength) done += (await out.write(chunk, done, chunk.byteLength - done)).bytesWritten;
        },
        stop,
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'ExtractAbort') throw new Cancelled();
      throw error;
    }
    await out.sync();
  } catch (error) {
    await out.close();
    fs.rmSync(tmp, { force: true });
    throw error;
  }
  await out.close();
  fs.renameSync(tmp, target);
}

/** A thumbnail made from the original, for an archive that lacks one (none for a photo that is its own). */
async function writeThumbnail(files: LibraryFiles, original: string, thumb: string): Promise<void> {
  const thumbnail = await makeThumbnail(await fs.promises.readFile(original));
  if (thumbnail) files.writeAtomic(thumb, thumbnail);
}

// Export, backup and import of whole libraries through the API, with real kit photos imported by the real
// backbone into real SQLite files: what goes in the zip, what comes back out, what a damaged zip or one from
// a newer app does (refused, with a sentence, and nothing changed).
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LibraryJobProgress } from '../../../shared/api.ts';
import { openCore } from '../../../electron/core/core.ts';
import type { Core } from '../../../electron/core/core.ts';
import { LATEST_SCHEMA_VERSION } from '../../../electron/core/db/migrations.ts';
import { ZipWriter } from '../../../electron/core/backup/zip-writer.ts';
import { ZipReader } from '../../../electron/core/backup/zip-reader.ts';
import { MODEL_DIR, clothingPhotos, requireModel, tempDir } from '../../helpers/kit.ts';
import { call } from '../../helpers/api-call.ts';

const cores: Core[] = [];

function open(libraryDir = tempDir()): Core {
  const core = openCore({ libraryDir, modelDir: MODEL_DIR, shell: 'browser', version: 'test' });
  cores.push(core);
  return core;
}


async function waitFor<T extends { state: string }>(poll: () => Promise<T>): Promise<T> {
  for (;;) {
    const p = await poll();
    if (p.state !== 'running') return p;
    await new Promise((r) => setTimeout(r, 25));
  }
}

const libraryJob = (core: Core, jobId: string) => waitFor(() => call(core, 'library.status', { jobId }));

async function importPhotos(core: Core, personId: number, files: string[]) {
  const { jobId } = await call(core, 'import.paths', { personId, paths: files });
  return waitFor(() => call(core, 'import.status', { jobId }));
}

/** Everything a person sees of a library, for "nothing changed" and "everything came back" comparisons. */
async function picture(core: Core) {
  const people = await call(core, 'people.list', { includeArchived: true });
  const out = [];
  for (const p of people) {
    const items = [...(await call(core, 'items.list', { personId: p.id, limit: 1000 })).items, ...(await call(core, 'items.list', { personId: p.id, archived: true, limit: 1000 })).items];
    const judgements = await call(core, 'items.outfits', { personId: p.id });
    out.push({
      name: p.name,
      kind: p.kind,
      archived: p.archived,
      items: items.map((i) => `${i.sha256}:${i.type}:${i.typeSource}:${i.archiveReason ?? '-'}`).sort(),
      judgements: judgements
        .map((j) => `${j.judgement.verdict}:${j.items.map((i) => i.sha256).join('+')}:${j.items.find((i) => i.id === j.judgement.blamedItemId)?.sha256 ?? '-'}:${j.judgement.createdAt}`)
        .sort(),
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

function sha(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

const unzipAvailable = (() => {
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const photos = clothingPhotos().filter((p) => p.senderId % 5 === 0);
const pick = (label: string, n: number, skip = 0) => photos.filter((p) => p.label === label).slice(skip, skip + n).map((p) => p.file);

const teeFiles = pick('T-Shirt', 2);
let source: Core;
let ann: number;
let shop: number;
let exported: LibraryJobProgress;

beforeAll(async () => {
  requireModel();
  source = open();
  ann = (await call(source, 'people.create', { name: 'Ann' })).id;
  shop = (await call(source, 'people.create', { name: 'Boutique', kind: 'catalogue' })).id;
  await call(source, 'people.useCatalogue', { personId: ann, catalogueId: shop });
  const own = await importPhotos(source, ann, [...teeFiles, ...pick('Pants', 2), ...pick('Shoes', 1)]);
  expect(own.imported).toBe(5);
  // The dress as a PNG: too big to be its own thumbnail, so the library (and the archive) holds one for it.
  const dressPng = path.join(tempDir('stylist-archive-png-'), 'dress.png');
  await sharp(pick('Dress', 1)[0]!).png().toFile(dressPng);
  expect((await importPhotos(source, shop, [dressPng])).imported).toBe(1);
  const items = (await call(source, 'items.list', { personId: ann, limit: 100 })).items;
  const itemOf = (file: string) => items.find((i) => i.fileName === path.basename(file))!;
  const [tee1, tee2] = teeFiles.map(itemOf);
  const pants1 = itemOf(pick('Pants', 1)[0]!);
  const shoes = itemOf(pick('Shoes', 1)[0]!);
  for (const i of [tee1!, tee2!]) await call(source, 'items.setType', { itemId: i.id, type: 'top' });
  await call(source, 'items.setType', { itemId: pants1.id, type: 'bottom' });
  await call(source, 'items.setType', { itemId: shoes.id, type: 'shoes' });
  await call(source, 'items.archive', { personId: ann, itemIds: [tee2!.id], reason: 'donated' });
  await call(source, 'judgements.record', { personId: ann, itemIds: [tee1!.id, pants1.id, shoes.id], verdict: 'like' });
  // A dislike that names its wrong garment: the name comes along with the outfit.
  await call(source, 'judgements.record', { personId: ann, itemIds: [tee1!.id, pants1.id, shoes.id], verdict: 'dislike', blamedItemId: pants1.id });
  const undone = await call(source, 'judgements.record', { personId: ann, itemIds: [tee1!.id, shoes.id], verdict: 'dislike' });
  await call(source, 'judgements.undo', { personId: ann, judgementId: undone.id });
  // A person in the bin is not exported.
  const gone = await call(source, 'people.create', { name: 'Deleted Dora' });
  await call(source, 'people.delete', { personId: gone.id });

  const { jobId } = await call(source, 'library.export', {});
  exported = await libraryJob(source, jobId);
}, 300_000);

afterAll(async () => {
  for (const core of cores) await core.close();
});

describe('library.export', () => {
  it('serves a small JPEG as its own thumbnail, and the PNG its thumbnail file', () => {
    const rows = source.services.db.prepare('SELECT sha256, ext FROM items').all() as { sha256: string; ext: string }[];
    expect(rows).toHaveLength(6);
    for (const { sha256, ext } of rows) {
      const thumb = source.mediaFile('thumb', sha256);
      if (ext === 'png') expect(thumb).toBe(source.services.files.mediaPath('thumb', sha256));
      else expect(thumb).toBe(source.mediaFile('original', sha256));
    }
  });

  it('writes a zip of the database, the originals and thumbnails to exports/, readable by any unzip', async () => {
    expect(exported.state).toBe('done');
    expect(exported.kind).toBe('export');
    const file = exported.file!;
    expect(file.downloadable).toBe(true);
    expect(path.dirname(file.path)).toBe(path.join(source.services.files.root, 'exports'));
    expect(file.fileName).toMatch(/^stylist-library-\d{4}-\d\d-\d\dT[\d-]+Z\.zip$/);
    expect(fs.statSync(file.path).size).toBe(file.bytes);
    expect(fs.existsSync(`${file.path}.part`)).toBe(false);

    const zip = await ZipReader.open(file.path);
    try {
      const names = [...zip.entries.keys()];
      expect(names.slice(0, 3)).toEqual(['manifest.json', 'library.db', 'items.csv']);
      const manifest = JSON.parse((await zip.readBytes(zip.entries.get('manifest.json')!)).toString()) as Record<string, unknown>;
      expect(manifest).toMatchObject({ format: 'desktop-stylist-library', formatVersion: 1, schemaVersion: LATEST_SCHEMA_VERSION, appVersion: 'test', people: 2, items: 6, missing: [] });
      const originals = names.filter((n) => n.startsWith('originals/'));
      const thumbs = names.filter((n) => n.startsWith('thumbs/'));
      expect(originals).toHaveLength(6);
      expect(thumbs).toHaveLength(1); // the kit's JPEGs are their own thumbnails; the PNG dress is not
      // Each original is byte for byte the library's file (its name is its hash).
      for (const name of originals) {
        const bytes = await zip.readBytes(zip.entries.get(name)!, 1 << 30);
        expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(path.basename(name).split('.')[0]);
        expect(zip.entries.get(name)!.method).toBe(0); // photos are stored, not deflated
      }
      const csv = (await zip.readBytes(zip.entries.get('items.csv')!)).toString();
      expect(csv.split('\r\n').filter(Boolean)).toHaveLength(7);
    } finally {
      await zip.close();
    }
    if (unzipAvailable) execFileSync('unzip', ['-tq', file.path]);
  });

  it('writes to a folder or a new .zip path when asked, and never over an existing file', async () => {
    const dir = tempDir();
    const job = await libraryJob(source, (await call(source, 'library.export', { destination: dir })).jobId);
    expect(job.state).toBe('done');
    expect(path.dirname(job.file!.path)).toBe(dir);
    expect(job.file!.downloadable).toBe(false);
    const named = path.join(dir, 'for-anna.zip');
    const second = await libraryJob(source, (await call(source, 'library.export', { destination: named })).jobId);
    expect(second.file!.path).toBe(named);
    const again = await source.dispatch('library.export', { destination: named });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const nowhere = await source.dispatch('library.export', { destination: path.join(dir, 'missing-folder', 'x.zip') });
    expect(nowhere).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('can be cancelled, leaving no partial file', async () => {
    const dir = tempDir();
    const { jobId } = await call(source, 'library.export', { destination: dir });
    await call(source, 'library.cancel', { jobId });
    const job = await libraryJob(source, jobId);
    expect(job.state).toBe('cancelled');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('library.backup writes a timestamped zip into backups/', async () => {
    const job = await libraryJob(source, (await call(source, 'library.backup', {})).jobId);
    expect(job.state).toBe('done');
    expect(job.kind).toBe('backup');
    expect(path.dirname(job.file!.path)).toBe(path.join(source.services.files.root, 'backups'));
    expect(job.file!.fileName).toMatch(/^stylist-backup-.*\.zip$/);
    expect(job.file!.downloadable).toBe(false);
  });
});

describe('library.import', () => {
  it('brings a whole library into an empty one: people, wardrobes, archive reasons, corrected types, likes, photos', async () => {
    const target = open();
    const job = await libraryJob(target, (await call(target, 'library.import', { path: exported.file!.path })).jobId);
    expect(job.state).toBe('done');
    expect(job.summary).toMatchObject({ peopleAdded: 2, peopleMerged: 0, itemsAdded: 6, itemsKnown: 0, judgementsAdded: 2, skipped: [] });
    expect(fs.existsSync(job.summary!.backupPath)).toBe(true);
    expect(await picture(target)).toEqual(await picture(source));
    expect((await picture(target)).flatMap((p) => p.judgements).filter((j) => j.startsWith('dislike:') && !j.includes(':-:'))).toHaveLength(1);
    // The catalogue link survives, and every photo and thumbnail is served.
    const people = await call(target, 'people.list', { includeArchived: true });
    const anna = people.find((p) => p.name === 'Ann')!;
    expect(anna.usesCatalogueId).toBe(people.find((p) => p.name === 'Boutique')!.id);
    for (const item of (await call(target, 'items.list', { personId: anna.id })).items) {
      expect(sha(target.mediaFile('original', item.sha256)!)).toBe(item.sha256);
      expect(target.mediaFile('thumb', item.sha256)).not.toBeNull();
    }
    // Every column of every item comes along as it was (codes, whatever the schema holds), with its embedding.
    const rows = (core: Core) =>
      (core.services.db.prepare('SELECT i.*, e.embedding FROM items i LEFT JOIN item_embeddings e ON e.item_id = i.id ORDER BY sha256').all() as Record<string, unknown>[]).map(
        ({ id: _id, ...rest }) => rest,
      );
    expect(rows(target)).toEqual(rows(source));
    // Suggestions work from the imported embeddings, and Ann's model learns from her imported judgements.
    expect((await call(target, 'outfits.suggest', { personId: anna.id, k: 3 })).length).toBeGreaterThan(0);
    for (let i = 0; i < 600 && (await call(target, 'personal.status', { personId: anna.id })).versionId === null; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await call(target, 'personal.versions', { personId: anna.id })).map((v) => v.judgementsUsed)).toEqual([2]);
  });

  it('merges into a library that has some of the same photos and a person of the same name, and twice is once', async () => {
    const target = open();
    const local = await call(target, 'people.create', { name: ' ann ' });
    await importPhotos(target, local.id, [teeFiles[0]!, ...pick('Shorts', 1)]);
    const first = await libraryJob(target, (await call(target, 'library.import', { path: exported.file!.path })).jobId);
    expect(first.summary).toMatchObject({ peopleAdded: 1, peopleMerged: 1, itemsAdded: 5, itemsKnown: 1, judgementsAdded: 2 });
    const merged = await call(target, 'items.list', { personId: local.id, limit: 100 });
    // The shorts that were here, Ann's tee, two pants and shoes, and the dress of the catalogue she now draws on;
    // the donated tee is archived.
    expect(merged.total).toBe(6);
    expect((await call(target, 'items.list', { personId: local.id, archived: true })).items.map((i) => i.archiveReason)).toEqual(['donated']);
    // The tee Ann typed by hand is 'top' here too, though this library had only predicted its type.
    expect(merged.items.find((i) => i.fileName === path.basename(teeFiles[0]!))).toMatchObject({ type: 'top', typeSource: 'user' });
    const once = await picture(target);
    const second = await libraryJob(target, (await call(target, 'library.import', { path: exported.file!.path })).jobId);
    expect(second.summary).toMatchObject({ peopleAdded: 0, itemsAdded: 0, judgementsAdded: 0 });
    expect(await picture(target)).toEqual(once);
    expect(second.summary!.backupPath).not.toBe(first.summary!.backupPath);
  });

  it('accepts the zip as uploaded bytes (the window without a file path)', async () => {
    const target = open();
    const dataBase64 = fs.readFileSync(exported.file!.path).toString('base64');
    const job = await libraryJob(target, (await call(target, 'library.import', { file: { name: 'library.zip', dataBase64 } })).jobId);
    expect(job.summary).toMatchObject({ itemsAdded: 6 });
    expect(filesUnder(path.join(target.services.files.root, 'tmp'))).toEqual([]);
  });

  it('skips a photo whose bytes in the zip do not match and says which', async () => {
    const damaged = path.join(tempDir(), 'damaged.zip');
    await rewriteZip(exported.file!.path, damaged, (name, bytes) => {
      if (!name.startsWith('originals/') || rewritten) return bytes;
      rewritten = name;
      const copy = Buffer.from(bytes);
      copy[copy.length >> 1] = copy[copy.length >> 1]! ^ 0xff;
      return copy;
    });
    const target = open();
    const job = await libraryJob(target, (await call(target, 'library.import', { path: damaged })).jobId);
    expect(job.state).toBe('done');
    expect(job.summary!.itemsAdded).toBe(5);
    expect(job.summary!.skipped[0]).toMatchObject({ error: expect.stringContaining('not the photo the library recorded') });
  });
});

let rewritten: string | null = null;

/** Copies a zip entry by entry, letting `change` replace an entry's bytes (CRC recomputed: a consistent zip with wrong content). */
async function rewriteZip(from: string, to: string, change: (name: string, bytes: Buffer) => Buffer, options: { forceZip64?: boolean } = {}) {
  const reader = await ZipReader.open(from);
  const writer = await ZipWriter.create(to, options);
  for (const e of reader.entries.values()) await writer.addBytes(e.name, change(e.name, await reader.readBytes(e, 1 << 30)), { compress: e.method === 8 });
  await writer.finish();
  await reader.close();
}

describe('a zip that must be refused, with nothing changed', () => {
  let target: Core;
  let before: Awaited<ReturnType<typeof picture>>;
  let filesBefore: string[];

  beforeAll(async () => {
    target = open();
    const p = await call(target, 'people.create', { name: 'Cleo' });
    await importPhotos(target, p.id, pick('Shoes', 1, 3));
    before = await picture(target);
    filesBefore = filesUnder(target.services.files.root).filter((f) => !f.startsWith('tmp'));
  });

  async function expectRefused(zipPath: string, message: RegExp) {
    const job = await libraryJob(target, (await call(target, 'library.import', { path: zipPath })).jobId);
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(message);
    expect(job.error).toMatch(/Your library was not changed\.$/);
    expect(await picture(target)).toEqual(before);
    expect(filesUnder(target.services.files.root).filter((f) => !f.startsWith('tmp') && !/library\.db-(wal|shm)$/.test(f))).toEqual(filesBefore.filter((f) => !/library\.db-(wal|shm)$/.test(f)));
    expect(fs.existsSync(path.join(target.services.files.root, 'backups'))).toBe(false);
  }

  it('refuses a file that is not a zip', async () => {
    const junk = path.join(tempDir(), 'holiday.zip');
    fs.writeFileSync(junk, crypto.randomBytes(5000));
    await expectRefused(junk, /not a library export that Desktop Stylist can read: it is not a ZIP archive/);
  });

  it('refuses a truncated zip', async () => {
    const truncated = path.join(tempDir(), 'truncated.zip');
    const bytes = fs.readFileSync(exported.file!.path);
    fs.writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await expectRefused(truncated, /not a library export that Desktop Stylist can read/);
  });

  it('refuses a zip whose database bytes are damaged (checksum)', async () => {
    const corrupted = path.join(tempDir(), 'corrupted.zip');
    const bytes = Buffer.from(fs.readFileSync(exported.file!.path));
    const reader = await ZipReader.open(exported.file!.path);
    const db = reader.entries.get('library.db')!;
    await reader.close();
    // Flip bytes inside the deflated database, after its local header.
    for (let i = 0; i < 64; i++) bytes[db.localHeaderOffset + 100 + i * 7]! ^= 0x5a;
    fs.writeFileSync(corrupted, bytes);
    await expectRefused(corrupted, /damaged/);
  });

  it('refuses a zip that is not ours', async () => {
    const other = path.join(tempDir(), 'other.zip');
    const writer = await ZipWriter.create(other);
    await writer.addBytes('photo.jpg', fs.readFileSync(pick('Shoes', 1)[0]!), { compress: false });
    await writer.finish();
    await expectRefused(other, /not a Desktop Stylist library export/);
  });

  it('refuses a library exported by a newer app (manifest and database schema), naming both versions', async () => {
    const newer = path.join(tempDir(), 'newer.zip');
    const work = tempDir();
    await rewriteZip(exported.file!.path, newer, (name, bytes) => {
      if (name === 'manifest.json') return Buffer.from(JSON.stringify({ ...JSON.parse(bytes.toString()), schemaVersion: LATEST_SCHEMA_VERSION + 1 }));
      if (name === 'library.db') return withUserVersion(work, bytes, LATEST_SCHEMA_VERSION + 1);
      return bytes;
    });
    await expectRefused(newer, new RegExp(`newer version of Desktop Stylist \\(library schema ${LATEST_SCHEMA_VERSION + 1}; this version reads up to ${LATEST_SCHEMA_VERSION}\\)\\. Update the app`));
  });

  it('refuses a newer database even when the manifest claims an older schema', async () => {
    const lying = path.join(tempDir(), 'lying.zip');
    const work = tempDir();
    await rewriteZip(exported.file!.path, lying, (name, bytes) => (name === 'library.db' ? withUserVersion(work, bytes, LATEST_SCHEMA_VERSION + 3) : bytes));
    await expectRefused(lying, /newer version of Desktop Stylist/);
  });
});

function withUserVersion(work: string, bytes: Buffer, version: number): Buffer {
  const file = path.join(work, `v${version}-${crypto.randomUUID()}.db`);
  fs.writeFileSync(file, bytes);
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = DELETE');
  db.pragma(`user_version = ${version}`);
  db.close();
  return fs.readFileSync(file);
}

describe('zip container', () => {
  it('reads what it writes with ZIP64 records (as a 4 GB library gets), and so do other tools', async () => {
    const dir = tempDir();
    const zip = path.join(dir, 'zip64.zip');
    const big = crypto.randomBytes(300_000);
    const text = Buffer.from('stylist '.repeat(100_000));
    const writer = await ZipWriter.create(zip, { forceZip64: true });
    await writer.addBytes('photo.jpg', big, { compress: false });
    await writer.addBytes('notes/ünicode.txt', text, { compress: true });
    await writer.finish();
    const reader = await ZipReader.open(zip);
    expect((await reader.readBytes(reader.entries.get('photo.jpg')!)).equals(big)).toBe(true);
    expect((await reader.readBytes(reader.entries.get('notes/ünicode.txt')!)).equals(text)).toBe(true);
    await reader.close();
    if (unzipAvailable) expect(execFileSync('unzip', ['-p', zip, 'photo.jpg'], { maxBuffer: 1 << 24 }).equals(big)).toBe(true);
  });
});

// A full disk and a read-only library, on real filesystems: a small tmpfs that fills up during an import of
// real kit photos, and the same remounted read-only. Each must end in a clear error, never in a half item
// or a damaged library.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { openCore } from '../../../electron/core/core.ts';
import type { Core } from '../../../electron/core/core.ts';
import { LibraryStorageError } from '../../../electron/core/library/library-files.ts';
import { call, waitForImport } from '../../helpers/api-call.ts';
import { MODEL_DIR, clothingPhotos, requireModel } from '../../helpers/kit.ts';
import { backdate, contentChecksum, libraryProblems } from '../../helpers/library-check.ts';
import { mountTmpfs, whyNoTmpfs } from '../../helpers/tmpfs.ts';
import type { Tmpfs } from '../../helpers/tmpfs.ts';

const why = whyNoTmpfs();
if (why) console.log(`[reliability] disk: skipped: ${why}`);
const photos = clothingPhotos().filter((p) => p.senderId % 11 === 5).map((p) => p.file);
const open = (libraryDir: string): Core => openCore({ libraryDir, modelDir: MODEL_DIR, shell: 'browser', version: 'test' });
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

function tmpfs(bytes: number): Tmpfs {
  const t = mountTmpfs(bytes);
  cleanups.push(() => t.unmount());
  return t;
}

/** A library with a person, three items and a judgement. */
async function smallLibrary(dir: string) {
  const core = open(dir);
  cleanups.push(() => core.close());
  const personId = (await call(core, 'people.create', { name: 'Ann' })).id;
  const first = await waitForImport(core, (await call(core, 'import.paths', { personId, paths: photos.slice(0, 3) })).jobId);
  expect(first.imported).toBe(3);
  const itemIds = (await call(core, 'items.list', { personId })).items.map((i) => i.id);
  const judgement = await call(core, 'judgements.record', { personId, itemIds, verdict: 'like' });
  return { core, personId, judgement };
}

describe.skipIf(why !== null)('disk full and read-only library', () => {
  it('an import onto a disk that fills up ends in per-file "disk is full" errors, and the library stays whole', { timeout: 60_000 }, async () => {
    requireModel();
    const disk = tmpfs(1280 * 1024);
    const { core, personId, judgement } = await smallLibrary(disk.dir);
    const more = photos.slice(3, 27);
    const result = await waitForImport(core, (await call(core, 'import.paths', { personId, paths: more })).jobId);
    await core.close();
    expect(result.state).toBe('done');
    expect(result.failed.length).toBeGreaterThan(0);
    expect(result.imported).toBeGreaterThan(0);
    expect(result.imported + result.failed.length).toBe(more.length);
    for (const f of result.failed) expect(f.error, f.file).toMatch(/^the disk is full/);

    // Opened again, still full: whole, nothing lost, nothing half-stored.
    backdate(disk.dir);
    const again = open(disk.dir);
    cleanups.push(() => again.close());
    {
      expect(libraryProblems(again)).toEqual([]);
      expect(await call(again, 'judgements.list', { personId })).toEqual([judgement]);
      expect((await call(again, 'items.list', { personId })).total).toBe(3 + result.imported);
      // Space freed: the photos that did not fit import now.
      disk.remount('size=40m');
      const retry = await waitForImport(again, (await call(again, 'import.paths', { personId, paths: result.failed.map((f) => f.file) })).jobId);
      expect(retry.failed).toEqual([]);
      expect(retry.imported).toBe(result.failed.length);
      expect(libraryProblems(again)).toEqual([]);
    }
    console.log(`[reliability] disk: full disk: ${result.imported} of ${more.length} photos fit on a 1.25 MB disk, ${result.failed.length} refused with "the disk is full"; library whole, then all imported once space was freed`);
  });

  it('a read-only library is refused at open with a clear error, and is unchanged', async () => {
    requireModel();
    const disk = tmpfs(4 * 1024 * 1024);
    const { core, personId } = await smallLibrary(disk.dir);
    const checksum = contentChecksum(core.services.db);
    await core.close();
    const filesBefore = snapshot(disk.dir);
    disk.remount('ro');
    let error: unknown;
    try {
      open(disk.dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LibraryStorageError);
    expect(String(error)).toMatch(/library folder is read-only/);
    expect(snapshot(disk.dir)).toEqual(filesBefore);
    disk.remount('rw');
    const again = open(disk.dir);
    cleanups.push(() => again.close());
    expect(contentChecksum(again.services.db)).toBe(checksum);
    expect(libraryProblems(again)).toEqual([]);
    expect((await call(again, 'items.list', { personId })).total).toBe(3);
    console.log(`[reliability] disk: read-only library refused at open: "${String(error).slice(0, 160)}"`);
  });

  it('media folders turning read-only during an import give per-file errors, and the library stays whole', { timeout: 60_000 }, async () => {
    requireModel();
    const disk = tmpfs(8 * 1024 * 1024);
    const { core, personId } = await smallLibrary(disk.dir);
    // A read-only bind mount over originals/: the database stays writable, the files cannot be written.
    const originals = path.join(disk.dir, 'originals');
    execFileSync('mount', ['--bind', originals, originals]);
    cleanups.push(() => execFileSync('umount', [originals]));
    execFileSync('mount', ['-o', 'remount,bind,ro', originals]);
    const more = photos.slice(3, 9);
    const result = await waitForImport(core, (await call(core, 'import.paths', { personId, paths: more })).jobId);
    expect(result.state).toBe('done');
    expect(result.imported).toBe(0);
    expect(result.failed).toHaveLength(more.length);
    for (const f of result.failed) expect(f.error, f.file).toMatch(/^the library folder is read-only/);
    expect(libraryProblems(core, { orphans: false })).toEqual([]);
    console.log(`[reliability] disk: read-only media folder during an import: ${result.failed.length} per-file errors ("${result.failed[0]!.error.slice(0, 60)}..."), library whole`);
  });
});

/** Every file under dir with its size and bytes hash. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const f = path.join(e.parentPath, e.name);
    out[path.relative(dir, f)] = fs.readFileSync(f).toString('base64').length + ':' + fs.statSync(f).mtimeMs;
  }
  return out;
}

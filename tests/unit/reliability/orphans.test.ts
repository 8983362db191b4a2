// Orphan cleanup when a library opens: media files whose hash has no item row (a crash between writing an
// item's files and committing its row) and leftovers in tmp/ are removed, unless they are young enough to
// belong to an import another process is running right now.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCore } from '../../../electron/core/core.ts';
import type { Core } from '../../../electron/core/core.ts';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';
import { LibraryFiles, sha256Hex } from '../../../electron/core/library/library-files.ts';
import { call } from '../../helpers/api-call.ts';
import { MODEL_DIR, requireModel, tempDir } from '../../helpers/kit.ts';
import { backdate, libraryProblems, mediaFiles } from '../../helpers/library-check.ts';
import { addSyntheticItems } from '../../helpers/synthetic-library.ts';

const dirs: string[] = [];
const open = (libraryDir: string, log?: (m: string) => void): Core => openCore({ libraryDir, modelDir: MODEL_DIR, shell: 'browser', version: 'test', log });
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function libraryWithOrphans() {
  requireModel();
  const dir = tempDir();
  dirs.push(dir);
  const core = open(dir);
  const person = await call(core, 'people.create', { name: 'Ann' });
  await addSyntheticItems(core, person.id, 6, new Rng(1));
  const files = core.services.files;
  const orphanHash = 'ab'.repeat(32);
  const orphans = [files.mediaPath('original', orphanHash, 'jpg')!, files.mediaPath('thumb', orphanHash)!];
  for (const f of orphans) await files.writeAtomic(f, Buffer.from('half an import'));
  const foreign = path.join(dir, 'originals', 'notes.txt');
  fs.writeFileSync(foreign, 'not ours: never deleted');
  fs.writeFileSync(path.join(dir, 'tmp', 'crashed.part'), 'a write cut short');
  await core.close();
  return { dir, orphans, foreign };
}

describe('orphan cleanup at open', () => {
  it('removes media files without an item row and tmp/ leftovers, and keeps everything else', async () => {
    const { dir, orphans, foreign } = await libraryWithOrphans();
    backdate(dir);
    const logged: string[] = [];
    const core = open(dir, (m) => logged.push(m));
    try {
      for (const f of orphans) expect(fs.existsSync(f), f).toBe(false);
      expect(fs.existsSync(foreign)).toBe(true);
      expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
      expect(mediaFiles(dir)).toHaveLength(6 * 2 + 1);
      expect(libraryProblems(core).filter((p) => !p.includes('notes.txt'))).toEqual([]);
      expect(logged).toContain('removed 2 media file(s) left without an item by an interrupted import');
    } finally {
      await core.close();
    }
  });

  it('keeps young leftovers: another process may be between writing its files and committing their rows', async () => {
    const { dir, orphans } = await libraryWithOrphans();
    const core = open(dir);
    await core.close();
    for (const f of orphans) expect(fs.existsSync(f)).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual(['crashed.part']);
  });

  it('costs one query and one walk of the media folders at open (1,000 files, none orphaned)', async () => {
    requireModel();
    const dir = tempDir();
    dirs.push(dir);
    const files = new LibraryFiles(dir);
    const hashes = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const hash = sha256Hex(Buffer.from(String(i)));
      hashes.add(hash);
      for (const f of [files.mediaPath('original', hash, 'jpg')!, files.mediaPath('thumb', hash)!]) {
        fs.mkdirSync(path.dirname(f), { recursive: true });
        fs.writeFileSync(f, 'x');
      }
    }
    backdate(dir);
    const t0 = performance.now();
    expect(files.removeOrphans(hashes)).toBe(0);
    const ms = performance.now() - t0;
    console.log(`[reliability] orphans: the sweep at open over 1,000 media files (none orphaned) took ${Math.round(ms)} ms`);
    expect(ms).toBeLessThan(300);
    expect(mediaFiles(dir)).toHaveLength(1000);
  });
});

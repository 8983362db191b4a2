// The library folder on disk: the SQLite file, and originals and thumbnails named by the content hash of
// the original. Files are written under a temporary name and renamed, so a crash never leaves half a file
// under a real name; leftovers in tmp/, and media files whose item row was never committed (orphans), are
// removed when the library opens.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

export type MediaKind = 'thumb' | 'original';
const SHA256_HEX = /^[0-9a-f]{64}$/;
const MEDIA_FILE = /^([0-9a-f]{64})\.[a-z0-9]{1,5}$/;
/**
 * Leftovers younger than this are kept at open: another process (the CLI importing while the app is open)
 * may be between writing its files and committing their rows. Content-addressed, a kept orphan is harmless.
 */
export const LEFTOVER_GRACE_MS = 10 * 60_000;

/** A full disk or a read-only library, said so a person can act on it. */
export class LibraryStorageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LibraryStorageError';
  }
}

/** A sentence for the errors a full disk or a read-only folder cause (Node's and SQLite's codes); null for any other error. */
export function storageProblem(error: unknown): string | null {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL') return 'the disk is full: free some space on the disk that holds the library, then try again';
  if (['EROFS', 'EACCES', 'EPERM'].includes(code) || code.startsWith('SQLITE_READONLY')) {
    return 'the library folder is read-only: the app needs to write to it (check its permissions, or move the library to a writable disk)';
  }
  return null;
}

export class LibraryFiles {
  readonly root: string;
  readonly databasePath: string;
  private readonly tmpDir: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.databasePath = path.join(this.root, 'library.db');
    this.tmpDir = path.join(this.root, 'tmp');
    try {
      mkdirs(this.tmpDir);
      // Probe: a read-only folder is refused here with a sentence, not later by SQLite as "unable to open database file".
      const probe = path.join(this.tmpDir, `${crypto.randomUUID()}.probe`);
      fs.closeSync(fs.openSync(probe, 'w'));
      fs.rmSync(probe);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A full disk still opens (to look, and to make room); a read-only folder does not.
      if (code !== 'ENOSPC' && code !== 'EDQUOT') {
        const problem = storageProblem(error);
        throw problem ? new LibraryStorageError(`Cannot open the library in ${this.root}: ${problem}. Nothing was changed.`) : error;
      }
    }
    const now = Date.now();
    for (const leftover of fs.readdirSync(this.tmpDir)) removeIfStale(path.join(this.tmpDir, leftover), now);
  }

  /**
   * Deletes originals and thumbnails whose hash has no item row: a crash between writing an item's files and
   * committing its row leaves them behind. Returns how many were removed.
   */
  removeOrphans(knownHashes: ReadonlySet<string>, now = Date.now()): number {
    let removed = 0;
    for (const dir of ['originals', 'thumbs']) {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(path.join(this.root, dir), { recursive: true, withFileTypes: true });
      } catch {
        continue; // no such folder yet
      }
      for (const e of entries) {
        const hash = e.isFile() ? MEDIA_FILE.exec(e.name)?.[1] : undefined;
        if (hash && !knownHashes.has(hash) && removeIfStale(path.join(e.parentPath, e.name), now)) removed++;
      }
    }
    return removed;
  }

  /** Where a media file lives; null for anything that is not a well-formed hash (the only way in from outside). */
  mediaPath(kind: MediaKind, sha256: string, ext = 'webp'): string | null {
    if (!SHA256_HEX.test(sha256) || !/^[a-z0-9]{1,5}$/.test(ext)) return null;
    const dir = kind === 'thumb' ? 'thumbs' : 'originals';
    return path.join(this.root, dir, sha256.slice(0, 2), `${sha256}.${ext}`);
  }

  writeAtomic(target: string, bytes: Uint8Array): void {
    mkdirs(path.dirname(target));
    const tmp = path.join(this.tmpDir, `${crypto.randomUUID()}.part`);
    try {
      const fd = fs.openSync(tmp, 'w');
      try {
        // writeSync may write less than asked (a nearly full disk): loop until all is written or it throws.
        for (let done = 0; done < bytes.byteLength; ) done += fs.writeSync(fd, bytes, done);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, target);
    } catch (error) {
      fs.rmSync(tmp, { force: true });
      throw error;
    }
  }

  /** writeAtomic off the main thread: an fsync can take tens of ms, and an import writes two files per photo. */
  async writeAtomicAsync(target: string, bytes: Uint8Array): Promise<void> {
    try {
      await fsp.mkdir(path.dirname(target), { recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      await fsp.mkdir(path.dirname(target)); // see mkdirs()
    }
    const tmp = path.join(this.tmpDir, `${crypto.randomUUID()}.part`);
    try {
      const file = await fsp.open(tmp, 'w');
      try {
        await file.writeFile(bytes); // all of it, or an error
        await file.sync();
      } finally {
        await file.close();
      }
      await fsp.rename(tmp, target);
    } catch (error) {
      await fsp.rm(tmp, { force: true });
      throw error;
    }
  }
}

/** mkdir -p. Node's recursive mkdir says ENOENT where the cause is a read-only parent: a plain mkdir says EROFS. */
function mkdirs(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    fs.mkdirSync(dir);
  }
}

/** Removes a file or folder last modified over LEFTOVER_GRACE_MS ago; false if it is younger or cannot be removed. */
function removeIfStale(file: string, now: number): boolean {
  try {
    if (now - fs.statSync(file).mtimeMs < LEFTOVER_GRACE_MS) return false;
    fs.rmSync(file, { force: true, recursive: true });
    return true;
  } catch {
    return false; // gone already, or a read-only library: left for the next open
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

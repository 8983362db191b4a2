// The library folder on disk: the SQLite file, and originals and thumbnails named by the content hash of
// the original. Files are written under a temporary name and renamed, so a crash never leaves half a file
// under a real name; leftovers in tmp/ are removed when the library opens.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export type MediaKind = 'thumb' | 'original';
const SHA256_HEX = /^[0-9a-f]{64}$/;

export class LibraryFiles {
  readonly root: string;
  readonly databasePath: string;
  private readonly tmpDir: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    this.databasePath = path.join(this.root, 'library.db');
    this.tmpDir = path.join(this.root, 'tmp');
    fs.mkdirSync(this.tmpDir, { recursive: true });
    for (const leftover of fs.readdirSync(this.tmpDir)) fs.rmSync(path.join(this.tmpDir, leftover), { force: true, recursive: true });
  }

  /** Where a media file lives; null for anything that is not a well-formed hash (the only way in from outside). */
  mediaPath(kind: MediaKind, sha256: string, ext = 'webp'): string | null {
    if (!SHA256_HEX.test(sha256) || !/^[a-z0-9]{1,5}$/.test(ext)) return null;
    const dir = kind === 'thumb' ? 'thumbs' : 'originals';
    return path.join(this.root, dir, sha256.slice(0, 2), `${sha256}.${ext}`);
  }

  writeAtomic(target: string, bytes: Uint8Array): void {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = path.join(this.tmpDir, `${crypto.randomUUID()}.part`);
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  }
}

export function sha256Hex(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

// Names the models that describe a photo: the backbone file and the item heads file (or none), by content.
// Stored with each item, it tells which items were described by other models than the app's own, after an
// update ships new ones (a retrained head, a backbone run at another input size), so they are described again.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

/** Hashes already taken in this process, by file, modification time and size: a model file is hashed once. */
const hashes = new Map<string, Promise<string>>();

/** The sha256 of a file, hex; streamed, so a model file is never held whole for it. */
export async function fileSha256(file: string): Promise<string> {
  const { mtimeMs, size } = await fsp.stat(file);
  const key = `${path.resolve(file)}:${mtimeMs}:${size}`;
  let hash = hashes.get(key);
  if (!hash) {
    hash = hashOf(file);
    hashes.set(key, hash);
    hash.catch(() => hashes.delete(key));
  }
  return hash;
}

async function hashOf(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

/** Short, but 64 bits of each hash: two different model files do not collide. */
export function modelsKey(backboneSha256: string, headsSha256: string | null): string {
  return `backbone:${backboneSha256.slice(0, 16)} heads:${headsSha256?.slice(0, 16) ?? 'none'}`;
}

/** The key of the models in these files (headsPath null: the backbone alone). */
export async function modelsKeyOf(backbonePath: string, headsPath: string | null): Promise<string> {
  const [backbone, heads] = await Promise.all([fileSha256(backbonePath), headsPath ? fileSha256(headsPath) : null]);
  return modelsKey(backbone, heads);
}

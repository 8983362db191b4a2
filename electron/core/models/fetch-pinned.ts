// Finds a file pinned by sha256: in a local mirror folder, in our own cache, or on the web.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PinnedFile } from './manifest.ts';
import { writeFileAtomic } from './write-atomic.ts';

export type FileOrigin = 'mirror' | 'cache' | 'download';

export interface PinnedLookup {
  /** Folder that may hold the file under its manifest name (e.g. the team kit's models/). */
  mirrorDir: string | null;
  /** Where the mirror setting came from, for messages. */
  mirrorSource: string;
  /** Our own folder: checked after the mirror, and where a download is saved. */
  cacheDir: string;
  allowDownload: boolean;
  fetch: typeof fetch;
  log: (line: string) => void;
}

export type PinnedResult = { ok: true; bytes: Uint8Array; from: FileOrigin; path: string } | { ok: false; looked: string[] };

/** A mirror file with the wrong hash: refused outright rather than silently replaced. */
export class PinnedFileMismatchError extends Error {}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function obtainPinnedFile(pin: PinnedFile, lookup: PinnedLookup): Promise<PinnedResult> {
  const looked: string[] = [];

  if (lookup.mirrorDir) {
    const mirrored = path.join(lookup.mirrorDir, pin.file);
    if (existsSync(mirrored)) {
      const bytes = readFileSync(mirrored);
      const actual = sha256Hex(bytes);
      if (actual !== pin.sha256) {
        throw new PinnedFileMismatchError(
          `${mirrored} (mirror, ${lookup.mirrorSource}) has sha256 ${actual}, but the manifest pins ${pin.sha256}. ` +
            `Refusing it: put the right file (from ${pin.url}) in the mirror, or remove the wrong one.`,
        );
      }
      return { ok: true, bytes, from: 'mirror', path: mirrored };
    }
    looked.push(`mirror ${mirrored} (${lookup.mirrorSource}): no such file`);
  } else {
    looked.push(`mirror: none (${lookup.mirrorSource})`);
  }

  const cached = path.join(lookup.cacheDir, pin.file);
  if (existsSync(cached)) {
    const bytes = readFileSync(cached);
    if (sha256Hex(bytes) === pin.sha256) return { ok: true, bytes, from: 'cache', path: cached };
    lookup.log(`ignoring ${cached}: its sha256 does not match the manifest (stale or damaged copy)`);
    looked.push(`cache ${cached}: wrong sha256, ignored`);
  } else {
    looked.push(`cache ${cached}: no such file`);
  }

  if (!lookup.allowDownload) {
    looked.push(`download ${pin.url}: not attempted (downloads disabled)`);
    return { ok: false, looked };
  }
  lookup.log(`downloading ${pin.url}`);
  let bytes: Uint8Array;
  try {
    const response = await lookup.fetch(pin.url, { redirect: 'follow', signal: AbortSignal.timeout(120_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    looked.push(`download ${pin.url}: failed (${(error as Error).message})`);
    return { ok: false, looked };
  }
  const actual = sha256Hex(bytes);
  if (actual !== pin.sha256) {
    throw new PinnedFileMismatchError(`${pin.url} served a file with sha256 ${actual}, but the manifest pins ${pin.sha256}; not using it.`);
  }
  writeFileAtomic(cached, bytes);
  return { ok: true, bytes, from: 'download', path: cached };
}

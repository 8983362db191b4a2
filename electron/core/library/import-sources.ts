// Where photos to import come from: bytes sent by the window, or paths (files and folders, recursively).
import fs from 'node:fs/promises';
import path from 'node:path';
import { MAX_FILE_BYTES } from '../vision/decode.ts';

export interface ImportSource {
  /** What the person knows the file as (its name or path), used in error messages. */
  name: string;
  read(): Promise<Uint8Array>;
}

/** Extensions picked up when walking a folder; a file named explicitly is tried whatever its name. */
const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.avif', '.tif', '.tiff', '.gif', '.heic', '.heif']);

export function bytesSource(name: string, bytes: Uint8Array): ImportSource {
  return { name, read: async () => bytes };
}

export function fileSource(file: string): ImportSource {
  return {
    name: file,
    async read() {
      const stat = await fs.stat(file);
      if (!stat.isFile()) throw new Error('not a file');
      if (stat.size > MAX_FILE_BYTES) throw new Error(`the file is too large (${Math.round(stat.size / 1e6)} MB; the limit is ${MAX_FILE_BYTES / 1e6} MB)`);
      return fs.readFile(file);
    },
  };
}

/** Expands folders into the image files below them, in a stable order. Missing paths become sources that fail with a clear error. */
export async function expandPaths(paths: string[]): Promise<ImportSource[]> {
  const out: ImportSource[] = [];
  for (const p of paths) {
    const abs = path.resolve(p);
    let stat;
    try {
      stat = await fs.stat(abs);
    } catch {
      out.push({ name: abs, read: () => Promise.reject(new Error('no such file or folder')) });
      continue;
    }
    if (!stat.isDirectory()) {
      out.push(fileSource(abs));
      continue;
    }
    const entries = await fs.readdir(abs, { recursive: true, withFileTypes: true });
    entries
      .filter((e) => e.isFile() && IMAGE_EXTENSIONS.has(path.extname(e.name).toLowerCase()))
      .map((e) => path.join(e.parentPath, e.name))
      .sort()
      .forEach((f) => out.push(fileSource(f)));
  }
  return out;
}

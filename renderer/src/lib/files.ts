// Turning dropped or picked files into `import.files` uploads.

/** Most files per `import.files` call. */
export const MAX_FILES_PER_BATCH = 20;
/** Most raw bytes per call (base64 adds a third on the wire), so one request stays a sensible size. */
export const MAX_BYTES_PER_BATCH = 32 * 1024 * 1024;
/** The contract accepts at most 56,000,000 base64 characters per file, i.e. 42,000,000 bytes; stay under it. */
export const MAX_FILE_BYTES = 40 * 1024 * 1024;

const IMAGE_EXTENSIONS = /\.(jpe?g|jfif|png|webp|gif|bmp|tiff?|heic|heif|avif)$/i;

/** Dropped files can be anything (folders, PDFs); the picker already filters with accept="image/*". */
export function looksLikeImage(file: Pick<File, 'name' | 'type'>): boolean {
  if (file.type) return file.type.startsWith('image/');
  return IMAGE_EXTENSIONS.test(file.name);
}

/** Why a file will not be sent, or null when it can be. */
export function rejectReason(file: Pick<File, 'name' | 'type' | 'size'>): string | null {
  if (!looksLikeImage(file)) return 'Not an image file';
  if (file.size === 0) return 'The file is empty (or is a folder)';
  if (file.size > MAX_FILE_BYTES) return `The file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB`;
  return null;
}

/**
 * Splits files into consecutive batches of at most `maxFiles` files and (unless a single file is bigger)
 * `maxBytes` bytes, keeping their order.
 */
export function planBatches<T extends { size: number }>(
  files: readonly T[],
  maxFiles = MAX_FILES_PER_BATCH,
  maxBytes = MAX_BYTES_PER_BATCH,
): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const file of files) {
    if (current.length > 0 && (current.length >= maxFiles || bytes + file.size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += file.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The file's bytes as base64 (no data: prefix), read natively by the browser. */
export function readFileBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onerror = () => reject(reader.error ?? new Error('Could not read the file'));
    reader.onload = () => {
      const url = typeof reader.result === 'string' ? reader.result : '';
      const comma = url.indexOf(',');
      resolve(comma >= 0 ? url.slice(comma + 1) : '');
    };
    reader.readAsDataURL(file);
  });
}

/**
 * The files of a drop: folders (where the browser exposes them as entries) are walked, in name order, for the
 * images inside (as the core does with a folder path); files dropped by themselves are all passed on.
 */
export async function filesFromDrop(data: DataTransfer): Promise<File[]> {
  const items = Array.from(data.items ?? []);
  const entries = items.map((item) => (typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null));
  if (entries.length === 0 || entries.some((e) => e === null) || !entries.some((e) => e!.isDirectory)) return Array.from(data.files);
  const out: File[] = [];
  for (const entry of entries) await walkEntry(entry!, out, false);
  return out;
}

async function walkEntry(entry: FileSystemEntry, out: File[], inFolder: boolean): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    if (!inFolder || looksLikeImage(file)) out.push(file);
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  // readEntries returns the folder in chunks until it returns none.
  for (;;) {
    const chunk = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (chunk.length === 0) break;
    children.push(...chunk);
  }
  children.sort((a, b) => a.name.localeCompare(b.name));
  for (const child of children) {
    if (child.name.startsWith('.')) continue;
    await walkEntry(child, out, true);
  }
}

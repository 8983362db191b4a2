// Reads a ZIP archive from a file through its central directory (so a photo whose bytes happen to look like a
// ZIP signature cannot confuse it, and entries are found without reading the whole file), with ZIP64. Entries
// stream out to a sink; deflated ones are inflated by fflate in a worker thread. Every entry's size and CRC
// are checked: a damaged archive fails with ArchiveFormatError, never with half a file taken as whole.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { AsyncInflate } from 'fflate';

const MAX32 = 0xffffffff;
const CHUNK = 1 << 20;
const MAX_QUEUED = 8 << 20;

/** The file is not a ZIP archive, or is damaged. The message says what was wrong. */
export class ArchiveFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveFormatError';
  }
}

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export class ZipReader {
  readonly entries: ReadonlyMap<string, ZipEntry>;
  private readonly handle: fs.promises.FileHandle;
  private readonly fileSize: number;
  /** Bytes of entry data read so far (for progress). */
  bytesRead = 0;

  private constructor(handle: fs.promises.FileHandle, fileSize: number, entries: Map<string, ZipEntry>) {
    this.handle = handle;
    this.fileSize = fileSize;
    this.entries = entries;
  }

  static async open(file: string): Promise<ZipReader> {
    const handle = await fs.promises.open(file, 'r');
    try {
      const { size } = await handle.stat();
      const entries = await readCentralDirectory(handle, size);
      return new ZipReader(handle, size, entries);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  /** The whole entry in memory (small entries only: the manifest). */
  async readBytes(entry: ZipEntry, limit = 16 << 20): Promise<Buffer> {
    if (entry.size > limit) throw new ArchiveFormatError(`${entry.name} is unexpectedly large (${entry.size} bytes)`);
    const parts: Uint8Array[] = [];
    await this.extract(entry, async (chunk) => {
      parts.push(chunk);
    });
    return Buffer.concat(parts);
  }

  /** Streams the entry's uncompressed bytes to `sink`, in order; throws ArchiveFormatError if it is damaged. */
  async extract(entry: ZipEntry, sink: (chunk: Uint8Array) => Promise<void>, shouldStop?: () => boolean): Promise<void> {
    const head = Buffer.alloc(30);
    await this.readFully(head, entry.localHeaderOffset);
    if (head.readUInt32LE(0) !== 0x04034b50) throw new ArchiveFormatError(`the entry ${entry.name} is damaged (no local header)`);
    const dataStart = entry.localHeaderOffset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
    if (dataStart + entry.compressedSize > this.fileSize) throw new ArchiveFormatError(`the entry ${entry.name} runs past the end of the file (the archive is truncated)`);
    let crc = 0;
    let size = 0;
    const take = async (chunk: Uint8Array) => {
      crc = zlib.crc32(chunk, crc);
      size += chunk.byteLength;
      if (size > entry.size) throw new ArchiveFormatError(`the entry ${entry.name} is larger than the archive says`);
      await sink(chunk);
    };
    const chunks = this.rawChunks(dataStart, entry.compressedSize, shouldStop);
    if (entry.method === 0) {
      for await (const chunk of chunks) await take(chunk);
    } else if (entry.method === 8) {
      await inflateInto(chunks, take, entry.name);
    } else {
      throw new ArchiveFormatError(`the entry ${entry.name} uses a compression method this app does not read (${entry.method})`);
    }
    if (size !== entry.size || crc >>> 0 !== entry.crc) throw new ArchiveFormatError(`the entry ${entry.name} is damaged (its checksum does not match)`);
  }

  private async *rawChunks(start: number, length: number, shouldStop?: () => boolean): AsyncGenerator<Uint8Array> {
    let at = 0;
    while (at < length) {
      if (shouldStop?.()) throw new ExtractAbort();
      const n = Math.min(CHUNK, length - at);
      // Not from Node's shared pool: the inflate worker takes ownership of what it is handed.
      const buffer = Buffer.allocUnsafeSlow(n);
      await this.readFully(buffer, start + at);
      at += n;
      this.bytesRead += n;
      yield buffer;
    }
  }

  private async readFully(buffer: Buffer, position: number): Promise<void> {
    let done = 0;
    while (done < buffer.length) {
      const { bytesRead } = await this.handle.read(buffer, done, buffer.length - done, position + done);
      if (bytesRead === 0) throw new ArchiveFormatError('the archive ends early (it is truncated)');
      done += bytesRead;
    }
  }
}

export class ExtractAbort extends Error {
  constructor() {
    super('cancelled');
    this.name = 'ExtractAbort';
  }
}

async function inflateInto(chunks: AsyncIterable<Uint8Array>, take: (chunk: Uint8Array) => Promise<void>, name: string): Promise<void> {
  let pending: Promise<void> = Promise.resolve();
  let failure: unknown = null;
  let ended = false;
  let drained: (() => void) | null = null;
  let finished!: () => void;
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const inflate = new AsyncInflate();
  inflate.ondata = (error, out, final) => {
    if (error) failure ??= new ArchiveFormatError(`the entry ${name} is damaged (${error.message})`);
    else pending = pending.then(() => (failure ? undefined : take(out))).catch((e: unknown) => void (failure ??= e));
    if (final || error) {
      ended = true;
      void pending.then(finished);
    }
  };
  inflate.ondrain = () => {
    drained?.();
    drained = null;
  };
  try {
    for await (const chunk of chunks) {
      if (failure) break;
      if (ended) throw new ArchiveFormatError(`the entry ${name} is damaged (data after its end)`);
      inflate.push(chunk, false);
      if (inflate.queuedSize > MAX_QUEUED) await new Promise<void>((resolve) => (drained = resolve));
    }
    if (!failure) {
      inflate.push(new Uint8Array(0), true);
      await done;
    }
  } finally {
    inflate.terminate();
  }
  if (failure) throw failure;
}

async function readCentralDirectory(handle: fs.promises.FileHandle, fileSize: number): Promise<Map<string, ZipEntry>> {
  if (fileSize < 22) throw new ArchiveFormatError('the file is too small to be a ZIP archive');
  const tailLength = Math.min(fileSize, 22 + 0xffff + 20);
  const tail = Buffer.alloc(tailLength);
  await readAt(handle, tail, fileSize - tailLength);
  let eocd = -1;
  for (let i = tailLength - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ArchiveFormatError('it is not a ZIP archive, or its end is missing (truncated)');
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === MAX32 || cdOffset === MAX32) {
    const locator = eocd - 20;
    if (locator < 0 || tail.readUInt32LE(locator) !== 0x07064b50) throw new ArchiveFormatError('its ZIP64 directory is missing');
    const at = Number(tail.readBigUInt64LE(locator + 8));
    const rec = Buffer.alloc(56);
    if (at + 56 > fileSize) throw new ArchiveFormatError('its ZIP64 directory is damaged');
    await readAt(handle, rec, at);
    if (rec.readUInt32LE(0) !== 0x06064b50) throw new ArchiveFormatError('its ZIP64 directory is damaged');
    count = Number(rec.readBigUInt64LE(32));
    cdSize = Number(rec.readBigUInt64LE(40));
    cdOffset = Number(rec.readBigUInt64LE(48));
  }
  if (cdOffset + cdSize > fileSize || cdSize > 512 << 20) throw new ArchiveFormatError('its directory is damaged (it points outside the file)');
  const cd = Buffer.alloc(cdSize);
  await readAt(handle, cd, cdOffset);
  const entries = new Map<string, ZipEntry>();
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw new ArchiveFormatError('its directory is damaged');
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    const crc = cd.readUInt32LE(p + 16);
    let compressedSize = cd.readUInt32LE(p + 20);
    let size = cd.readUInt32LE(p + 24);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    let localHeaderOffset = cd.readUInt32LE(p + 42);
    const nameStart = p + 46;
    if (nameStart + nameLength + extraLength + commentLength > cd.length) throw new ArchiveFormatError('its directory is damaged');
    const name = cd.toString('utf8', nameStart, nameStart + nameLength);
    // ZIP64 extended information: only the fields whose 32-bit value is saturated are present, in this order.
    let e = nameStart + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const tag = cd.readUInt16LE(e);
      const length = cd.readUInt16LE(e + 2);
      if (tag === 0x0001) {
        let f = e + 4;
        const take = () => {
          if (f + 8 > e + 4 + length) throw new ArchiveFormatError('its directory is damaged (ZIP64 field)');
          const v = Number(cd.readBigUInt64LE(f));
          f += 8;
          return v;
        };
        if (size === MAX32) size = take();
        if (compressedSize === MAX32) compressedSize = take();
        if (localHeaderOffset === MAX32) localHeaderOffset = take();
      }
      e += 4 + length;
    }
    if (flags & 1) throw new ArchiveFormatError(`the entry ${name} is encrypted`);
    if (localHeaderOffset + 30 > fileSize) throw new ArchiveFormatError('its directory is damaged (an entry points outside the file)');
    entries.set(name, { name, method, crc, compressedSize, size, localHeaderOffset });
    p = extraEnd + commentLength;
  }
  return entries;
}

async function readAt(handle: fs.promises.FileHandle, buffer: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buffer.length) {
    const { bytesRead } = await handle.read(buffer, done, buffer.length - done, position + done);
    if (bytesRead === 0) throw new ArchiveFormatError('the archive ends early (it is truncated)');
    done += bytesRead;
  }
}

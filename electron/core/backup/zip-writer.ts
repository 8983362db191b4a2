// Writes a ZIP archive to a file, streaming: photos are stored as they are (JPEG and WebP do not compress),
// everything else is deflated by fflate in a worker thread, so the thread that answers the window stays
// free. Every entry's header is patched in place once its size and CRC are known (no data descriptors, so
// any unzip tool, and our reader, can read it), and ZIP64 records are written when the archive or an entry
// passes 4 GB or 65,535 entries: a photo library easily does.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { AsyncDeflate } from 'fflate';

const MAX32 = 0xffffffff;
const MAX16 = 0xffff;
/** Read size for streaming a file into the archive. */
const CHUNK = 1 << 20;
/** Deflate input allowed to wait in the worker before reading more. */
const MAX_QUEUED = 8 << 20;

interface Written {
  name: Buffer;
  method: 0 | 8;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
  dosTime: number;
  dosDate: number;
}

export interface AddOptions {
  /** Deflate (text, the database) or store (photos, already compressed). */
  compress: boolean;
  mtime?: Date;
}

export class ZipWriter {
  private readonly handle: fs.promises.FileHandle;
  private position = 0;
  private readonly entries: Written[] = [];
  private closed = false;
  private readonly forceZip64: boolean;
  /** Bytes of entry data read so far (for progress). */
  bytesIn = 0;

  private constructor(handle: fs.promises.FileHandle, forceZip64: boolean) {
    this.handle = handle;
    this.forceZip64 = forceZip64;
  }

  /**
   * Creates the file; refuses to replace one that exists. `forceZip64` writes ZIP64 records for every entry
   * and the end of the archive, as a 4 GB library would (for tests: the same code paths without 4 GB).
   */
  static async create(file: string, options: { forceZip64?: boolean } = {}): Promise<ZipWriter> {
    return new ZipWriter(await fs.promises.open(file, 'wx'), options.forceZip64 ?? false);
  }

  async addBytes(name: string, data: Uint8Array, options: AddOptions): Promise<void> {
    await this.addEntry(name, data.byteLength, options, async (sink) => {
      // A copy in its own ArrayBuffer: the deflate worker takes ownership of what it is handed.
      await sink(new Uint8Array(data));
    });
  }

  async addFile(name: string, file: string, options: AddOptions & { shouldStop?: () => boolean }): Promise<void> {
    const { size } = await fs.promises.stat(file);
    await this.addEntry(name, size, options, async (sink) => {
      const input = await fs.promises.open(file, 'r');
      try {
        const buffer = Buffer.allocUnsafe(CHUNK);
        for (;;) {
          if (options.shouldStop?.()) throw new ZipAbort();
          const { bytesRead } = await input.read(buffer, 0, CHUNK, null);
          if (bytesRead === 0) break;
          // A copy in its own ArrayBuffer: the deflate worker takes ownership of what it is handed.
          await sink(new Uint8Array(buffer.subarray(0, bytesRead)));
        }
      } finally {
        await input.close();
      }
    });
  }

  /** Writes the central directory and closes the file. */
  async finish(): Promise<void> {
    const cdStart = this.position;
    for (const e of this.entries) await this.write(centralHeader(e, this.forceZip64));
    const cdSize = this.position - cdStart;
    const count = this.entries.length;
    const needs64 = this.forceZip64 || count >= MAX16 || cdStart >= MAX32 || cdSize >= MAX32;
    if (needs64) {
      const eocd64At = this.position;
      const rec = Buffer.alloc(56);
      rec.writeUInt32LE(0x06064b50, 0);
      rec.writeBigUInt64LE(44n, 4);
      rec.writeUInt16LE(45, 12);
      rec.writeUInt16LE(45, 14);
      rec.writeBigUInt64LE(BigInt(count), 24);
      rec.writeBigUInt64LE(BigInt(count), 32);
      rec.writeBigUInt64LE(BigInt(cdSize), 40);
      rec.writeBigUInt64LE(BigInt(cdStart), 48);
      const loc = Buffer.alloc(20);
      loc.writeUInt32LE(0x07064b50, 0);
      loc.writeBigUInt64LE(BigInt(eocd64At), 8);
      loc.writeUInt32LE(1, 16);
      await this.write(Buffer.concat([rec, loc]));
    }
    const eocd = Buffer.alloc(22);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(needs64 ? MAX16 : count, 8);
    eocd.writeUInt16LE(needs64 ? MAX16 : count, 10);
    eocd.writeUInt32LE(needs64 ? MAX32 : cdSize, 12);
    eocd.writeUInt32LE(needs64 ? MAX32 : cdStart, 16);
    await this.write(eocd);
    await this.handle.sync();
    await this.close();
  }

  /** Closes the file without finishing it (cancel, failure); the caller removes it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }

  private async write(data: Uint8Array): Promise<void> {
    let done = 0;
    while (done < data.byteLength) {
      const { bytesWritten } = await this.handle.write(data, done, data.byteLength - done, this.position + done);
      done += bytesWritten;
    }
    this.position += data.byteLength;
  }

  private async addEntry(nameText: string, expectedSize: number, options: AddOptions, produce: (sink: (chunk: Uint8Array) => Promise<void>) => Promise<void>): Promise<void> {
    if (this.closed) throw new Error('the archive is closed');
    const name = Buffer.from(nameText, 'utf8');
    if (name.length > MAX16) throw new Error(`entry name too long: ${nameText.slice(0, 80)}`);
    const method = options.compress ? 8 : 0;
    // Deflate can grow incompressible data a little; leave room so the choice made here stays right.
    const zip64 = this.forceZip64 || expectedSize >= MAX32 - (1 << 20) * 64;
    const { time, date } = dosDateTime(options.mtime ?? new Date());
    const offset = this.position;
    const header = localHeader(name, method, time, date, zip64);
    await this.write(header);
    let crc = 0;
    let size = 0;
    const dataStart = this.position;
    if (method === 0) {
      await produce(async (chunk) => {
        crc = zlib.crc32(chunk, crc);
        size += chunk.byteLength;
        this.bytesIn += chunk.byteLength;
        await this.write(chunk);
      });
    } else {
      // fflate deflates in a worker; its output is written in order as it arrives.
      let pending: Promise<void> = Promise.resolve();
      let failure: unknown = null;
      let drained: (() => void) | null = null;
      let finished!: () => void;
      const done = new Promise<void>((resolve) => {
        finished = resolve;
      });
      const deflate = new AsyncDeflate({ level: 6 });
      deflate.ondata = (error, out, final) => {
        if (error) failure ??= error;
        else pending = pending.then(() => this.write(out)).catch((e: unknown) => void (failure ??= e));
        if (final || error) void pending.then(finished);
      };
      deflate.ondrain = () => {
        drained?.();
        drained = null;
      };
      try {
        await produce(async (chunk) => {
          if (failure) throw failure;
          crc = zlib.crc32(chunk, crc);
          size += chunk.byteLength;
          this.bytesIn += chunk.byteLength;
          deflate.push(chunk, false);
          if (deflate.queuedSize > MAX_QUEUED) await new Promise<void>((resolve) => (drained = resolve));
        });
        deflate.push(new Uint8Array(0), true);
        await done;
      } finally {
        deflate.terminate();
      }
      if (failure) throw failure;
    }
    const compressedSize = this.position - dataStart;
    if (!zip64 && (size >= MAX32 || compressedSize >= MAX32)) throw new Error(`${nameText} grew past 4 GB while it was being archived`);
    // Patch CRC and sizes into the local header.
    const patch = Buffer.alloc(12);
    patch.writeUInt32LE(crc >>> 0, 0);
    patch.writeUInt32LE(zip64 ? MAX32 : compressedSize, 4);
    patch.writeUInt32LE(zip64 ? MAX32 : size, 8);
    await this.handle.write(patch, 0, 12, offset + 14);
    if (zip64) {
      const extra = Buffer.alloc(16);
      extra.writeBigUInt64LE(BigInt(size), 0);
      extra.writeBigUInt64LE(BigInt(compressedSize), 8);
      await this.handle.write(extra, 0, 16, offset + 30 + name.length + 4);
    }
    this.entries.push({ name, method, crc: crc >>> 0, compressedSize, size, offset, dosTime: time, dosDate: date });
  }
}

/** Thrown from inside a file copy when the job was cancelled. */
export class ZipAbort extends Error {
  constructor() {
    super('cancelled');
    this.name = 'ZipAbort';
  }
}

function localHeader(name: Buffer, method: number, time: number, date: number, zip64: boolean): Buffer {
  const extraLength = zip64 ? 20 : 0;
  const h = Buffer.alloc(30 + name.length + extraLength);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(zip64 ? 45 : 20, 4);
  h.writeUInt16LE(0x0800, 6); // names are UTF-8
  h.writeUInt16LE(method, 8);
  h.writeUInt16LE(time, 10);
  h.writeUInt16LE(date, 12);
  // CRC and sizes (14..25) are patched in once the data is written.
  h.writeUInt16LE(name.length, 26);
  h.writeUInt16LE(extraLength, 28);
  name.copy(h, 30);
  if (zip64) {
    h.writeUInt16LE(0x0001, 30 + name.length);
    h.writeUInt16LE(16, 30 + name.length + 2);
  }
  return h;
}

function centralHeader(e: Written, force: boolean): Buffer {
  const big = [force || e.size >= MAX32, force || e.compressedSize >= MAX32, force || e.offset >= MAX32];
  const extraFields = big.filter(Boolean).length;
  const extraLength = extraFields ? 4 + 8 * extraFields : 0;
  const h = Buffer.alloc(46 + e.name.length + extraLength);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE((3 << 8) | 45, 4); // made by: unix, 4.5
  h.writeUInt16LE(extraFields ? 45 : 20, 6);
  h.writeUInt16LE(0x0800, 8);
  h.writeUInt16LE(e.method, 10);
  h.writeUInt16LE(e.dosTime, 12);
  h.writeUInt16LE(e.dosDate, 14);
  h.writeUInt32LE(e.crc, 16);
  h.writeUInt32LE(big[1] ? MAX32 : e.compressedSize, 20);
  h.writeUInt32LE(big[0] ? MAX32 : e.size, 24);
  h.writeUInt16LE(e.name.length, 28);
  h.writeUInt16LE(extraLength, 30);
  h.writeUInt32LE((0o100644 << 16) >>> 0, 38);
  h.writeUInt32LE(big[2] ? MAX32 : e.offset, 42);
  e.name.copy(h, 46);
  if (extraFields) {
    let at = 46 + e.name.length;
    h.writeUInt16LE(0x0001, at);
    h.writeUInt16LE(8 * extraFields, at + 2);
    at += 4;
    for (const [i, value] of [e.size, e.compressedSize, e.offset].entries()) {
      if (!big[i]) continue;
      h.writeBigUInt64LE(BigInt(value), at);
      at += 8;
    }
  }
  return h;
}

function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.min(Math.max(d.getFullYear(), 1980), 2107);
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

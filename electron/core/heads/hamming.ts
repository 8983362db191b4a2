// Binary codes and exact Hamming search. A K-bit code is K/8 bytes, bit b in byte b >> 3 at position
// b & 7 (least significant first), i.e. little-endian 32-bit words: bit b is word b >> 5, bit b & 31. The
// bit is 1 where the head's output is positive (sign at inference, as in Fashion Hash Net).

/** Packs the signs of K real values (K a multiple of 32) into K/8 bytes. */
export function packSigns(values: ArrayLike<number>, bits = values.length, offset = 0): Uint8Array {
  if (bits % 32 !== 0) throw new Error(`code length ${bits} is not a multiple of 32`);
  const out = new Uint8Array(bits / 8);
  for (let b = 0; b < bits; b++) if (values[offset + b]! > 0) out[b >> 3]! |= 1 << (b & 7);
  return out;
}

/** The code as +1/-1 values (what the relaxed code tends to). */
export function unpackSigns(code: Uint8Array, bits = code.length * 8): Float32Array {
  const out = new Float32Array(bits);
  for (let b = 0; b < bits; b++) out[b] = (code[b >> 3]! >> (b & 7)) & 1 ? 1 : -1;
  return out;
}

/** Set bits of a 32-bit word (SWAR, no table). */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Many codes of one length, contiguous as 32-bit words: what a search scans. */
export class CodeIndex {
  readonly bits: number;
  readonly words: number;
  size = 0;
  private data: Uint32Array;

  constructor(bits: number, capacity = 1024) {
    if (bits % 32 !== 0 || bits <= 0) throw new Error(`code length ${bits} is not a positive multiple of 32`);
    this.bits = bits;
    this.words = bits / 32;
    this.data = new Uint32Array(Math.max(1, capacity) * this.words);
  }

  static from(codes: readonly Uint8Array[], bits: number): CodeIndex {
    const index = new CodeIndex(bits, codes.length);
    for (const c of codes) index.add(c);
    return index;
  }

  /** Appends a code (K/8 bytes); returns its position. */
  add(code: Uint8Array): number {
    if (code.byteLength !== this.bits / 8) throw new Error(`code has ${code.byteLength} bytes, expected ${this.bits / 8}`);
    if ((this.size + 1) * this.words > this.data.length) {
      const grown = new Uint32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const at = this.size * this.words;
    for (let w = 0; w < this.words; w++) {
      const o = w * 4;
      this.data[at + w] = (code[o]! | (code[o + 1]! << 8) | (code[o + 2]! << 16) | (code[o + 3]! << 24)) >>> 0;
    }
    return this.size++;
  }

  /** Hamming distance from a query to every code, in order. */
  distances(query: Uint8Array, out = new Uint16Array(this.size)): Uint16Array {
    this.scan(query, out, null);
    return out;
  }

  /**
   * The k nearest codes, exactly: ascending distance, ties by position; `exclude` leaves one position out
   * (the query item itself). One fused pass computes the distances and their histogram over the K+1
   * possible values, which gives the cut-off distance; a second pass collects: O(n + K + k log k).
   */
  topK(query: Uint8Array, k: number, exclude = -1): { position: number; distance: number }[] {
    if (this.scratch.length < this.size) this.scratch = new Uint16Array(this.data.length / this.words);
    const dist = this.scratch;
    const counts = new Uint32Array(this.bits + 1);
    this.scan(query, dist, counts);
    if (exclude >= 0 && exclude < this.size) counts[dist[exclude]!]!--;
    let cut = 0;
    let below = 0;
    while (cut < this.bits && below + counts[cut]! < k) below += counts[cut++]!;
    // Everything closer than `cut` is in; at `cut`, the first k - below by position.
    let atCut = k - below;
    let wanted = Math.min(k, this.size - (exclude >= 0 && exclude < this.size ? 1 : 0));
    const out: { position: number; distance: number }[] = [];
    for (let i = 0; i < this.size && wanted > 0; i++) {
      const d = dist[i]!;
      if (d > cut || i === exclude) continue;
      if (d === cut) {
        if (atCut <= 0) continue;
        atCut--;
      }
      out.push({ position: i, distance: d });
      wanted--;
    }
    return out.sort((a, b) => a.distance - b.distance || a.position - b.position);
  }

  private scratch = new Uint16Array(0);

  /** Distances into `out`, and their histogram into `counts` when given. */
  private scan(query: Uint8Array, out: Uint16Array, counts: Uint32Array | null): void {
    const q = wordsOf(query, this.words);
    const d = this.data;
    const W = this.words;
    const n = this.size;
    if (W === 4) {
      // The default 128-bit code, unrolled: the SWAR steps of the four words side by side, their byte
      // counts (at most 32 per byte) summed once.
      const q0 = q[0]!, q1 = q[1]!, q2 = q[2]!, q3 = q[3]!;
      for (let i = 0, o = 0; i < n; i++, o += 4) {
        let a = d[o]! ^ q0, b = d[o + 1]! ^ q1, c = d[o + 2]! ^ q2, e = d[o + 3]! ^ q3;
        a -= (a >>> 1) & 0x55555555;
        b -= (b >>> 1) & 0x55555555;
        c -= (c >>> 1) & 0x55555555;
        e -= (e >>> 1) & 0x55555555;
        a = (a & 0x33333333) + ((a >>> 2) & 0x33333333);
        b = (b & 0x33333333) + ((b >>> 2) & 0x33333333);
        c = (c & 0x33333333) + ((c >>> 2) & 0x33333333);
        e = (e & 0x33333333) + ((e >>> 2) & 0x33333333);
        const bytes = ((a + (a >>> 4)) & 0x0f0f0f0f) + ((b + (b >>> 4)) & 0x0f0f0f0f) + ((c + (c >>> 4)) & 0x0f0f0f0f) + ((e + (e >>> 4)) & 0x0f0f0f0f);
        const dist = Math.imul(bytes, 0x01010101) >>> 24;
        out[i] = dist;
        if (counts) counts[dist]!++;
      }
      return;
    }
    for (let i = 0, o = 0; i < n; i++, o += W) {
      let s = 0;
      for (let w = 0; w < W; w++) s += popcount32(d[o + w]! ^ q[w]!);
      out[i] = s;
      if (counts) counts[s]!++;
    }
  }
}

function wordsOf(code: Uint8Array, words: number): Uint32Array {
  if (code.byteLength !== words * 4) throw new Error(`code has ${code.byteLength} bytes, expected ${words * 4}`);
  const out = new Uint32Array(words);
  for (let w = 0; w < words; w++) {
    const o = w * 4;
    out[w] = (code[o]! | (code[o + 1]! << 8) | (code[o + 2]! << 16) | (code[o + 3]! << 24)) >>> 0;
  }
  return out;
}

export function hamming(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += popcount32(a[i]! ^ b[i]!);
  return s;
}

export function codeToHex(code: Uint8Array): string {
  return Buffer.from(code).toString('hex');
}

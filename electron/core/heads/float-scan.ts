// The float baseline of "more like this": cosine similarity of backbone embeddings, by a linear scan over
// unit vectors stored contiguously (n x d). Written with the same care as the Hamming scan (one typed array,
// unrolled inner loop, bounded top-k), so the benchmark compares methods rather than effort.

export class FloatIndex {
  readonly dim: number;
  size = 0;
  private data: Float32Array;

  constructor(dim: number, capacity = 1024) {
    this.dim = dim;
    this.data = new Float32Array(Math.max(1, capacity) * dim);
  }

  static from(vectors: readonly Float32Array[], dim: number): FloatIndex {
    const index = new FloatIndex(dim, vectors.length);
    for (const v of vectors) index.add(v);
    return index;
  }

  /** Appends a vector, normalised to unit length. */
  add(v: Float32Array): number {
    if (v.length !== this.dim) throw new Error(`vector has ${v.length} values, expected ${this.dim}`);
    if ((this.size + 1) * this.dim > this.data.length) {
      const grown = new Float32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    let n = 0;
    for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
    const inv = 1 / (Math.sqrt(n) || 1);
    const at = this.size * this.dim;
    for (let i = 0; i < v.length; i++) this.data[at + i] = v[i]! * inv;
    return this.size++;
  }

  /** Cosine similarity of a query to every vector, in order. */
  similarities(query: Float32Array, out = new Float32Array(this.size)): Float32Array {
    const d = this.dim;
    let n = 0;
    for (let i = 0; i < d; i++) n += query[i]! * query[i]!;
    const inv = 1 / (Math.sqrt(n) || 1);
    const data = this.data;
    const d4 = d - (d % 4);
    for (let r = 0, o = 0; r < this.size; r++, o += d) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let i = 0;
      for (; i < d4; i += 4) {
        s0 += data[o + i]! * query[i]!;
        s1 += data[o + i + 1]! * query[i + 1]!;
        s2 += data[o + i + 2]! * query[i + 2]!;
        s3 += data[o + i + 3]! * query[i + 3]!;
      }
      for (; i < d; i++) s0 += data[o + i]! * query[i]!;
      out[r] = (s0 + s1 + s2 + s3) * inv;
    }
    return out;
  }

  /** The k most similar vectors: descending similarity, ties by position; `exclude` leaves one position out. */
  topK(query: Float32Array, k: number, exclude = -1): { position: number; similarity: number }[] {
    const sims = this.similarities(query);
    // A min-heap of the best k so far, keyed by (similarity, -position).
    const heap: number[] = [];
    const worse = (a: number, b: number) => sims[a]! < sims[b]! || (sims[a]! === sims[b]! && a > b);
    const siftDown = (i: number) => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && worse(heap[r]!, heap[m]!)) m = r;
        if (m === i) return;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    };
    for (let p = 0; p < this.size; p++) {
      if (p === exclude) continue;
      if (heap.length < k) {
        heap.push(p);
        for (let i = heap.length - 1; i > 0; ) {
          const parent = (i - 1) >> 1;
          if (!worse(heap[i]!, heap[parent]!)) break;
          [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
          i = parent;
        }
      } else if (k > 0 && worse(heap[0]!, p)) {
        heap[0] = p;
        siftDown(0);
      }
    }
    return heap
      .map((position) => ({ position, similarity: sims[position]! }))
      .sort((a, b) => b.similarity - a.similarity || a.position - b.position);
  }
}

// A batch of row vectors: `rows` x `cols`, row-major in one Float32Array. All layers work on these.
export interface Batch {
  rows: number;
  cols: number;
  data: Float32Array;
}

export function batch(rows: number, cols: number, data: Float32Array = new Float32Array(rows * cols)): Batch {
  if (data.length !== rows * cols) throw new Error(`batch data has ${data.length} values, expected ${rows}x${cols}`);
  return { rows, cols, data };
}

/** Stacks vectors of equal length into a batch. */
export function stack(vectors: readonly Float32Array[]): Batch {
  const cols = vectors[0]?.length ?? 0;
  const out = batch(vectors.length, cols);
  vectors.forEach((v, i) => out.data.set(v, i * cols));
  return out;
}

export function row(b: Batch, i: number): Float32Array {
  return b.data.subarray(i * b.cols, (i + 1) * b.cols);
}

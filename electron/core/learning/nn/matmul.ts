// Dense matrix products for training on the CPU without native code. The WebAssembly SIMD kernels of
// wasm-gemm.ts do the work (about 5-13 GFLOP-pairs/s on one core against 0.7-1.3 for the best plain
// JavaScript loop, measured on the 1280-d backbone features); a register-blocked JavaScript kernel is
// the fallback for a runtime without WebAssembly SIMD. Both give the same bits on every machine.
import { wasmMatmulTransA, wasmMatmulTransB } from './wasm-gemm.ts';

export interface MatmulOptions {
  /** Added to every row (length n). */
  bias?: Float32Array | null;
  /** Where to write the m x n result (a new array otherwise). */
  out?: Float32Array;
  /** Add the product to what `out` holds. */
  accumulate?: boolean;
}

/** Row-major transpose of a rows x cols matrix. */
export function transpose(a: Float32Array, rows: number, cols: number, out = new Float32Array(rows * cols)): Float32Array {
  const B = 32;
  for (let r0 = 0; r0 < rows; r0 += B) {
    const r1 = Math.min(rows, r0 + B);
    for (let c0 = 0; c0 < cols; c0 += B) {
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) {
        const ro = r * cols;
        for (let c = c0; c < c1; c++) out[c * rows + r] = a[ro + c]!;
      }
    }
  }
  return out;
}

/**
 * C[m][n] = sum_p A[m][p] * B[n][p] (+ bias[n]); A is m x k, B is n x k, both row-major.
 * With `accumulate`, the product is added to what `out` holds.
 */
export function matmulTransB(a: Float32Array, m: number, k: number, b: Float32Array, n: number, options: MatmulOptions = {}): Float32Array {
  return wasmMatmulTransB(a, m, k, b, n, options) ?? jsMatmulTransB(a, m, k, b, n, options);
}

/** C[m][n] = sum_p A[p][m] * B[p][n]; A is k x m, B is k x n (a weight gradient dy^T x without transposes). */
export function matmulTransA(a: Float32Array, k: number, m: number, b: Float32Array, n: number, options: Omit<MatmulOptions, 'bias'> = {}): Float32Array {
  return wasmMatmulTransA(a, k, m, b, n, options) ?? jsMatmulTransB(transpose(a, k, m), m, k, transpose(b, k, n), n, options);
}

/** The plain JavaScript kernel: 4x4 outputs per pass, operands read along contiguous rows, sums in doubles. */
export function jsMatmulTransB(a: Float32Array, m: number, k: number, b: Float32Array, n: number, options: MatmulOptions = {}): Float32Array {
  const out = options.out ?? new Float32Array(m * n);
  const bias = options.bias ?? null;
  const acc = options.accumulate ?? false;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      const b0 = j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + p]!, x1 = a[a1 + p]!, x2 = a[a2 + p]!, x3 = a[a3 + p]!;
        const y0 = b[b0 + p]!, y1 = b[b1 + p]!, y2 = b[b2 + p]!, y3 = b[b3 + p]!;
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
      }
      store4(out, i * n + j, s00, s01, s02, s03, bias, j, acc);
      store4(out, (i + 1) * n + j, s10, s11, s12, s13, bias, j, acc);
      store4(out, (i + 2) * n + j, s20, s21, s22, s23, bias, j, acc);
      store4(out, (i + 3) * n + j, s30, s31, s32, s33, bias, j, acc);
    }
    for (; j < n; j++) for (let r = i; r < i + 4; r++) out[r * n + j] = single(a, r * k, b, j * k, k, bias, j, acc ? out[r * n + j]! : 0);
  }
  for (; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] = single(a, i * k, b, j * k, k, bias, j, acc ? out[i * n + j]! : 0);
  return out;
}

function store4(out: Float32Array, o: number, s0: number, s1: number, s2: number, s3: number, bias: Float32Array | null, j: number, acc: boolean): void {
  if (bias) {
    s0 += bias[j]!; s1 += bias[j + 1]!; s2 += bias[j + 2]!; s3 += bias[j + 3]!;
  }
  if (acc) {
    s0 += out[o]!; s1 += out[o + 1]!; s2 += out[o + 2]!; s3 += out[o + 3]!;
  }
  out[o] = s0; out[o + 1] = s1; out[o + 2] = s2; out[o + 3] = s3;
}

function single(a: Float32Array, ao: number, b: Float32Array, bo: number, k: number, bias: Float32Array | null, j: number, start: number): number {
  let s = start + (bias ? bias[j]! : 0);
  for (let p = 0; p < k; p++) s += a[ao + p]! * b[bo + p]!;
  return s;
}

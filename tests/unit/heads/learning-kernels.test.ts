// The training additions the heads rely on: the WebAssembly matrix kernels against plain loops, the
// similarity-matching loss's gradient against finite differences, and the standardisation layer.
import { describe, expect, it } from 'vitest';
import { jsMatmulTransB, matmulTransA, matmulTransB } from '../../../electron/core/learning/nn/matmul.ts';
import { wasmGemmAvailable } from '../../../electron/core/learning/nn/wasm-gemm.ts';
import { similarityMatching } from '../../../electron/core/learning/nn/similarity.ts';
import { Standardize } from '../../../electron/core/learning/nn/standardize.ts';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';
import { batch } from '../../../electron/core/learning/nn/tensor.ts';

const random = (rng: Rng, n: number) => Float32Array.from({ length: n }, () => rng.normal());

function naiveABt(a: Float32Array, m: number, k: number, b: Float32Array, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) out[i * n + j]! += a[i * k + p]! * b[j * k + p]!;
  return out;
}

describe('matrix kernels', () => {
  it('WebAssembly SIMD is available, as training expects', () => {
    expect(wasmGemmAvailable()).toBe(true);
  });

  it('A B^T, A^T B and the JavaScript fallback agree with plain loops for awkward sizes', () => {
    const rng = new Rng(1);
    for (const [m, k, n] of [[1, 1, 1], [3, 5, 7], [17, 33, 9], [64, 130, 18], [5, 1280, 3]] as const) {
      const a = random(rng, m * k);
      const b = random(rng, n * k);
      const expected = naiveABt(a, m, k, b, n);
      const tol = 1e-4 * Math.sqrt(k);
      const bias = random(rng, n);
      const withBias = matmulTransB(a, m, k, b, n, { bias });
      const js = jsMatmulTransB(a, m, k, b, n);
      expected.forEach((v, i) => {
        expect(Math.abs(withBias[i]! - v - bias[i % n]!)).toBeLessThan(tol);
        expect(Math.abs(js[i]! - v)).toBeLessThan(tol);
      });
      // A^T B with A stored k x m: transpose a into that layout.
      const at = new Float32Array(k * m);
      for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) at[p * m + i] = a[i * k + p]!;
      const bt = new Float32Array(k * n);
      for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) bt[p * n + j] = b[j * k + p]!;
      const start = random(rng, m * n);
      const acc = matmulTransA(at, k, m, bt, n, { out: start.slice(), accumulate: true });
      expected.forEach((v, i) => expect(Math.abs(acc[i]! - v - start[i]!)).toBeLessThan(tol));
    }
  });
});

describe('similarity matching and standardisation', () => {
  it('the loss gradient matches finite differences', () => {
    const rng = new Rng(4);
    const n = 6;
    const K = 8;
    const codes = batch(n, K, Float32Array.from({ length: n * K }, () => Math.tanh(rng.normal())));
    const target = new Float32Array(n * n);
    const weights = new Float32Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        target[i * n + j] = target[j * n + i] = rng.next() * 2 - 1;
        weights[i * n + j] = weights[j * n + i] = 0.5 + rng.next();
      }
    }
    const { grad } = similarityMatching(codes, target, weights);
    const h = 1e-2;
    for (let i = 0; i < codes.data.length; i++) {
      const old = codes.data[i]!;
      codes.data[i] = old + h;
      const up = similarityMatching(codes, target, weights).loss;
      codes.data[i] = old - h;
      const down = similarityMatching(codes, target, weights).loss;
      codes.data[i] = old;
      expect(grad.data[i]).toBeCloseTo((up - down) / (2 * h), 4);
    }
  });

  it('standardise gives zero mean and unit variance on the rows it was fitted on', () => {
    const rng = new Rng(5);
    const rows = Array.from({ length: 200 }, () => Float32Array.from({ length: 4 }, (_, d) => d * 3 + rng.normal() * (d + 1)));
    const std = Standardize.fit(rows);
    const y = std.forward(batch(rows.length, 4, Float32Array.from(rows.flatMap((r) => [...r]))));
    for (let d = 0; d < 4; d++) {
      const col = Array.from({ length: rows.length }, (_, i) => y.data[i * 4 + d]!);
      const mean = col.reduce((a, b) => a + b, 0) / col.length;
      expect(mean).toBeCloseTo(0, 4);
      expect(col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length).toBeCloseTo(1, 3);
    }
  });
});

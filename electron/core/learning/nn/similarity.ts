// Similarity matching for hashing: codes B (n x K, each in [-1, 1]) should have inner products
// S = B B^T / K close to a target similarity T (n x n) between the same items, off the diagonal. With
// binary codes S_ij = 1 - 2 hamming_ij / K, so matching S ranks items by Hamming distance as T does.
import type { Batch } from './tensor.ts';
import { batch } from './tensor.ts';
import { matmulTransB } from './matmul.ts';
import type { LossResult } from './losses.ts';

/**
 * Mean over pairs i != j of w_ij (S_ij - T_ij)^2, with optional pair weights (n x n, symmetric); returns
 * d(loss)/dB.
 */
export function similarityMatching(codes: Batch, target: Float32Array, weights?: Float32Array): LossResult {
  const { rows: n, cols: K } = codes;
  if (target.length !== n * n) throw new Error(`target similarity has ${target.length} values, expected ${n}x${n}`);
  const s = matmulTransB(codes.data, n, K, codes.data, n);
  // G_ij = 2 w_ij (S_ij - T_ij) / pairs; dL/dB = (G + G^T) B / K = 2 G B / K for symmetric G.
  const pairs = n * (n - 1);
  const g = new Float32Array(n * n);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const w = weights ? weights[i * n + j]! : 1;
      const e = s[i * n + j]! / K - target[i * n + j]!;
      loss += (w * e * e) / pairs;
      g[i * n + j] = (4 * w * e) / pairs / K;
    }
  }
  // dB = G B: with G symmetric, G B = G^T B, a product matmulTransB can do as G (B^T)^T.
  const bt = new Float32Array(K * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) bt[k * n + i] = codes.data[i * K + k]!;
  return { loss, grad: batch(n, K, matmulTransB(g, n, n, bt, K)) };
}

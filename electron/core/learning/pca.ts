// Principal components of a set of row vectors (optionally whitened): a fixed linear map fitted once on
// training data, e.g. to bring 1280-d backbone embeddings down to a size small networks train fast on.
// Top components by subspace iteration on the covariance, then Rayleigh-Ritz with Jacobi on the small
// projected matrix; deterministic for a given seed.
import { Rng } from './nn/rng.ts';
import { matmulTransB } from './nn/matmul.ts';

export interface Pca {
  dim: number;
  k: number;
  mean: Float32Array;
  /** k x dim, row-major; whitened rows are already divided by sqrt(eigenvalue + shrink). */
  components: Float32Array;
  /** Eigenvalues of the kept components, largest first. */
  eigenvalues: Float32Array;
}

export interface PcaOptions {
  k: number;
  whiten?: boolean;
  /** Added to every eigenvalue before whitening, as a fraction of the mean kept eigenvalue. */
  shrink?: number;
  iterations?: number;
  seed?: number;
  /** The covariance is estimated on at most this many rows (a seeded sample); default 2000. */
  maxRows?: number;
}

export function fitPca(allRows: readonly Float32Array[], options: PcaOptions): Pca {
  const rng = new Rng(options.seed ?? 1);
  const maxRows = options.maxRows ?? 2000;
  const rows = allRows.length > maxRows ? rng.shuffle([...allRows]).slice(0, maxRows) : allRows;
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  if (n < 2 || d === 0) throw new Error('PCA needs at least two rows');
  const k = Math.min(options.k, d);
  const mean = new Float64Array(d);
  for (const r of rows) for (let i = 0; i < d; i++) mean[i]! += r[i]!;
  for (let i = 0; i < d; i++) mean[i]! /= n;
  // Covariance = Xc^T Xc / (n - 1), with Xc the centred rows: one blocked product of Xc^T with itself.
  const xt = new Float32Array(d * n);
  rows.forEach((r, j) => {
    for (let i = 0; i < d; i++) xt[i * n + j] = r[i]! - mean[i]!;
  });
  const cov = matmulTransB(xt, d, n, xt, d);
  for (let i = 0; i < cov.length; i++) cov[i]! /= n - 1;
  const p = Math.min(d, k + 10);
  let q: Float64Array = new Float64Array(d * p); // column j at q[j*d ..] (stored as p rows of length d)
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  orthonormalize(q, p, d);
  for (let it = 0; it < (options.iterations ?? 5); it++) {
    q = symmetricTimes(cov, q, p, d);
    orthonormalize(q, p, d);
  }
  // Rayleigh-Ritz: B = Q^T C Q (p x p), eigenvectors of B rotate Q onto the components.
  const cq = symmetricTimes(cov, q, p, d);
  const b = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let c = 0; c < p; c++) b[a * p + c] = dot64(q, a * d, cq, c * d, d);
  const { values, vectors } = jacobiEigen(b, p);
  const order = [...values.keys()].sort((i, j) => values[j]! - values[i]!).slice(0, k);
  const eigenvalues = new Float32Array(order.map((i) => Math.max(values[i]!, 0)));
  const meanEig = eigenvalues.reduce((s, v) => s + v, 0) / k;
  const components = new Float32Array(k * d);
  order.forEach((col, r) => {
    const scale = options.whiten ? 1 / Math.sqrt(eigenvalues[r]! + (options.shrink ?? 0.1) * meanEig) : 1;
    for (let a = 0; a < p; a++) {
      const w = vectors[a * p + col]! * scale;
      if (w === 0) continue;
      for (let i = 0; i < d; i++) components[r * d + i]! += w * q[a * d + i]!;
    }
  });
  return { dim: d, k, mean: Float32Array.from(mean), components, eigenvalues };
}

/** y = components (x - mean). */
export function applyPca(pca: Pca, x: Float32Array, out = new Float32Array(pca.k)): Float32Array {
  const { dim, k, mean, components } = pca;
  const c = new Float32Array(dim);
  for (let i = 0; i < dim; i++) c[i] = x[i]! - mean[i]!;
  for (let r = 0; r < k; r++) {
    let s = 0;
    const o = r * dim;
    for (let i = 0; i < dim; i++) s += components[o + i]! * c[i]!;
    out[r] = s;
  }
  return out;
}

function symmetricTimes(m: Float32Array, q: Float64Array, p: number, d: number): Float64Array {
  // Row c of the result is C q_c; C is symmetric, so that is q_c against every row of C.
  return Float64Array.from(matmulTransB(Float32Array.from(q), p, d, m, d));
}

function dot64(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    s0 += a[ao + i]! * b[bo + i]!;
    s1 += a[ao + i + 1]! * b[bo + i + 1]!;
  }
  if (i < n) s0 += a[ao + i]! * b[bo + i]!;
  return s0 + s1;
}

/** Modified Gram-Schmidt over p vectors of length d stored one after another. */
function orthonormalize(q: Float64Array, p: number, d: number): void {
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < a; b++) {
      const r = dot64(q, a * d, q, b * d, d);
      for (let i = 0; i < d; i++) q[a * d + i]! -= r * q[b * d + i]!;
    }
    const norm = Math.sqrt(dot64(q, a * d, q, a * d, d)) || 1;
    for (let i = 0; i < d; i++) q[a * d + i]! /= norm;
  }
}

/** Cyclic Jacobi for a small symmetric matrix: eigenvalues and eigenvectors (as columns of `vectors`). */
export function jacobiEigen(matrix: Float64Array, n: number, sweeps = 30): { values: Float64Array; vectors: Float64Array } {
  const a = matrix.slice();
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < sweeps; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i]! ** 2;
      for (let j = i + 1; j < n; j++) off += a[i * n + j]! ** 2;
    }
    if (off <= 1e-22 * diag) break;
    for (let pp = 0; pp < n; pp++) {
      for (let qq = pp + 1; qq < n; qq++) {
        const apq = a[pp * n + qq]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[qq * n + qq]! - a[pp * n + pp]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + pp]!;
          const akq = a[k * n + qq]!;
          a[k * n + pp] = c * akp - s * akq;
          a[k * n + qq] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[pp * n + k]!;
          const aqk = a[qq * n + k]!;
          a[pp * n + k] = c * apk - s * aqk;
          a[qq * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + pp]!;
          const vkq = v[k * n + qq]!;
          v[k * n + pp] = c * vkp - s * vkq;
          v[k * n + qq] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]!;
  return { values, vectors: v };
}

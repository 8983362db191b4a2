// Fixed per-feature standardisation, y = (x - mean) * scale, fitted on training features and frozen.
// Put in front of a network over backbone features; exporters write it as ONNX Sub + Mul.
import type { Batch } from './tensor.ts';
import { batch } from './tensor.ts';
import type { Layer, Param } from './layers.ts';

export class Standardize implements Layer {
  readonly mean: Float32Array;
  readonly scale: Float32Array;

  constructor(mean: Float32Array, scale: Float32Array) {
    if (mean.length !== scale.length) throw new Error('standardize: mean and scale differ in length');
    this.mean = mean;
    this.scale = scale;
  }

  /** Mean and 1/std per column of the rows; `minStd` keeps near-constant features from blowing up. */
  static fit(rows: readonly Float32Array[], minStd = 1e-3): Standardize {
    const dim = rows[0]?.length ?? 0;
    const sum = new Float64Array(dim);
    const sq = new Float64Array(dim);
    for (const r of rows) {
      for (let i = 0; i < dim; i++) {
        sum[i]! += r[i]!;
        sq[i]! += r[i]! * r[i]!;
      }
    }
    const n = Math.max(1, rows.length);
    const mean = new Float32Array(dim);
    const scale = new Float32Array(dim);
    for (let i = 0; i < dim; i++) {
      mean[i] = sum[i]! / n;
      const variance = Math.max(0, sq[i]! / n - (sum[i]! / n) ** 2);
      scale[i] = 1 / Math.max(minStd, Math.sqrt(variance));
    }
    return new Standardize(mean, scale);
  }

  forward(x: Batch): Batch {
    const d = this.mean.length;
    if (x.cols !== d) throw new Error(`standardize expects ${d} inputs, got ${x.cols}`);
    const y = batch(x.rows, d);
    for (let r = 0; r < x.rows; r++) {
      const o = r * d;
      for (let i = 0; i < d; i++) y.data[o + i] = (x.data[o + i]! - this.mean[i]!) * this.scale[i]!;
    }
    return y;
  }

  backward(dy: Batch): Batch {
    const d = this.mean.length;
    const dx = batch(dy.rows, d);
    for (let r = 0; r < dy.rows; r++) for (let i = 0; i < d; i++) dx.data[r * d + i] = dy.data[r * d + i]! * this.scale[i]!;
    return dx;
  }

  params(): Param[] {
    return [];
  }
}

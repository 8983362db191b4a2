// Layers with hand-written gradients (checked against finite differences in the tests). Each layer keeps
// what its backward pass needs from the last forward pass, so call forward, then backward, once per step.
import type { Batch } from './tensor.ts';
import { batch } from './tensor.ts';
import type { Rng } from './rng.ts';

export interface Param {
  name: string;
  value: Float32Array;
  grad: Float32Array;
}

export interface Layer {
  forward(x: Batch, training?: boolean): Batch;
  backward(dy: Batch): Batch;
  params(): Param[];
}

/** y = x W^T + b, with W stored [out][in] (ONNX Gemm with transB = 1 reads it as is). */
export class Dense implements Layer {
  readonly inDim: number;
  readonly outDim: number;
  readonly weight: Param;
  readonly bias: Param | null;
  private input: Batch | null = null;

  constructor(inDim: number, outDim: number, rng: Rng, options: { bias?: boolean; name?: string } = {}) {
    this.inDim = inDim;
    this.outDim = outDim;
    const name = options.name ?? 'dense';
    const w = new Float32Array(inDim * outDim);
    // He initialisation: keeps activations' scale through ReLU stacks.
    const std = Math.sqrt(2 / inDim);
    for (let i = 0; i < w.length; i++) w[i] = rng.normal() * std;
    this.weight = { name: `${name}.weight`, value: w, grad: new Float32Array(w.length) };
    this.bias = options.bias === false ? null : { name: `${name}.bias`, value: new Float32Array(outDim), grad: new Float32Array(outDim) };
  }

  forward(x: Batch): Batch {
    if (x.cols !== this.inDim) throw new Error(`dense layer expects ${this.inDim} inputs, got ${x.cols}`);
    this.input = x;
    const y = batch(x.rows, this.outDim);
    const W = this.weight.value;
    const b = this.bias?.value;
    for (let r = 0; r < x.rows; r++) {
      const xo = r * this.inDim;
      const yo = r * this.outDim;
      for (let o = 0; o < this.outDim; o++) {
        let s = b ? b[o]! : 0;
        const wo = o * this.inDim;
        for (let i = 0; i < this.inDim; i++) s += x.data[xo + i]! * W[wo + i]!;
        y.data[yo + o] = s;
      }
    }
    return y;
  }

  backward(dy: Batch): Batch {
    const x = this.input;
    if (!x) throw new Error('backward before forward');
    const W = this.weight.value;
    const gW = this.weight.grad;
    const gb = this.bias?.grad;
    const dx = batch(x.rows, this.inDim);
    for (let r = 0; r < x.rows; r++) {
      const xo = r * this.inDim;
      const yo = r * this.outDim;
      for (let o = 0; o < this.outDim; o++) {
        const g = dy.data[yo + o]!;
        if (g === 0) continue;
        if (gb) gb[o]! += g;
        const wo = o * this.inDim;
        for (let i = 0; i < this.inDim; i++) {
          gW[wo + i]! += g * x.data[xo + i]!;
          dx.data[xo + i]! += g * W[wo + i]!;
        }
      }
    }
    return dx;
  }

  params(): Param[] {
    return this.bias ? [this.weight, this.bias] : [this.weight];
  }
}

export class Relu implements Layer {
  private mask: Uint8Array | null = null;

  forward(x: Batch): Batch {
    const y = batch(x.rows, x.cols);
    this.mask = new Uint8Array(x.data.length);
    for (let i = 0; i < x.data.length; i++) {
      const v = x.data[i]!;
      if (v > 0) {
        y.data[i] = v;
        this.mask[i] = 1;
      }
    }
    return y;
  }

  backward(dy: Batch): Batch {
    const dx = batch(dy.rows, dy.cols);
    for (let i = 0; i < dy.data.length; i++) if (this.mask![i]) dx.data[i] = dy.data[i]!;
    return dx;
  }

  params(): Param[] {
    return [];
  }
}

/** tanh(scale * x). Hashing heads train with a rising scale, so the relaxed code tends to sign(x). */
export class ScaledTanh implements Layer {
  scale: number;
  private output: Batch | null = null;

  constructor(scale = 1) {
    this.scale = scale;
  }

  forward(x: Batch): Batch {
    const y = batch(x.rows, x.cols);
    for (let i = 0; i < x.data.length; i++) y.data[i] = Math.tanh(this.scale * x.data[i]!);
    this.output = y;
    return y;
  }

  backward(dy: Batch): Batch {
    const y = this.output!;
    const dx = batch(dy.rows, dy.cols);
    for (let i = 0; i < dy.data.length; i++) dx.data[i] = dy.data[i]! * this.scale * (1 - y.data[i]! ** 2);
    return dx;
  }

  params(): Param[] {
    return [];
  }
}

/** Inverted dropout: active only in training. */
export class Dropout implements Layer {
  readonly rate: number;
  private readonly rng: Rng;
  private mask: Float32Array | null = null;

  constructor(rate: number, rng: Rng) {
    this.rate = rate;
    this.rng = rng;
  }

  forward(x: Batch, training = false): Batch {
    if (!training || this.rate === 0) {
      this.mask = null;
      return x;
    }
    const y = batch(x.rows, x.cols);
    this.mask = new Float32Array(x.data.length);
    const keep = 1 - this.rate;
    for (let i = 0; i < x.data.length; i++) {
      if (this.rng.next() < keep) {
        this.mask[i] = 1 / keep;
        y.data[i] = x.data[i]! / keep;
      }
    }
    return y;
  }

  backward(dy: Batch): Batch {
    if (!this.mask) return dy;
    const dx = batch(dy.rows, dy.cols);
    for (let i = 0; i < dy.data.length; i++) dx.data[i] = dy.data[i]! * this.mask[i]!;
    return dx;
  }

  params(): Param[] {
    return [];
  }
}

export class Sequential implements Layer {
  readonly layers: Layer[];

  constructor(layers: Layer[]) {
    this.layers = layers;
  }

  forward(x: Batch, training = false): Batch {
    return this.layers.reduce((h, l) => l.forward(h, training), x);
  }

  backward(dy: Batch): Batch {
    return this.layers.reduceRight((g, l) => l.backward(g), dy);
  }

  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }
}

export function zeroGrads(params: readonly Param[]): void {
  for (const p of params) p.grad.fill(0);
}

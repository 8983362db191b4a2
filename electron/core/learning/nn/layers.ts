// Layers with hand-written gradients (checked against finite differences in the tests). Each layer keeps
// what its backward pass needs from the last forward pass, so call forward, then backward, once per step.
import type { Batch } from './tensor.ts';
import { batch } from './tensor.ts';
import type { Rng } from './rng.ts';
import { matmulTransA, matmulTransB, transpose } from './matmul.ts';

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
  /** False for a first layer over fixed features: backward then skips dx (a third of the work) and returns zeros. */
  readonly inputGrad: boolean;
  private input: Batch | null = null;

  constructor(inDim: number, outDim: number, rng: Rng, options: { bias?: boolean; name?: string; inputGrad?: boolean } = {}) {
    this.inDim = inDim;
    this.outDim = outDim;
    this.inputGrad = options.inputGrad ?? true;
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
    return batch(x.rows, this.outDim, matmulTransB(x.data, x.rows, this.inDim, this.weight.value, this.outDim, { bias: this.bias?.value }));
  }

  backward(dy: Batch): Batch {
    const x = this.input;
    if (!x) throw new Error('backward before forward');
    const gb = this.bias?.grad;
    if (gb) {
      for (let r = 0; r < dy.rows; r++) {
        const yo = r * this.outDim;
        for (let o = 0; o < this.outDim; o++) gb[o]! += dy.data[yo + o]!;
      }
    }
    // dW += dy^T x; dx = dy W = (dy^T)^T W (see matmul.ts).
    matmulTransA(dy.data, x.rows, this.outDim, x.data, this.inDim, { out: this.weight.grad, accumulate: true });
    if (!this.inputGrad) return batch(x.rows, this.inDim);
    return batch(x.rows, this.inDim, matmulTransA(transpose(dy.data, x.rows, this.outDim), this.outDim, x.rows, this.weight.value, this.inDim));
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

// Adam with decoupled weight decay, and an optional pull towards anchor values: fine-tuning a person's
// copy of a network is regularised towards the general model, so a few judgements cannot wreck it.
import type { Param } from './layers.ts';

export interface AdamOptions {
  lr?: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** Strength of 0.5 * k * ||value - anchor||^2 added to the loss. */
  anchorStrength?: number;
  /** Anchor values, one per parameter in the same order (see snapshot). */
  anchors?: Float32Array[];
}

export class Adam {
  private readonly params: Param[];
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private t = 0;
  lr: number;
  private readonly o: Required<Omit<AdamOptions, 'anchors'>> & { anchors?: Float32Array[] };

  constructor(params: Param[], options: AdamOptions = {}) {
    this.params = params;
    this.m = params.map((p) => new Float32Array(p.value.length));
    this.v = params.map((p) => new Float32Array(p.value.length));
    this.o = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, anchorStrength: 0, ...options };
    this.lr = this.o.lr;
  }

  step(): void {
    this.t++;
    const { beta1, beta2, eps, weightDecay, anchorStrength, anchors } = this.o;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    this.params.forEach((p, k) => {
      const m = this.m[k]!;
      const v = this.v[k]!;
      const anchor = anchorStrength > 0 ? anchors?.[k] : undefined;
      for (let i = 0; i < p.value.length; i++) {
        let g = p.grad[i]!;
        if (anchor) g += anchorStrength * (p.value[i]! - anchor[i]!);
        m[i] = beta1 * m[i]! + (1 - beta1) * g;
        v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
        p.value[i]! -= this.lr * ((m[i]! / c1) / (Math.sqrt(v[i]! / c2) + eps) + weightDecay * p.value[i]!);
      }
    });
  }
}

/** Copies of parameter values, in order: an anchor for Adam, or a snapshot to restore the best epoch. */
export function snapshot(params: readonly Param[]): Float32Array[] {
  return params.map((p) => p.value.slice());
}

export function restore(params: readonly Param[], values: readonly Float32Array[]): void {
  params.forEach((p, i) => {
    const v = values[i];
    if (!v || v.length !== p.value.length) throw new Error(`saved values do not fit ${p.name}`);
    p.value.set(v);
  });
}

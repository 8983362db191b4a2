// Losses with their gradients. Every loss is the mean over the batch.
import type { Batch } from './tensor.ts';
import { batch } from './tensor.ts';

export interface LossResult {
  loss: number;
  grad: Batch;
}

/** Softmax cross-entropy of logits against integer labels; optional per-row weights (0 drops a row). */
export function softmaxCrossEntropy(logits: Batch, labels: ArrayLike<number>, weights?: ArrayLike<number>, labelSmoothing = 0): LossResult {
  const { rows, cols } = logits;
  const grad = batch(rows, cols);
  let loss = 0;
  let total = 0;
  for (let r = 0; r < rows; r++) total += weights ? weights[r]! : 1;
  if (total === 0) return { loss: 0, grad };
  for (let r = 0; r < rows; r++) {
    const w = (weights ? weights[r]! : 1) / total;
    if (w === 0) continue;
    const o = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, logits.data[o + c]!);
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.exp(logits.data[o + c]! - max);
    const logSum = Math.log(sum) + max;
    const label = labels[r]!;
    for (let c = 0; c < cols; c++) {
      const target = (c === label ? 1 - labelSmoothing : 0) + labelSmoothing / cols;
      const p = Math.exp(logits.data[o + c]! - logSum);
      loss -= w * target * (logits.data[o + c]! - logSum);
      grad.data[o + c] = w * (p - target);
    }
  }
  return { loss, grad };
}

/**
 * Pairwise ranking loss on score differences d = s(positive) - s(negative): softplus(-d), i.e. BPR
 * (-log sigmoid d), which is also Fashion Hash Net's soft-margin loss. Returns d(loss)/d(d) per pair.
 */
export function pairwiseRanking(diffs: Float32Array): { loss: number; grad: Float32Array } {
  const n = diffs.length;
  const grad = new Float32Array(n);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const d = diffs[i]!;
    loss += d > 0 ? Math.log1p(Math.exp(-d)) : -d + Math.log1p(Math.exp(d));
    grad[i] = -1 / (1 + Math.exp(d)) / n;
  }
  return { loss: loss / n, grad };
}

export function softmax(logits: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  const out = new Float32Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i]! - max);
  for (let i = 0; i < out.length; i++) out[i]! /= sum;
  return out;
}

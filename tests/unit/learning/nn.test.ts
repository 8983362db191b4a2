// The hand-written gradients against central finite differences (float64 arithmetic is not available in
// Float32Array, so tolerances are relative and the steps moderate).
import { describe, expect, it } from 'vitest';
import { Dense, Dropout, Relu, ScaledTanh, Sequential, zeroGrads } from '../../../electron/core/learning/nn/layers.ts';
import type { Layer, Param } from '../../../electron/core/learning/nn/layers.ts';
import { pairwiseRanking, softmaxCrossEntropy } from '../../../electron/core/learning/nn/losses.ts';
import { Adam, restore, snapshot } from '../../../electron/core/learning/nn/adam.ts';
import { trainWithEarlyStopping } from '../../../electron/core/learning/nn/early-stopping.ts';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';
import { batch } from '../../../electron/core/learning/nn/tensor.ts';
import type { Batch } from '../../../electron/core/learning/nn/tensor.ts';

function randomBatch(rng: Rng, rows: number, cols: number): Batch {
  const b = batch(rows, cols);
  for (let i = 0; i < b.data.length; i++) b.data[i] = rng.normal();
  return b;
}

/** Loss = sum(w .* f(x)) for fixed random w, so every output's gradient is exercised. */
function checkGradients(net: Layer, x: Batch, rng: Rng) {
  const y0 = net.forward(x, false);
  const w = randomBatch(rng, y0.rows, y0.cols);
  const lossOf = () => net.forward(x, false).data.reduce((s, v, i) => s + v * w.data[i]!, 0);
  zeroGrads(net.params());
  net.forward(x, false);
  const dx = net.backward(w);
  const h = 1e-2;
  const worst = { param: 0, input: 0 };
  const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-2, Math.abs(a) + Math.abs(b));
  for (const p of net.params()) {
    for (let k = 0; k < 20; k++) {
      const i = rng.int(p.value.length);
      const old = p.value[i]!;
      p.value[i] = old + h;
      const up = lossOf();
      p.value[i] = old - h;
      const down = lossOf();
      p.value[i] = old;
      worst.param = Math.max(worst.param, rel((up - down) / (2 * h), p.grad[i]!));
    }
  }
  for (let k = 0; k < 20; k++) {
    const i = rng.int(x.data.length);
    const old = x.data[i]!;
    x.data[i] = old + h;
    const up = lossOf();
    x.data[i] = old - h;
    const down = lossOf();
    x.data[i] = old;
    worst.input = Math.max(worst.input, rel((up - down) / (2 * h), dx.data[i]!));
  }
  return worst;
}

describe('layers: gradients match finite differences', () => {
  it('dense -> relu -> dense -> scaled tanh', () => {
    const rng = new Rng(1);
    const net = new Sequential([new Dense(7, 5, rng), new Relu(), new Dense(5, 4, rng, { bias: false }), new ScaledTanh(0.7)]);
    const worst = checkGradients(net, randomBatch(rng, 3, 7), rng);
    expect(worst.param).toBeLessThan(2e-2);
    expect(worst.input).toBeLessThan(2e-2);
  });

  it('softmax cross-entropy and the pairwise ranking loss', () => {
    const rng = new Rng(2);
    const logits = randomBatch(rng, 4, 6);
    const labels = [0, 5, 2, 2];
    const { grad } = softmaxCrossEntropy(logits, labels, undefined, 0.1);
    const h = 1e-2;
    for (let i = 0; i < logits.data.length; i++) {
      const old = logits.data[i]!;
      logits.data[i] = old + h;
      const up = softmaxCrossEntropy(logits, labels, undefined, 0.1).loss;
      logits.data[i] = old - h;
      const down = softmaxCrossEntropy(logits, labels, undefined, 0.1).loss;
      logits.data[i] = old;
      expect(grad.data[i]).toBeCloseTo((up - down) / (2 * h), 3);
    }
    const d = Float32Array.from([-3, -0.5, 0, 0.5, 40, -40]);
    const r = pairwiseRanking(d);
    expect(Number.isFinite(r.loss)).toBe(true);
    for (let i = 0; i < d.length; i++) {
      const old = d[i]!;
      d[i] = old + h;
      const up = pairwiseRanking(d).loss;
      d[i] = old - h;
      const down = pairwiseRanking(d).loss;
      d[i] = old;
      expect(r.grad[i]).toBeCloseTo((up - down) / (2 * h), 3);
    }
  });

  it('dropout is the identity at inference and scales kept units in training', () => {
    const rng = new Rng(3);
    const x = randomBatch(rng, 2, 1000);
    const drop = new Dropout(0.5, rng);
    expect(drop.forward(x, false)).toBe(x);
    const y = drop.forward(x, true);
    const kept = y.data.filter((v) => v !== 0).length;
    expect(kept).toBeGreaterThan(800);
    expect(kept).toBeLessThan(1200);
    y.data.forEach((v, i) => v !== 0 && expect(v).toBeCloseTo(x.data[i]! * 2, 4));
  });
});

describe('training', () => {
  it('is reproducible from a seed', () => {
    const a = new Dense(4, 3, new Rng(42));
    const b = new Dense(4, 3, new Rng(42));
    expect(a.weight.value).toEqual(b.weight.value);
    expect(new Rng(7).shuffle([1, 2, 3, 4, 5, 6])).toEqual(new Rng(7).shuffle([1, 2, 3, 4, 5, 6]));
  });

  it('learns a separable problem with Adam, minibatches and early stopping', () => {
    const rng = new Rng(5);
    const n = 400;
    const x = randomBatch(rng, n, 2);
    const labels = Array.from({ length: n }, (_, i) => (x.data[i * 2]! * x.data[i * 2 + 1]! > 0 ? 1 : 0)); // XOR of signs
    const net = new Sequential([new Dense(2, 16, rng), new Relu(), new Dense(16, 2, rng)]);
    const opt = new Adam(net.params(), { lr: 0.02 });
    const accuracy = () => {
      const y = net.forward(x);
      let right = 0;
      for (let i = 0; i < n; i++) right += Number((y.data[i * 2 + 1]! > y.data[i * 2]! ? 1 : 0) === labels[i]);
      return right / n;
    };
    const { best } = trainWithEarlyStopping({
      params: net.params(),
      maxEpochs: 200,
      patience: 30,
      runEpoch: () => {
        zeroGrads(net.params());
        const { loss, grad } = softmaxCrossEntropy(net.forward(x, true), labels);
        net.backward(grad);
        opt.step();
        return loss;
      },
      validate: accuracy,
    });
    expect(best).toBeGreaterThan(0.95);
    expect(accuracy()).toBe(best);
  });

  it('an anchor keeps fine-tuned weights near where they started', () => {
    const rng = new Rng(9);
    const run = (anchorStrength: number) => {
      const layer = new Dense(3, 1, new Rng(1));
      const start = snapshot(layer.params());
      const opt = new Adam(layer.params(), { lr: 0.05, anchorStrength, anchors: start });
      const x = randomBatch(rng, 8, 3);
      for (let s = 0; s < 200; s++) {
        zeroGrads(layer.params());
        const y = layer.forward(x);
        layer.backward(batch(y.rows, 1, y.data.map(() => -1))); // push outputs up forever
        opt.step();
      }
      const moved = layer.params().reduce((s, p: Param, k) => s + p.value.reduce((t, v, i) => t + (v - start[k]![i]!) ** 2, 0), 0);
      restore(layer.params(), start);
      return Math.sqrt(moved);
    };
    expect(run(10)).toBeLessThan(run(0) / 3);
  });
});

// The ONNX writer as the exporters of trained dense layers will use it: a Gemm + Relu graph with a free
// batch dimension, run by onnxruntime-node.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from '../../../electron/core/onnx/graph-builder.ts';

describe('OnnxGraphBuilder', () => {
  it('writes a dense layer that onnxruntime runs with any batch size', async () => {
    const g = new OnnxGraphBuilder({ graphName: 'dense' });
    g.input('x', 'float', ['N', 3]);
    // weights stored [out, in] as a trained layer keeps them; transB makes Gemm compute x * W^T
    g.initializer('w', [2, 3], Float32Array.of(1, 0, -1, 0.5, 0.5, 0.5));
    g.initializer('b', [2], Float32Array.of(0, -1));
    g.node('Gemm', ['x', 'w', 'b'], ['pre'], { transB: { int: 1 }, alpha: { float: 2 } });
    g.node('Relu', ['pre'], ['y']);
    g.output('y', 'float', ['N', 2]);
    g.metadata('trained_on', 'unit test');

    const session = await ort.InferenceSession.create(g.toBytes());
    const x = new ort.Tensor('float32', Float32Array.of(1, 2, 3, 3, 2, 1), [2, 3]);
    const y = (await session.run({ x })).y!;
    expect(y.dims).toEqual([2, 2]);
    // row 1: 2*(1-3)=-4 -> 0, 2*3-1=5; row 2: 2*(3-1)=4, 5
    expect(Array.from(y.data as Float32Array)).toEqual([0, 5, 4, 5]);
  });

  it('catches values used before they are defined, defined twice, or outputs never produced', () => {
    const g = new OnnxGraphBuilder({ graphName: 'bad' });
    g.input('x', 'float', [1]);
    expect(() => g.node('Relu', ['missing'], ['y'])).toThrow('reads "missing", which is not defined yet');
    expect(() => g.initializer('x', [1], Float32Array.of(0))).toThrow('defined twice');
    expect(() => g.initializer('w', [2, 2], Float32Array.of(0))).toThrow('hold 4 values');
    expect(() => g.output('nowhere', 'float', [1])).toThrow('not produced');
  });

  it('hands out names that never collide', () => {
    const g = new OnnxGraphBuilder({ graphName: 'names' });
    g.input('a', 'float', [1]);
    const first = g.uniqueName('a');
    const second = g.uniqueName('a');
    expect(new Set(['a', first, second]).size).toBe(3);
  });
});

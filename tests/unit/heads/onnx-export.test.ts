// The exported ONNX graph computes what the TypeScript forward pass computes, within 1e-5, at the real
// sizes (two 1280-d embeddings, 512-wide type members, 128-bit hashing heads), for a model with random weights.
// The weights are stored as float16: the TypeScript side holds the same rounded values, so the tolerance
// stays 1e-5, and ONNX Runtime folds the Casts away when the session loads (nothing is widened per run).
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { ItemHeads, exportItemHeads } from '../../../electron/core/heads/item-heads.ts';
import { HEADS_IO } from '../../../electron/core/heads/files.ts';
import { TypeMember } from '../../../electron/core/heads/type-head.ts';
import { HashHead } from '../../../electron/core/heads/hash-head.ts';
import { COARSE_TYPES, FINE_LABELS } from '../../../electron/core/heads/labels.ts';
import { Standardize } from '../../../electron/core/learning/nn/standardize.ts';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';
import { batch } from '../../../electron/core/learning/nn/tensor.ts';
import { tempDir } from '../../helpers/kit.ts';

function randomHeads(seed: number): ItemHeads {
  const rng = new Rng(seed);
  const dim = 1280;
  const std = new Standardize(Float32Array.from({ length: dim }, () => rng.next()), Float32Array.from({ length: dim }, () => 0.5 + rng.next()));
  const centre = new Standardize(Float32Array.from({ length: dim }, () => rng.next()), Float32Array.from({ length: dim }, () => 0.5 + rng.next()));
  const members = [0, 1, 2].map((i) => new TypeMember(2 * dim, 512, FINE_LABELS.length, rng, { inputDropout: 0.2, dropout: 0.5 }, `m${i}`));
  for (const m of members) for (const p of m.net.params()) if (p.name.endsWith('bias')) p.value.forEach((_, j) => (p.value[j] = rng.normal() * 0.1));
  const hash = COARSE_TYPES.map((t) => new HashHead(dim, { bits: 128, hidden: 256 }, rng, t));
  const heads = new ItemHeads(std, centre, members, hash);
  heads.roundWeightsToHalf();
  return heads;
}

describe('item heads exported to ONNX', () => {
  it('onnxruntime gives the TypeScript forward pass within 1e-5', async () => {
    const heads = randomHeads(1);
    const session = await ort.InferenceSession.create(exportItemHeads(heads));
    const rng = new Rng(2);
    const n = 9;
    // Backbone embeddings are non-negative, mostly below 6.
    const embedding = () => batch(n, 1280, Float32Array.from({ length: n * 1280 }, () => (rng.next() < 0.4 ? 0 : rng.next() * 3)));
    const x = embedding();
    const c = embedding();
    const out = await session.run({ [HEADS_IO.input]: new ort.Tensor('float32', x.data, [n, 1280]), [HEADS_IO.centre]: new ort.Tensor('float32', c.data, [n, 1280]) });
    const ts = heads.forward(x, c);
    const fine = out[HEADS_IO.fine]!;
    const coarse = out[HEADS_IO.coarse]!;
    const hash = out[HEADS_IO.hash]!;
    expect(fine.dims).toEqual([n, FINE_LABELS.length]);
    expect(coarse.dims).toEqual([n, COARSE_TYPES.length]);
    expect(hash.dims).toEqual([n, COARSE_TYPES.length * 128]);
    const worst = (onnx: Float32Array, mine: Float32Array) => onnx.reduce((w, v, i) => Math.max(w, Math.abs(v - mine[i]!) / Math.max(1, Math.abs(mine[i]!))), 0);
    expect(worst(fine.data as Float32Array, ts.fine.data)).toBeLessThan(1e-5);
    expect(worst(coarse.data as Float32Array, ts.coarse.data)).toBeLessThan(1e-5);
    // Hash pre-activations are not bounded: within 1e-5 of their magnitude (and at least 1e-5 absolute).
    expect(worst(hash.data as Float32Array, ts.hash.data)).toBeLessThan(1e-5);
    // Probabilities: rows sum to one, coarse is fine summed per type.
    for (let r = 0; r < n; r++) expect((coarse.data as Float32Array).subarray(r * 7, r * 7 + 7).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    await session.release();
  });

  it('stores the weights as float16, refuses weights that are not, and the loaded session has no Casts left', async () => {
    const heads = randomHeads(3);
    const bytes = exportItemHeads(heads);
    const weights = heads.denseLayers().reduce((n, l) => n + l.weight.value.length, 0);
    expect(weights).toBeGreaterThan(5e6);
    expect(bytes.length).toBeLessThan(weights * 2 + 1e6);
    const casts = (model: Uint8Array) => (onnxProto.onnx.ModelProto.decode(model).graph?.node ?? []).filter((n) => n.opType === 'Cast');
    expect(casts(bytes)).toHaveLength(heads.denseLayers().length);

    const optimised = path.join(tempDir(), 'optimised.onnx');
    const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', optimizedModelFilePath: optimised, logSeverityLevel: 3 });
    await session.release();
    expect(casts(fs.readFileSync(optimised))).toEqual([]);

    heads.typeMembers[0]!.hidden.weight.value[7] = 0.1;
    expect(() => exportItemHeads(heads)).toThrow(/float16/);
  });
});

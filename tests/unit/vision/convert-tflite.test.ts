// Converts the real MobileNetV2 TFLite file and checks the ONNX result against outputs of the original
// model in a reference TFLite runtime (team kit: models/reference).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ByteBuffer } from 'flatbuffers';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertTfliteToOnnx } from '../../../electron/core/vision/tflite/convert.ts';
import { tfPadding } from '../../../electron/core/vision/tflite/padding.ts';
import type { TfliteTensor } from '../../../electron/core/vision/tflite/reader.ts';
import { BuiltinOperator, Padding, TensorType } from '../../../electron/core/vision/tflite/schema.ts';
import { dequantize } from '../../../electron/core/vision/tflite/tensor-data.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const mirror = path.resolve(repoRoot, process.env.STYLIST_MODEL_MIRROR ?? '../shared/models');
const tflitePath = path.join(mirror, 'mobilenet_v2_1.0_224_quant.tflite');
const referenceDir = path.join(mirror, 'reference');
const IMAGE_BYTES = 224 * 224 * 3;
// Without the team kit these tests cannot run; on CI its absence is a failure, not a skip.
const haveKit = existsSync(tflitePath) && existsSync(path.join(referenceDir, 'reference.json'));
if (!haveKit) console.warn(`convert-tflite: no model at ${tflitePath} (set STYLIST_MODEL_MIRROR); skipping`);

interface Reference {
  top5: [number, number][];
  probs: number[];
}

describe.skipIf(!haveKit && !process.env.CI)('TFLite MobileNetV2 -> ONNX', () => {
  let tflite: Uint8Array;
  let session: ort.InferenceSession;
  let reference: Record<string, Reference>;
  let ids: string[];
  let probs: Float32Array;
  let embedding: Float32Array;
  let centre: Float32Array;
  let onnxModel: Uint8Array;
  let batch: Uint8Array;

  beforeAll(async () => {
    tflite = readFileSync(tflitePath);
    reference = JSON.parse(readFileSync(path.join(referenceDir, 'reference.json'), 'utf8')) as Record<string, Reference>;
    ids = Object.keys(reference).sort();

    let start = performance.now();
    const onnxBytes = (onnxModel = convertTfliteToOnnx(tflite));
    const convertMs = performance.now() - start;
    start = performance.now();
    session = await ort.InferenceSession.create(onnxBytes, { executionProviders: ['cpu'] });
    const loadMs = performance.now() - start;

    batch = new Uint8Array(ids.length * IMAGE_BYTES);
    ids.forEach((id, i) => batch.set(readImage(id), i * IMAGE_BYTES));
    start = performance.now();
    const out = await session.run({ image: new ort.Tensor('uint8', batch, [ids.length, 224, 224, 3]) });
    const runMs = performance.now() - start;
    probs = out.probs!.data as Float32Array;
    embedding = out.embedding!.data as Float32Array;
    centre = out.centre!.data as Float32Array;
    expect(out.probs!.dims).toEqual([ids.length, 1001]);
    expect(out.embedding!.dims).toEqual([ids.length, 1280]);
    console.log(
      `conversion ${convertMs.toFixed(0)} ms (${(onnxBytes.length / 1e6).toFixed(1)} MB ONNX), session load ${loadMs.toFixed(0)} ms, ` +
        `first inference ${runMs.toFixed(0)} ms for a batch of ${ids.length} images (${(runMs / ids.length).toFixed(1)} ms/image, CPU)`,
    );
  });

  function readImage(id: string): Uint8Array {
    const bytes = readFileSync(path.join(referenceDir, 'inputs', `${id}.rgb`));
    expect(bytes.length).toBe(IMAGE_BYTES);
    return bytes;
  }

  it('agrees with the reference TFLite runtime on every image (top-1, top-5 overlap, cosine)', () => {
    const rows = ids.map((id, i) => {
      const ours = probs.subarray(i * 1001, (i + 1) * 1001);
      const ref = reference[id]!;
      const ourTop5 = topK(ours, 5);
      const refTop5 = ref.top5.map(([cls]) => cls);
      return {
        id,
        top1: ourTop5[0],
        refTop1: refTop5[0],
        top5Shared: ourTop5.filter((c) => refTop5.includes(c)).length,
        cosine: cosine(ours, ref.probs),
      };
    });
    console.log(['image                                 top1 ref  top5-shared cosine', ...rows.map((r) => `${r.id} ${String(r.top1).padStart(4)} ${String(r.refTop1).padStart(4)} ${r.top5Shared}/5 ${r.cosine.toFixed(4)}`)].join('\n'));
    for (const r of rows) {
      expect(r.top1, `top-1 of ${r.id}`).toBe(r.refTop1);
      expect(r.top5Shared, `top-5 overlap of ${r.id}`).toBeGreaterThanOrEqual(4);
      expect(r.cosine, `cosine of ${r.id}`).toBeGreaterThanOrEqual(0.98);
    }
  });

  it('outputs a 1280-d non-negative pooled embedding per image', () => {
    expect(embedding.length).toBe(ids.length * 1280);
    expect(embedding.every(Number.isFinite)).toBe(true);
    // a mean of ReLU6 outputs lies in [0, 6]
    expect(Math.min(...embedding)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...embedding)).toBeLessThanOrEqual(6);
    for (let i = 0; i < ids.length; i++) expect(embedding.subarray(i * 1280, (i + 1) * 1280).some((v) => v > 0)).toBe(true);
  });

  it('outputs as `centre` the mean of the last feature map over its central 5x5 of 7x7 cells', async () => {
    // The feature map the embedding pools, read out of the same graph as an extra output, and averaged here.
    const { onnx } = onnxProto;
    const model = onnx.ModelProto.decode(onnxModel);
    const pool = model.graph!.node!.find((n) => n.opType === 'GlobalAveragePool' && model.graph!.node!.some((m) => m.opType === 'Flatten' && m.input![0] === n.output![0] && m.output![0] === 'embedding'))!;
    const mapName = pool.input![0]!;
    model.graph!.output!.push(onnx.ValueInfoProto.create({ name: mapName, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } }));
    const withMap = await ort.InferenceSession.create(onnx.ModelProto.encode(model).finish(), { executionProviders: ['cpu'] });
    const out = await withMap.run({ image: new ort.Tensor('uint8', batch, [ids.length, 224, 224, 3]) });
    const map = out[mapName]!;
    expect(map.dims).toEqual([ids.length, 1280, 7, 7]);
    const cells = map.data as Float32Array;
    let largest = 0;
    for (let i = 0; i < ids.length; i++) {
      for (let c = 0; c < 1280; c++) {
        let sum = 0;
        for (let y = 1; y <= 5; y++) for (let x = 1; x <= 5; x++) sum += cells[((i * 1280 + c) * 7 + y) * 7 + x]!;
        largest = Math.max(largest, Math.abs(sum / 25 - centre[i * 1280 + c]!));
      }
    }
    expect(largest).toBeLessThan(1e-5);
    // and it is not the embedding again: the border cells it leaves out matter
    expect(centre.some((v, k) => Math.abs(v - embedding[k]!) > 0.05)).toBe(true);
    await withMap.release();
  });

  it('gives the same result for a single image as inside a batch (free batch dimension)', async () => {
    const start = performance.now();
    const out = await session.run({ image: new ort.Tensor('uint8', readImage(ids[3]!), [1, 224, 224, 3]) });
    console.log(`inference of one image after warm-up: ${(performance.now() - start).toFixed(1)} ms (CPU)`);
    const alone = out.embedding!.data as Float32Array;
    const inBatch = embedding.subarray(3 * 1280, 4 * 1280);
    for (let k = 0; k < 1280; k++) expect(alone[k]).toBeCloseTo(inBatch[k]!, 4);
  });

  it('refuses an unsupported operator by name', () => {
    const patched = patchOperatorCode(tflite, BuiltinOperator.AVERAGE_POOL_2D, BuiltinOperator.FULLY_CONNECTED);
    expect(() => convertTfliteToOnnx(patched)).toThrow('unsupported TFLite operator: FULLY_CONNECTED (opcode 9)');
  });
});

describe('TFLite conversion helpers', () => {
  it('puts the odd SAME padding pixel at the bottom/right, like TensorFlow', () => {
    expect(tfPadding(Padding.SAME, { inH: 224, inW: 224, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2 })).toEqual({ pads: [0, 0, 1, 1], outH: 112, outW: 112 });
    expect(tfPadding(Padding.SAME, { inH: 7, inW: 7, kernelH: 3, kernelW: 3, strideH: 1, strideW: 1 })).toEqual({ pads: [1, 1, 1, 1], outH: 7, outW: 7 });
    expect(tfPadding(Padding.VALID, { inH: 7, inW: 7, kernelH: 7, kernelW: 7, strideH: 1, strideW: 1 })).toEqual({ pads: [0, 0, 0, 0], outH: 1, outW: 1 });
  });

  it('dequantizes per channel along quantized_dimension', () => {
    const tensor: TfliteTensor = {
      index: 0,
      name: 'w',
      shape: [2, 3],
      type: TensorType.INT8,
      data: new Uint8Array(Int8Array.of(1, 2, 3, -1, -2, -3).buffer),
      quantization: { scale: Float32Array.of(0.5, 2), zeroPoint: [1, 0], quantizedDimension: 0 },
    };
    expect(Array.from(dequantize(tensor))).toEqual([0, 0.5, 1, -2, -4, -6]);
  });
});

function topK(values: Float32Array, k: number): number[] {
  return [...values.keys()].sort((a, b) => values[b]! - values[a]!).slice(0, k);
}

function cosine(a: Float32Array, b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

/**
 * A copy of the model with every operator code `from` rewritten to `to`, in both OperatorCode fields
 * (deprecated_builtin_code:byte, slot 0, and builtin_code:int, slot 3) where present.
 */
function patchOperatorCode(bytes: Uint8Array, from: number, to: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  const bb = new ByteBuffer(copy);
  const model = bb.readInt32(0);
  const field = (table: number, slot: number): number => {
    const rel = bb.__offset(table, 4 + 2 * slot);
    return rel ? table + rel : 0;
  };
  const codes = field(model, 1);
  const start = bb.__vector(codes);
  let patched = 0;
  for (let i = 0; i < bb.__vector_len(codes); i++) {
    const code = bb.__indirect(start + 4 * i);
    const byteField = field(code, 0);
    const intField = field(code, 3);
    const current = Math.max(byteField ? bb.readInt8(byteField) : 0, intField ? bb.readInt32(intField) : 0);
    if (current !== from) continue;
    if (byteField) bb.writeInt8(byteField, to);
    if (intField) bb.writeInt32(intField, to);
    patched++;
  }
  expect(patched).toBe(1);
  return copy;
}

// convertTfliteToOnnx's inputSide option on the real MobileNetV2 TFLite file (team kit: models/, found as in
// convert-tflite.test.ts): the default graph computes what the 224-only converter did, and a larger side
// pools and slices the larger last feature map, with the same explicit pads still right there.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { readOnnxModelInfo } from '../../../electron/core/onnx/model-info.ts';
import { convertTfliteToOnnx } from '../../../electron/core/vision/tflite/convert.ts';

const { onnx } = onnxProto;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const mirror = path.resolve(repoRoot, process.env.STYLIST_MODEL_MIRROR ?? '../shared/models');
const tflitePath = path.join(mirror, 'mobilenet_v2_1.0_224_quant.tflite');
const inputsDir = path.join(mirror, 'reference', 'inputs');
const haveKit = existsSync(tflitePath) && existsSync(inputsDir);
const OWN = 224;
const C = 1280;

describe.skipIf(!haveKit && !process.env.CI)('TFLite -> ONNX at another input side', () => {
  let tflite: Uint8Array;
  let images224: Uint8Array[];

  beforeAll(() => {
    tflite = readFileSync(tflitePath);
    images224 = readdirSync(inputsDir)
      .filter((f) => f.endsWith('.rgb'))
      .sort()
      .map((f) => readFileSync(path.join(inputsDir, f)));
    expect(images224.length).toBeGreaterThan(0);
  });

  it('by default (and at inputSide 224) computes what the 224-only converter did: a 7x7 AveragePool, same outputs', async () => {
    const onnxBytes = convertTfliteToOnnx(tflite);
    expect(Buffer.from(convertTfliteToOnnx(tflite, { inputSide: OWN })).equals(Buffer.from(onnxBytes))).toBe(true);
    expect(readOnnxModelInfo(onnxBytes).inputs[0]!.dims).toEqual(['N', OWN, OWN, 3]);
    // The previous converter's graph: the same one with the global pool written as a 7x7 AveragePool.
    const previous = edit(onnxBytes, (graph) => {
      const pool = globalPoolNode(graph);
      pool.opType = 'AveragePool';
      pool.attribute = [ints('kernel_shape', [7, 7]), ints('strides', [1, 1]), ints('pads', [0, 0, 0, 0]), int('count_include_pad', 0)];
    });
    const batch = stack(images224, OWN);
    const [now, before] = await Promise.all([run(onnxBytes, batch), run(previous, batch)]);
    for (const name of ['embedding', 'probs', 'centre']) {
      expect(now[name]!.dims).toEqual(before[name]!.dims);
      expect(maxAbsDiff(now[name]!.data as Float32Array, before[name]!.data as Float32Array), name).toBeLessThan(1e-6);
    }
  });

  describe('at inputSide 288', () => {
    const SIDE = 288;
    let onnxBytes: Uint8Array;
    let batch: ort.Tensor;

    beforeAll(async () => {
      onnxBytes = convertTfliteToOnnx(tflite, { inputSide: SIDE });
      const resized = await Promise.all(
        images224.map(async (rgb) => new Uint8Array(await sharp(rgb, { raw: { width: OWN, height: OWN, channels: 3 } }).resize(SIDE, SIDE, { fit: 'fill' }).raw().toBuffer())),
      );
      batch = stack(resized, SIDE);
    });

    it('declares a [N,288,288,3] input and still a 1280-d embedding and centre', () => {
      const info = readOnnxModelInfo(onnxBytes);
      expect(info.inputs.map((v) => [v.name, v.dims])).toEqual([['image', ['N', SIDE, SIDE, 3]]]);
      expect(Object.fromEntries(info.outputs.map((v) => [v.name, v.dims]))).toEqual({ embedding: ['N', C], probs: ['N', 1001], centre: ['N', C] });
    });

    it('pools all 9x9 cells of the last feature map into `embedding` and the central 7x7 into `centre`', async () => {
      // The map the embedding pools, read out of the same graph as an extra output, and averaged here.
      let mapName = '';
      const withMap = edit(onnxBytes, (graph) => {
        mapName = globalPoolNode(graph).input![0]!;
        graph.output!.push(onnx.ValueInfoProto.create({ name: mapName, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } }));
      });
      const out = await run(withMap, batch);
      const n = images224.length;
      expect(out[mapName]!.dims).toEqual([n, C, 9, 9]);
      const cells = out[mapName]!.data as Float32Array;
      // margin round(9 * 0.15) = 1: rows and columns 1..7
      const mean = (i: number, c: number, from: number, to: number) => {
        let sum = 0;
        for (let y = from; y < to; y++) for (let x = from; x < to; x++) sum += cells[((i * C + c) * 9 + y) * 9 + x]!;
        return sum / (to - from) ** 2;
      };
      const embedding = out.embedding!.data as Float32Array;
      const centre = out.centre!.data as Float32Array;
      let [embeddingErr, centreErr, centreVsAll] = [0, 0, 0];
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < C; c++) {
          embeddingErr = Math.max(embeddingErr, Math.abs(mean(i, c, 0, 9) - embedding[i * C + c]!));
          centreErr = Math.max(centreErr, Math.abs(mean(i, c, 1, 8) - centre[i * C + c]!));
          centreVsAll = Math.max(centreVsAll, Math.abs(centre[i * C + c]! - embedding[i * C + c]!));
        }
      }
      expect(embeddingErr).toBeLessThan(1e-5);
      expect(centreErr).toBeLessThan(1e-5);
      // the border the centre leaves out matters, so a wrong slice would show
      expect(centreVsAll).toBeGreaterThan(0.05);
    });

    it("keeps the pads computed on the TFLite's 224 shapes right at 288 (same outputs as TensorFlow SAME padding computed by the runtime)", async () => {
      // SAME_UPPER is TensorFlow's SAME rule, applied by onnxruntime to the shapes it actually sees; every conv in MobileNetV2 is SAME.
      const runtimePads = edit(onnxBytes, (graph) => {
        for (const node of graph.node!.filter((m) => m.opType === 'Conv')) {
          node.attribute = [...node.attribute!.filter((a) => a.name !== 'pads'), onnx.AttributeProto.create({ name: 'auto_pad', type: onnx.AttributeProto.AttributeType.STRING, s: new TextEncoder().encode('SAME_UPPER') })];
        }
      });
      const [ours, reference] = await Promise.all([run(onnxBytes, batch), run(runtimePads, batch)]);
      for (const name of ['embedding', 'probs', 'centre']) {
        expect(maxAbsDiff(ours[name]!.data as Float32Array, reference[name]!.data as Float32Array), name).toBeLessThan(1e-5);
      }
    });
  });

  it('refuses a side that is not a positive multiple of 32, naming it', () => {
    expect(() => convertTfliteToOnnx(tflite, { inputSide: 300 })).toThrow('inputSide 300 is not a positive multiple of 32');
    expect(() => convertTfliteToOnnx(tflite, { inputSide: 0 })).toThrow('inputSide 0 is not a positive multiple of 32');
    expect(() => convertTfliteToOnnx(tflite, { inputSide: 240 })).toThrow('inputSide 240 is not a positive multiple of 32');
  });
});

type Graph = onnxProto.onnx.GraphProto;

function edit(bytes: Uint8Array, change: (graph: Graph) => void): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  change(model.graph as Graph);
  return onnx.ModelProto.encode(model).finish();
}

/** The GlobalAveragePool whose output is flattened into `embedding`. */
function globalPoolNode(graph: Graph): onnxProto.onnx.INodeProto {
  const flatten = graph.node.find((m) => m.opType === 'Flatten' && m.output![0] === 'embedding')!;
  const pool = graph.node.find((n) => n.output![0] === flatten.input![0])!;
  expect(pool.opType).toBe('GlobalAveragePool');
  return pool;
}

const ints = (name: string, values: number[]) => onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: values });
const int = (name: string, value: number) => onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i: value });

function stack(images: Uint8Array[], side: number): ort.Tensor {
  const bytes = side * side * 3;
  const batch = new Uint8Array(images.length * bytes);
  images.forEach((image, i) => {
    expect(image.length).toBe(bytes);
    batch.set(image, i * bytes);
  });
  return new ort.Tensor('uint8', batch, [images.length, side, side, 3]);
}

async function run(model: Uint8Array, image: ort.Tensor): Promise<ort.InferenceSession.ReturnType> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
  try {
    return await session.run({ image });
  } finally {
    await session.release();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i]! - b[i]!));
  return largest;
}

// TFLite image classifier -> ONNX float model with the pooled embedding and the class probabilities as
// outputs, and a third, `centre`: the same pooling over the centre of the last feature map, which the item
// heads read as a closer look at the garment, for nothing (one pass, not a second one on a centre crop).
// Weights are dequantized once into float initializers; the graph computes in float.
// The input side is an option: the features classify garments better at a higher input resolution than
// the TFLite's own 224 px (a measurement, see EVALUATION.md), and the network is fully convolutional, so
// only the declared input, the global pool and the centre slice depend on the side. The explicit pads are
// computed on the TFLite's recorded shapes and checked to be the same at the side asked for.
import { OnnxGraphBuilder } from '../../onnx/graph-builder.ts';
import { ConversionContext } from './conversion-context.ts';
import { NCHW_TO_NHWC, NHWC_TO_NCHW, assertSupportedOperator, convertGlobalAveragePool, convertOperator, operatorWindow } from './operators.ts';
import { tfPadding } from './padding.ts';
import { readTfliteModel } from './reader.ts';
import type { TfliteOperator, TfliteSubgraph, TfliteTensor } from './reader.ts';
import { BuiltinOperator, TensorType, tensorTypeName } from './schema.ts';

/** Bumped whenever the produced graph changes, so provisioning knows to convert again. */
export const TFLITE_CONVERTER_VERSION = 3;

export const ONNX_INPUT_NAME = 'image';
export const ONNX_EMBEDDING_OUTPUT = 'embedding';
export const ONNX_PROBS_OUTPUT = 'probs';
export const ONNX_CENTRE_OUTPUT = 'centre';
/**
 * The centre output averages the cells of the last feature map that lie over the central CENTRE_FRACTION of
 * the image (MobileNetV2: the middle 5x5 of 7x7 cells at 224 px, 7x7 of 9x9 at 288). Chosen on held-out
 * training people (EVALUATION.md).
 */
export const CENTRE_FRACTION = 0.7;
const BATCH = 'N';

export interface ConvertOptions {
  /**
   * Side of the square image the graph takes, a positive multiple of the model's total stride (32 for
   * MobileNetV2). Default: the TFLite input's own size.
   */
  inputSide?: number;
}

/**
 * Input `image`: uint8 [N,H,W,C] as the TFLite model takes it (NHWC RGB 0..255) but H = W = inputSide,
 * dequantized inside the graph. Outputs `embedding` float [N,C] (input of the final classifier layer), `probs`
 * float (the model's output, e.g. [N,1001]) and `centre` float [N,C]. Throws on any operator it cannot translate, naming it.
 */
export function convertTfliteToOnnx(tfliteBytes: Uint8Array, options: ConvertOptions = {}): Uint8Array {
  const model = readTfliteModel(tfliteBytes);
  const graph = model.subgraphs[0];
  if (!graph) throw new Error('TFLite model has no subgraph');
  if (model.subgraphs.length > 1) throw new Error(`TFLite model has ${model.subgraphs.length} subgraphs; only single-graph models are supported`);
  // Refuse unsupported operators before doing any work, so the message names the first offender.
  graph.operators.forEach(assertSupportedOperator);

  const builder = new OnnxGraphBuilder({ graphName: 'tflite_converted', docString: `converted from TFLite (${model.description || 'no description'})` });
  builder.metadata('converter', `desktop-stylist tflite-to-onnx v${TFLITE_CONVERTER_VERSION}`);
  const ctx = new ConversionContext(builder, graph);

  const input = single(graph.inputs, 'input');
  const feature = classifierInput(graph);
  const pool = globalPool(graph, feature);
  const map = ctx.tensor(pool.inputs[0]!);
  const atSide = sideScale(ctx, ctx.tensor(input), map, pool, options.inputSide);
  addImageInput(ctx, input, atSide);
  for (const op of graph.operators) (op === pool ? convertGlobalAveragePool : convertOperator)(ctx, op);
  addEmbeddingOutput(ctx, feature);
  addProbsOutput(ctx, single(graph.outputs, 'output'));
  addCentreOutput(ctx, map, atSide);
  return builder.toBytes();
}

/** Maps a size on the TFLite's own shapes to the same size at the input side asked for. */
type Scale = (size: number) => number;

/** Validates `inputSide` and returns the scale from the TFLite's shapes to it (identity by default). */
function sideScale(ctx: ConversionContext, input: TfliteTensor, map: TfliteTensor, pool: TfliteOperator, inputSide: number | undefined): Scale {
  const [, h, w] = input.shape;
  if (inputSide === undefined) return (size) => size;
  if (h !== w) throw new Error(`inputSide ${inputSide}: the model input is ${h}x${w}, not square`);
  const [, mapH] = map.shape;
  const stride = h! / mapH!;
  if (!Number.isInteger(inputSide) || inputSide <= 0 || !Number.isInteger(stride) || inputSide % stride !== 0) {
    throw new Error(`inputSide ${inputSide} is not a positive multiple of ${stride}, the model's total stride (its ${h}x${w} input gives a ${mapH}x${map.shape[2]} feature map)`);
  }
  const atSide: Scale = (size) => (size * inputSide) / h!;
  // The pads were computed on the TFLite's own shapes (and its recorded output sizes checked there): they
  // hold at inputSide only if every window before the global pool pads the same there and every map grows
  // in proportion. After the pool, maps are 1x1 at any side.
  for (const op of ctx.graph.operators.slice(0, ctx.graph.operators.indexOf(pool))) {
    const win = operatorWindow(ctx, op);
    if (!win) continue;
    const own = tfPadding(win.padding, win.window);
    const there = tfPadding(win.padding, { ...win.window, inH: atSide(win.window.inH), inW: atSide(win.window.inW) });
    if (there.pads.join() !== own.pads.join() || there.outH !== atSide(own.outH) || there.outW !== atSide(own.outW)) {
      throw new Error(`inputSide ${inputSide}: ${op.opName} on ${ctx.tensor(op.inputs[0]!).name} would pad [${there.pads.join(',')}] instead of [${own.pads.join(',')}]`);
    }
  }
  return atSide;
}

/** The uint8 (or int8/float) NHWC image, dequantized with the input tensor's own scale/zero point, then NCHW. */
function addImageInput(ctx: ConversionContext, index: number, atSide: Scale): void {
  const tensor = ctx.tensor(index);
  const [, ownH, ownW, c] = tensor.shape;
  if (tensor.shape.length !== 4 || ownH === undefined || ownW === undefined || c === undefined) {
    throw new Error(`model input ${tensor.name} is not an NHWC image: [${tensor.shape.join(',')}]`);
  }
  const [h, w] = [atSide(ownH), atSide(ownW)];
  const { builder } = ctx;
  let nhwc: string;
  if (tensor.type === TensorType.FLOAT32) {
    nhwc = builder.input(ONNX_INPUT_NAME, 'float', [BATCH, h, w, c]);
  } else if (tensor.type === TensorType.UINT8 || tensor.type === TensorType.INT8) {
    const q = tensor.quantization;
    if (!q || q.scale.length !== 1) throw new Error(`model input ${tensor.name} needs one scale/zero point`);
    const isUint8 = tensor.type === TensorType.UINT8;
    builder.input(ONNX_INPUT_NAME, isUint8 ? 'uint8' : 'int8', [BATCH, h, w, c]);
    const scale = builder.floatConstant('image_scale', [q.scale[0]!]);
    const zeroPoint = builder.initializer(ctx.fresh('image_zero_point'), [], isUint8 ? Uint8Array.of(q.zeroPoint[0]!) : Int8Array.of(q.zeroPoint[0]!));
    nhwc = ctx.fresh('image_float');
    builder.node('DequantizeLinear', [ONNX_INPUT_NAME, scale, zeroPoint], [nhwc]);
  } else {
    throw new Error(`model input ${tensor.name} has type ${tensorTypeName(tensor.type)}; expected uint8, int8 or float32`);
  }
  const nchw = ctx.produce(index);
  builder.node('Transpose', [nhwc], [nchw], { perm: { ints: NHWC_TO_NCHW } });
}

/** The tensor the final CONV_2D/FULLY_CONNECTED (the classifier) reads: the pooled image feature. */
function classifierInput(graph: TfliteSubgraph): TfliteTensor {
  const classifier = graph.operators.findLast((op) => op.opcode === BuiltinOperator.CONV_2D || op.opcode === BuiltinOperator.FULLY_CONNECTED);
  const index = classifier?.inputs[0];
  const tensor = index === undefined ? undefined : graph.tensors[index];
  if (!tensor) throw new Error('TFLite model has no final classifier layer to take the embedding from');
  return tensor;
}

function addEmbeddingOutput(ctx: ConversionContext, feature: TfliteTensor): void {
  const [, h, w, c] = feature.shape;
  // A 1x1 NCHW map flattens to the same vector as TFLite's NHWC one; larger maps would not be an embedding.
  if (feature.shape.length !== 4 || h !== 1 || w !== 1 || c === undefined) {
    throw new Error(`classifier input ${feature.name} is [${feature.shape.join(',')}], expected a pooled [1,1,1,C] feature`);
  }
  ctx.builder.node('Flatten', [ctx.value(feature.index)], [ONNX_EMBEDDING_OUTPUT], { axis: { int: 1 } });
  ctx.builder.output(ONNX_EMBEDDING_OUTPUT, 'float', [BATCH, c]);
}

/** The pooling that averages the last feature map into the embedding (its input is that map). */
function globalPool(graph: TfliteSubgraph, feature: TfliteTensor): TfliteOperator {
  const pool = graph.operators.find((op) => op.opcode === BuiltinOperator.AVERAGE_POOL_2D && op.outputs[0] === feature.index);
  const index = pool?.inputs[0];
  if (!pool || index === undefined || !graph.tensors[index]) throw new Error(`classifier input ${feature.name} is not an average pool of a feature map`);
  return pool;
}

/** `centre` [N,C]: the mean of the map's cells (at the graph's input side) over the central CENTRE_FRACTION of each side. */
function addCentreOutput(ctx: ConversionContext, map: TfliteTensor, atSide: Scale): void {
  const [, ownH, ownW, c] = map.shape;
  if (map.shape.length !== 4 || ownH === undefined || ownW === undefined || c === undefined) throw new Error(`feature map ${map.name} is not NHWC`);
  const [h, w] = [atSide(ownH), atSide(ownW)];
  const margin = (side: number) => Math.round((side * (1 - CENTRE_FRACTION)) / 2);
  const { builder } = ctx;
  const int64s = (base: string, values: number[]) => builder.initializer(ctx.fresh(base), [values.length], BigInt64Array.from(values.map(BigInt)));
  const cells = ctx.fresh('centre_cells');
  // NCHW on the ONNX side: rows and columns are axes 2 and 3.
  builder.node('Slice', [ctx.value(map.index), int64s('centre_starts', [margin(h), margin(w)]), int64s('centre_ends', [h - margin(h), w - margin(w)]), int64s('centre_axes', [2, 3])], [cells]);
  const pooled = ctx.fresh('centre_pooled');
  builder.node('GlobalAveragePool', [cells], [pooled]);
  builder.node('Flatten', [pooled], [ONNX_CENTRE_OUTPUT], { axis: { int: 1 } });
  builder.output(ONNX_CENTRE_OUTPUT, 'float', [BATCH, c]);
}

/** The model output as `probs`, back in TFLite's layout if it is 4-D. */
function addProbsOutput(ctx: ConversionContext, index: number): void {
  const tensor = ctx.tensor(index);
  const is4d = tensor.shape.length === 4;
  ctx.builder.node(is4d ? 'Transpose' : 'Identity', [ctx.value(index)], [ONNX_PROBS_OUTPUT], is4d ? { perm: { ints: NCHW_TO_NHWC } } : {});
  ctx.builder.output(ONNX_PROBS_OUTPUT, 'float', [BATCH, ...tensor.shape.slice(1)]);
}

function single(indices: readonly number[], what: string): number {
  const [index] = indices;
  if (index === undefined || indices.length !== 1) throw new Error(`TFLite model has ${indices.length} ${what}s; expected exactly one`);
  return index;
}

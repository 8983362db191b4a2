// One ONNX translation per supported TFLite operator, computing in float: quantized weights and biases
// are dequantized to float initializers, and activations are never re-quantized between layers.
import type { ConversionContext } from './conversion-context.ts';
import type { TfliteOperator, TfliteOptions, TfliteTensor } from './reader.ts';
import { tfPadding } from './padding.ts';
import type { Window2d } from './padding.ts';
import { Activation, BuiltinOperator, builtinOperatorName } from './schema.ts';
import { dequantize, intValues, transpose } from './tensor-data.ts';

/** NHWC -> NCHW for activations and 4-D constants; the inverse is NCHW_TO_NHWC. */
export const NHWC_TO_NCHW = [0, 3, 1, 2] as const;
export const NCHW_TO_NHWC = [0, 2, 3, 1] as const;

const SUPPORTED_OPCODES: readonly number[] = [
  BuiltinOperator.CONV_2D,
  BuiltinOperator.DEPTHWISE_CONV_2D,
  BuiltinOperator.ADD,
  BuiltinOperator.AVERAGE_POOL_2D,
  BuiltinOperator.RESHAPE,
  BuiltinOperator.SOFTMAX,
];

/** Throws `unsupported TFLite operator: NAME (opcode N)` for anything convertOperator cannot translate. */
export function assertSupportedOperator(op: Pick<TfliteOperator, 'opName' | 'opcode'>): void {
  if (!SUPPORTED_OPCODES.includes(op.opcode)) {
    const supported = SUPPORTED_OPCODES.map(builtinOperatorName).join(', ');
    throw new Error(`unsupported TFLite operator: ${op.opName} (opcode ${op.opcode}); the converter handles ${supported}`);
  }
}

export function convertOperator(ctx: ConversionContext, op: TfliteOperator): void {
  switch (op.opcode) {
    case BuiltinOperator.CONV_2D:
      return convertConv2d(ctx, op, options(op, 'conv2d'));
    case BuiltinOperator.DEPTHWISE_CONV_2D:
      return convertDepthwiseConv2d(ctx, op, options(op, 'depthwiseConv2d'));
    case BuiltinOperator.ADD:
      return convertAdd(ctx, op, options(op, 'add'));
    case BuiltinOperator.AVERAGE_POOL_2D:
      return convertAveragePool(ctx, op, options(op, 'pool2d'));
    case BuiltinOperator.RESHAPE:
      return convertReshape(ctx, op);
    case BuiltinOperator.SOFTMAX:
      return convertSoftmax(ctx, op, options(op, 'softmax'));
    default:
      assertSupportedOperator(op);
      throw new Error(`${op.opName} is listed as supported but has no translation`);
  }
}

function convertConv2d(ctx: ConversionContext, op: TfliteOperator, o: Extract<TfliteOptions, { kind: 'conv2d' }>): void {
  const [input, weights] = [ctx.tensor(at(op.inputs, 0)), ctx.tensor(at(op.inputs, 1))];
  // TFLite conv weights are [out, kh, kw, in]; ONNX wants [out, in, kh, kw]
  const [outC, kh, kw, inC] = dims4(weights);
  if (inC !== dims4(input)[3]) throw new Error(`CONV_2D ${weights.name}: ${inC} input channels, input has ${dims4(input)[3]}`);
  const w = ctx.builder.initializer(ctx.freshFor(weights, '/weights'), [outC, inC, kh, kw], transpose(dequantize(weights), weights.shape, NHWC_TO_NCHW));
  emitConv(ctx, op, { input, kh, kw, outC, group: 1, weightsName: w, strideH: o.strideH, strideW: o.strideW, dilationH: o.dilationH, dilationW: o.dilationW, padding: o.padding, activation: o.activation });
}

function convertDepthwiseConv2d(ctx: ConversionContext, op: TfliteOperator, o: Extract<TfliteOptions, { kind: 'depthwiseConv2d' }>): void {
  const [input, weights] = [ctx.tensor(at(op.inputs, 0)), ctx.tensor(at(op.inputs, 1))];
  // TFLite depthwise weights are [1, kh, kw, in*multiplier], output channel c*multiplier+m reading input
  // channel c: exactly ONNX's grouped conv with group = in, weights [in*multiplier, 1, kh, kw]
  const [, kh, kw, outC] = dims4(weights);
  const inC = dims4(input)[3];
  if (outC !== inC * Math.max(o.depthMultiplier, 1)) {
    throw new Error(`DEPTHWISE_CONV_2D ${weights.name}: ${outC} output channels for ${inC} inputs x multiplier ${o.depthMultiplier}`);
  }
  const w = ctx.builder.initializer(ctx.freshFor(weights, '/weights'), [outC, 1, kh, kw], transpose(dequantize(weights), weights.shape, [3, 0, 1, 2]));
  emitConv(ctx, op, { input, kh, kw, outC, group: inC, weightsName: w, strideH: o.strideH, strideW: o.strideW, dilationH: o.dilationH, dilationW: o.dilationW, padding: o.padding, activation: o.activation });
}

interface ConvParams {
  input: TfliteTensor;
  kh: number;
  kw: number;
  outC: number;
  group: number;
  weightsName: string;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padding: number;
  activation: number;
}

function emitConv(ctx: ConversionContext, op: TfliteOperator, p: ConvParams): void {
  const [, inH, inW] = dims4(p.input);
  const window = tfPadding(p.padding, { inH, inW, kernelH: p.kh, kernelW: p.kw, strideH: p.strideH, strideW: p.strideW, dilationH: p.dilationH, dilationW: p.dilationW });
  checkOutputSize(ctx, op, window.outH, window.outW, p.outC);
  const inputs = [ctx.value(p.input.index), p.weightsName];
  const biasIndex = op.inputs[2] ?? -1;
  if (biasIndex >= 0) {
    // int32 biases carry their own scale (input scale x weight scale), so plain dequantization is exact
    const bias = ctx.tensor(biasIndex);
    inputs.push(ctx.builder.initializer(ctx.freshFor(bias, '/bias'), [p.outC], dequantize(bias)));
  }
  withActivation(ctx, at(op.outputs, 0), p.activation, (out) =>
    ctx.builder.node('Conv', inputs, [out], {
      kernel_shape: { ints: [p.kh, p.kw] },
      strides: { ints: [p.strideH, p.strideW] },
      dilations: { ints: [p.dilationH, p.dilationW] },
      pads: { ints: window.pads },
      group: { int: p.group },
    }),
  );
}

function convertAveragePool(ctx: ConversionContext, op: TfliteOperator, o: Extract<TfliteOptions, { kind: 'pool2d' }>): void {
  const input = ctx.tensor(at(op.inputs, 0));
  const [, inH, inW, channels] = dims4(input);
  const window = tfPadding(o.padding, { inH, inW, kernelH: o.filterH, kernelW: o.filterW, strideH: o.strideH, strideW: o.strideW });
  checkOutputSize(ctx, op, window.outH, window.outW, channels);
  withActivation(ctx, at(op.outputs, 0), o.activation, (out) =>
    ctx.builder.node('AveragePool', [ctx.value(input.index)], [out], {
      kernel_shape: { ints: [o.filterH, o.filterW] },
      strides: { ints: [o.strideH, o.strideW] },
      pads: { ints: window.pads },
      // TF averages over the real pixels only, never the padding
      count_include_pad: { int: 0 },
    }),
  );
}

/**
 * An AVERAGE_POOL_2D whose window is its whole input, as GlobalAveragePool: the same mean over the TFLite's
 * own map, and still the mean of the whole map when a larger input makes that map larger.
 */
export function convertGlobalAveragePool(ctx: ConversionContext, op: TfliteOperator): void {
  const o = options(op, 'pool2d');
  const input = ctx.tensor(at(op.inputs, 0));
  const [, inH, inW, channels] = dims4(input);
  const window = tfPadding(o.padding, { inH, inW, kernelH: o.filterH, kernelW: o.filterW, strideH: o.strideH, strideW: o.strideW });
  checkOutputSize(ctx, op, window.outH, window.outW, channels);
  // a window the size of the map with one output never reaches padding: exactly the mean of every cell
  if (o.filterH !== inH || o.filterW !== inW || window.outH !== 1 || window.outW !== 1) {
    throw new Error(`${op.opName} on ${input.name}: a ${o.filterH}x${o.filterW} window over a ${inH}x${inW} map is not a global pool`);
  }
  withActivation(ctx, at(op.outputs, 0), o.activation, (out) => ctx.builder.node('GlobalAveragePool', [ctx.value(input.index)], [out]));
}

/** The sliding window (on the TFLite's own shapes) and padding of a convolution or pooling; null for other operators. */
export function operatorWindow(ctx: ConversionContext, op: TfliteOperator): { padding: number; window: Window2d } | null {
  const o = op.options;
  if (o.kind !== 'conv2d' && o.kind !== 'depthwiseConv2d' && o.kind !== 'pool2d') return null;
  const [, inH, inW] = dims4(ctx.tensor(at(op.inputs, 0)));
  const strides = { strideH: o.strideH, strideW: o.strideW };
  if (o.kind === 'pool2d') return { padding: o.padding, window: { inH, inW, kernelH: o.filterH, kernelW: o.filterW, ...strides } };
  // conv weights are [out, kh, kw, in], depthwise ones [1, kh, kw, out]
  const [, kernelH, kernelW] = dims4(ctx.tensor(at(op.inputs, 1)));
  return { padding: o.padding, window: { inH, inW, kernelH, kernelW, ...strides, dilationH: o.dilationH, dilationW: o.dilationW } };
}

function convertAdd(ctx: ConversionContext, op: TfliteOperator, o: Extract<TfliteOptions, { kind: 'add' }>): void {
  const [a, b] = [ctx.tensor(at(op.inputs, 0)), ctx.tensor(at(op.inputs, 1))];
  const rank = Math.max(a.shape.length, b.shape.length);
  const operand = (t: TfliteTensor): string => (t.data ? addConstant(ctx, t, rank) : activationOfRank(ctx, t, rank));
  const inputs = [operand(a), operand(b)];
  withActivation(ctx, at(op.outputs, 0), o.activation, (out) => ctx.builder.node('Add', inputs, [out]));
}

function activationOfRank(ctx: ConversionContext, t: TfliteTensor, rank: number): string {
  // NCHW and TFLite broadcasting would disagree for a lower-rank activation added to a 4-D one
  if (t.shape.length !== rank) throw new Error(`ADD of activations with different ranks (${t.name}) is not supported`);
  return ctx.value(t.index);
}

/** A constant operand in the layout of the activation it is added to (NHWC broadcasting made explicit, then NCHW). */
function addConstant(ctx: ConversionContext, t: TfliteTensor, rank: number): string {
  const values = dequantize(t);
  const name = ctx.freshFor(t, '');
  if (rank !== 4) return ctx.builder.initializer(name, t.shape, values);
  const nhwc = [...new Array<number>(4 - t.shape.length).fill(1), ...t.shape];
  const nchw = NHWC_TO_NCHW.map((d) => nhwc[d]!);
  return ctx.builder.initializer(name, nchw, transpose(values, nhwc, NHWC_TO_NCHW));
}

function convertReshape(ctx: ConversionContext, op: TfliteOperator): void {
  const input = ctx.tensor(at(op.inputs, 0));
  const output = ctx.tensor(at(op.outputs, 0));
  const target = reshapeTarget(ctx, op, output);
  if (input.shape[0] !== target[0]) throw new Error(`RESHAPE ${output.name} changes the batch dimension, which is not supported`);
  // Element order must follow TFLite's NHWC layout; when H = W = 1, NCHW already has that order.
  let source = ctx.value(input.index);
  if (input.shape.length === 4 && dims4(input)[1] * dims4(input)[2] !== 1) {
    const nhwc = ctx.fresh(`${source}/nhwc`);
    ctx.builder.node('Transpose', [source], [nhwc], { perm: { ints: NCHW_TO_NHWC } });
    source = nhwc;
  }
  // 0 copies the input's batch size, so the graph keeps a free batch dimension
  const shape = ctx.builder.initializer(ctx.freshFor(output, '/shape'), [target.length], BigInt64Array.from([0, ...target.slice(1)], BigInt));
  const out4d = target.length === 4 && target[1]! * target[2]! !== 1;
  const reshaped = out4d ? ctx.freshFor(output, '/nhwc') : ctx.produce(output.index);
  ctx.builder.node('Reshape', [source, shape], [reshaped]);
  if (out4d) ctx.builder.node('Transpose', [reshaped], [ctx.produce(output.index)], { perm: { ints: NHWC_TO_NCHW } });
}

/** The output tensor's shape is authoritative; a shape input or new_shape option must agree with it. */
function reshapeTarget(ctx: ConversionContext, op: TfliteOperator, output: TfliteTensor): number[] {
  const shapeIndex = op.inputs[1] ?? -1;
  const declared = shapeIndex >= 0 && ctx.tensor(shapeIndex).data ? intValues(ctx.tensor(shapeIndex)) : op.options.kind === 'reshape' ? op.options.newShape : null;
  const target = output.shape;
  if (declared && declared.some((d, i) => d !== -1 && d !== target[i])) {
    throw new Error(`RESHAPE ${output.name}: target [${declared.join(',')}] disagrees with output shape [${target.join(',')}]`);
  }
  return target;
}

function convertSoftmax(ctx: ConversionContext, op: TfliteOperator, o: Extract<TfliteOptions, { kind: 'softmax' }>): void {
  const input = ctx.tensor(at(op.inputs, 0));
  let logits = ctx.value(input.index);
  // softmax(beta * x); beta is 1 for classifiers
  if (o.beta !== 1) {
    const scaled = ctx.fresh(`${logits}/beta`);
    ctx.builder.node('Mul', [logits, ctx.builder.floatConstant('softmax_beta', [o.beta])], [scaled]);
    logits = scaled;
  }
  // TFLite normalises over the last (channel) axis, which is axis 1 once a 4-D tensor is NCHW
  const axis = input.shape.length === 4 ? 1 : -1;
  ctx.builder.node('Softmax', [logits], [ctx.produce(at(op.outputs, 0))], { axis: { int: axis } });
}

/** Emits the operator into a temporary value, then the fused activation into the output tensor. */
function withActivation(ctx: ConversionContext, outputIndex: number, activation: number, emit: (out: string) => void): void {
  if (activation === Activation.NONE) return emit(ctx.produce(outputIndex));
  const output = ctx.produce(outputIndex);
  const raw = ctx.fresh(`${output}/pre_activation`);
  emit(raw);
  switch (activation) {
    case Activation.RELU:
      return ctx.builder.node('Relu', [raw], [output]);
    case Activation.RELU6:
      return ctx.builder.node('Clip', [raw, ...ctx.clipBounds(0, 6)], [output]);
    case Activation.RELU_N1_TO_1:
      return ctx.builder.node('Clip', [raw, ...ctx.clipBounds(-1, 1)], [output]);
    case Activation.TANH:
      return ctx.builder.node('Tanh', [raw], [output]);
    default:
      throw new Error(`unsupported fused activation ${activation} on tensor ${ctx.tensor(outputIndex).name}`);
  }
}

/** Cross-checks our padding arithmetic against the output shape the TFLite converter recorded. */
function checkOutputSize(ctx: ConversionContext, op: TfliteOperator, outH: number, outW: number, outC: number): void {
  const [, h, w, c] = dims4(ctx.tensor(at(op.outputs, 0)));
  if (h !== outH || w !== outW || c !== outC) {
    throw new Error(`${op.opName}: computed output ${outH}x${outW}x${outC}, the model says ${h}x${w}x${c}`);
  }
}

function options<K extends TfliteOptions['kind']>(op: TfliteOperator, kind: K): Extract<TfliteOptions, { kind: K }> {
  if (op.options.kind !== kind) throw new Error(`${op.opName} has ${op.options.kind} options, expected ${kind}`);
  return op.options as Extract<TfliteOptions, { kind: K }>;
}

function dims4(t: TfliteTensor): [number, number, number, number] {
  const [n, h, w, c] = t.shape;
  if (t.shape.length !== 4 || n === undefined || h === undefined || w === undefined || c === undefined) {
    throw new Error(`tensor ${t.name}: expected 4 dimensions, got [${t.shape.join(',')}]`);
  }
  return [n, h, w, c];
}

function at(indices: readonly number[], position: number): number {
  const index = indices[position];
  if (index === undefined || index < 0) throw new Error(`missing operator input/output #${position}`);
  return index;
}

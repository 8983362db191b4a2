// Builds an ONNX model in memory and serialises it with onnx-proto's ModelProto.
// This is the only ONNX-writing code in the repo: the TFLite converter and the exporters of trained
// layers both go through it, so naming, typing and ordering checks live in one place.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export const ONNX_OPSET = 17;
/** IR version 8 is the one that goes with opset 17 (ONNX 1.12). */
const ONNX_IR_VERSION = 8;

export type OnnxElemType = 'float' | 'uint8' | 'int8' | 'int32' | 'int64';
/** A fixed size, or a symbolic name such as "N" for the batch. */
export type OnnxDim = number | string;
/** Attribute values are tagged so that a float such as 6.0 is never written as an int. */
export type OnnxAttribute =
  | { int: number }
  | { ints: readonly number[] }
  | { float: number }
  | { floats: readonly number[] }
  | { string: string };
export type OnnxTensorData = Float32Array | Uint8Array | Int8Array | Int32Array | BigInt64Array;

const DATA_TYPE: Record<OnnxElemType, number> = {
  float: onnx.TensorProto.DataType.FLOAT,
  uint8: onnx.TensorProto.DataType.UINT8,
  int8: onnx.TensorProto.DataType.INT8,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
};

export interface OnnxGraphBuilderOptions {
  graphName: string;
  producerName?: string;
  docString?: string;
}

export class OnnxGraphBuilder {
  private readonly options: OnnxGraphBuilderOptions;
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly metadataProps: onnxProto.onnx.IStringStringEntryProto[] = [];
  /** Every value defined so far (graph inputs, initializers, node outputs): catches typos and bad ordering. */
  private readonly defined = new Set<string>();
  /** Defined values plus names handed out by uniqueName() but not produced yet. */
  private readonly taken = new Set<string>();
  private readonly nodeNames = new Set<string>();
  private nameCounter = 0;

  constructor(options: OnnxGraphBuilderOptions) {
    this.options = options;
  }

  /** Reserves a value name derived from `base` that nothing else uses or will be given. */
  uniqueName(base: string): string {
    let name = base;
    while (this.taken.has(name)) name = `${base}_${++this.nameCounter}`;
    this.taken.add(name);
    return name;
  }

  /** A constant tensor; the element type follows the typed array. Returns the name. */
  initializer(name: string, dims: readonly number[], data: OnnxTensorData): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== data.length) {
      throw new Error(`initializer ${name}: dims [${dims.join(',')}] hold ${count} values, got ${data.length}`);
    }
    this.define(name);
    this.initializers.push({
      name,
      dims: [...dims],
      dataType: DATA_TYPE[elemTypeOf(data)],
      rawData: littleEndianBytes(data),
    });
    return name;
  }

  /** A float16 constant given as its values' bit patterns (learning/nn/half.ts): weights stored at half size. */
  float16Initializer(name: string, dims: readonly number[], bits: Uint16Array): string {
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== bits.length) throw new Error(`initializer ${name}: dims [${dims.join(',')}] hold ${count} values, got ${bits.length}`);
    if (!HOST_IS_LITTLE_ENDIAN) throw new Error('ONNX export needs a little-endian host');
    this.define(name);
    this.initializers.push({ name, dims: [...dims], dataType: onnx.TensorProto.DataType.FLOAT16, rawData: new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength).slice() });
    return name;
  }

  /** A float scalar or vector constant, for the common case (scales, clip bounds, biases). */
  floatConstant(base: string, values: readonly number[], dims: readonly number[] = values.length === 1 ? [] : [values.length]): string {
    return this.initializer(this.uniqueName(base), dims, Float32Array.from(values));
  }

  /** An operator. Inputs must already be defined ('' marks an omitted optional input). */
  node(opType: string, inputs: readonly string[], outputs: readonly string[], attrs: Record<string, OnnxAttribute> = {}, name?: string): void {
    for (const input of inputs) {
      if (input !== '' && !this.defined.has(input)) {
        throw new Error(`${opType} node reads "${input}", which is not defined yet`);
      }
    }
    for (const output of outputs) this.define(output);
    const nodeName = this.uniqueNodeName(name ?? `${opType}_${outputs[0] ?? this.nodes.length}`);
    this.nodes.push({
      opType,
      name: nodeName,
      input: [...inputs],
      output: [...outputs],
      attribute: Object.entries(attrs).map(([attrName, value]) => attributeProto(attrName, value)),
    });
  }

  input(name: string, elemType: OnnxElemType, dims: readonly OnnxDim[]): string {
    this.define(name);
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** Declares an already defined value as a graph output. */
  output(name: string, elemType: OnnxElemType, dims: readonly OnnxDim[]): void {
    if (!this.defined.has(name)) throw new Error(`graph output "${name}" is not produced by any node`);
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** Free-form key/value stored in the model (e.g. the source file's hash). */
  metadata(key: string, value: string): void {
    this.metadataProps.push({ key, value });
  }

  toBytes(): Uint8Array {
    if (this.outputs.length === 0) throw new Error(`graph ${this.options.graphName} has no outputs`);
    const model = onnx.ModelProto.create({
      irVersion: ONNX_IR_VERSION,
      opsetImport: [{ domain: '', version: ONNX_OPSET }],
      producerName: this.options.producerName ?? 'desktop-stylist',
      docString: this.options.docString ?? '',
      metadataProps: this.metadataProps,
      graph: {
        name: this.options.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  private define(name: string): void {
    if (name === '') throw new Error('ONNX value names must not be empty');
    if (this.defined.has(name)) throw new Error(`ONNX value "${name}" is defined twice`);
    this.defined.add(name);
    this.taken.add(name);
  }

  private uniqueNodeName(base: string): string {
    let name = base;
    for (let i = 1; this.nodeNames.has(name); i++) name = `${base}_${i}`;
    this.nodeNames.add(name);
    return name;
  }
}

function elemTypeOf(data: OnnxTensorData): OnnxElemType {
  if (data instanceof Float32Array) return 'float';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Int32Array) return 'int32';
  return 'int64';
}

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** ONNX raw_data is little-endian; typed arrays use host order, which is little-endian on every target we ship. */
function littleEndianBytes(data: OnnxTensorData): Uint8Array {
  if (!HOST_IS_LITTLE_ENDIAN) throw new Error('ONNX export needs a little-endian host');
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}

function attributeProto(name: string, value: OnnxAttribute): onnxProto.onnx.IAttributeProto {
  const Type = onnx.AttributeProto.AttributeType;
  if ('int' in value) return { name, type: Type.INT, i: value.int };
  if ('ints' in value) return { name, type: Type.INTS, ints: [...value.ints] };
  if ('float' in value) return { name, type: Type.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: Type.FLOATS, floats: [...value.floats] };
  return { name, type: Type.STRING, s: new TextEncoder().encode(value.string) };
}

function valueInfo(name: string, elemType: OnnxElemType, dims: readonly OnnxDim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DATA_TYPE[elemType],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

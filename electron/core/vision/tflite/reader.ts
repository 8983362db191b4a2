// Reads the parts of a TFLite flatbuffer (schema.fbs, "TFL3") that the ONNX converter needs.
// Accessors are hand-written over flatbuffers' ByteBuffer instead of flatc-generated code: the converter
// touches a handful of tables, and field slots are fixed by the schema (new fields are only appended).
import { ByteBuffer } from 'flatbuffers';
import { BuiltinOperator, BuiltinOptionsType, builtinOperatorName } from './schema.ts';

export interface TfliteQuantization {
  /** One scale per tensor, or one per slice along `quantizedDimension`. real = scale * (q - zeroPoint). */
  scale: Float32Array;
  zeroPoint: number[];
  quantizedDimension: number;
}

export interface TfliteTensor {
  index: number;
  name: string;
  shape: number[];
  /** TensorType code (see schema.ts). */
  type: number;
  /** Constant contents (weights, biases, shapes), or null for activations. */
  data: Uint8Array | null;
  quantization: TfliteQuantization | null;
}

export type TfliteOptions =
  | { kind: 'conv2d'; padding: number; strideW: number; strideH: number; activation: number; dilationW: number; dilationH: number }
  | { kind: 'depthwiseConv2d'; padding: number; strideW: number; strideH: number; depthMultiplier: number; activation: number; dilationW: number; dilationH: number }
  | { kind: 'pool2d'; padding: number; strideW: number; strideH: number; filterW: number; filterH: number; activation: number }
  | { kind: 'add'; activation: number }
  | { kind: 'reshape'; newShape: number[] | null }
  | { kind: 'softmax'; beta: number }
  /** An options table this reader does not decode (its BuiltinOptions union position). */
  | { kind: 'other'; unionType: number }
  | { kind: 'none' };

export interface TfliteOperator {
  /** BuiltinOperator code (BuiltinOperator.CUSTOM for custom ops). */
  opcode: number;
  /** e.g. CONV_2D, or CUSTOM(<custom_code>). */
  opName: string;
  /** Tensor indices; -1 marks an omitted optional input. */
  inputs: number[];
  outputs: number[];
  options: TfliteOptions;
}

export interface TfliteSubgraph {
  name: string;
  tensors: TfliteTensor[];
  inputs: number[];
  outputs: number[];
  /** In execution order. */
  operators: TfliteOperator[];
}

export interface TfliteModel {
  version: number;
  description: string;
  subgraphs: TfliteSubgraph[];
}

/** One flatbuffer table: `pos` is where the table starts; fields are read through its vtable. */
class Table {
  readonly bb: ByteBuffer;
  readonly pos: number;

  constructor(bb: ByteBuffer, pos: number) {
    this.bb = bb;
    this.pos = pos;
  }

  /** A table that is not in the file: every field reads as absent, so accessors return schema defaults. */
  static absent(bb: ByteBuffer): Table {
    return new Table(bb, -1);
  }

  /** Byte position of field `slot`, or 0 when the field is absent (vtable entries are 2 bytes after a 4-byte header). */
  private field(slot: number): number {
    if (this.pos < 0) return 0;
    const rel = this.bb.__offset(this.pos, 4 + 2 * slot);
    return rel === 0 ? 0 : this.pos + rel;
  }

  int8(slot: number, fallback = 0): number {
    const at = this.field(slot);
    return at ? this.bb.readInt8(at) : fallback;
  }
  uint8(slot: number, fallback = 0): number {
    const at = this.field(slot);
    return at ? this.bb.readUint8(at) : fallback;
  }
  int32(slot: number, fallback = 0): number {
    const at = this.field(slot);
    return at ? this.bb.readInt32(at) : fallback;
  }
  uint32(slot: number, fallback = 0): number {
    const at = this.field(slot);
    return at ? this.bb.readUint32(at) : fallback;
  }
  uint64(slot: number): number {
    const at = this.field(slot);
    return at ? Number(this.bb.readUint64(at)) : 0;
  }
  float32(slot: number, fallback = 0): number {
    const at = this.field(slot);
    return at ? this.bb.readFloat32(at) : fallback;
  }
  string(slot: number): string {
    const at = this.field(slot);
    return at ? (this.bb.__string(at) as string) : '';
  }
  table(slot: number): Table | null {
    const at = this.field(slot);
    return at ? new Table(this.bb, this.bb.__indirect(at)) : null;
  }
  has(slot: number): boolean {
    return this.field(slot) !== 0;
  }

  tables(slot: number): Table[] {
    const at = this.field(slot);
    if (!at) return [];
    const start = this.bb.__vector(at);
    return Array.from({ length: this.bb.__vector_len(at) }, (_, i) => new Table(this.bb, this.bb.__indirect(start + 4 * i)));
  }
  int32s(slot: number): number[] {
    return this.scalars(slot, 4, (p) => this.bb.readInt32(p));
  }
  float32s(slot: number): number[] {
    return this.scalars(slot, 4, (p) => this.bb.readFloat32(p));
  }
  int64s(slot: number): number[] {
    return this.scalars(slot, 8, (p) => Number(this.bb.readInt64(p)));
  }
  /** A [ubyte] vector as a view into the file (no copy). */
  bytes(slot: number): Uint8Array | null {
    const at = this.field(slot);
    if (!at) return null;
    const start = this.bb.__vector(at);
    return this.bb.bytes().subarray(start, start + this.bb.__vector_len(at));
  }

  private scalars(slot: number, width: number, read: (pos: number) => number): number[] {
    const at = this.field(slot);
    if (!at) return [];
    const start = this.bb.__vector(at);
    return Array.from({ length: this.bb.__vector_len(at) }, (_, i) => read(start + width * i));
  }
}

export function readTfliteModel(bytes: Uint8Array): TfliteModel {
  if (bytes.length < 8) throw new Error('not a TFLite model: file is too short');
  const bb = new ByteBuffer(bytes);
  // Bytes 4..8 hold the file identifier; files from old converters may leave it out, so only a
  // present-but-different identifier is an error.
  const ident = String.fromCharCode(...bytes.subarray(4, 8));
  if (ident !== 'TFL3' && /^[A-Za-z0-9]{4}$/.test(ident)) {
    throw new Error(`not a TFLite model: file identifier is "${ident}", expected "TFL3"`);
  }
  const model = new Table(bb, bb.readInt32(bb.position()) + bb.position());

  // table Model { version:uint; operator_codes:[OperatorCode]; subgraphs:[SubGraph]; description:string; buffers:[Buffer]; ... }
  const operatorCodes = model.tables(1).map(readOperatorCode);
  const buffers = model.tables(4).map((buffer) => readBufferData(buffer, bytes));
  return {
    version: model.uint32(0),
    description: model.string(3),
    subgraphs: model.tables(2).map((subgraph) => readSubgraph(subgraph, operatorCodes, buffers)),
  };
}

type OperatorCode = ReturnType<typeof readOperatorCode>;

/**
 * table OperatorCode { deprecated_builtin_code:byte; custom_code:string; version:int = 1; builtin_code:BuiltinOperator (int32); }
 * Files written before the int32 field existed only fill the byte field; newer files fill both for codes
 * below 127 and only the int32 field above it. The larger of the two is therefore the real code.
 */
function readOperatorCode(code: Table): { opcode: number; opName: string } {
  const opcode = Math.max(code.int8(0), code.int32(3));
  const opName = opcode === BuiltinOperator.CUSTOM ? `CUSTOM(${code.string(1)})` : builtinOperatorName(opcode);
  return { opcode, opName };
}

/** table Buffer { data:[ubyte]; offset:ulong; size:ulong; } — offset/size point past the flatbuffer for models over 2 GB. */
function readBufferData(buffer: Table, file: Uint8Array): Uint8Array | null {
  const data = buffer.bytes(0);
  if (data && data.length > 0) return data;
  const offset = buffer.uint64(1);
  const size = buffer.uint64(2);
  // offset 1 is the schema's marker for "no data"
  if (offset > 1 && size > 0) {
    if (offset + size > file.length) throw new Error(`TFLite buffer at ${offset} (+${size}) runs past the end of the file`);
    return file.subarray(offset, offset + size);
  }
  return null;
}

/** table SubGraph { tensors:[Tensor]; inputs:[int]; outputs:[int]; operators:[Operator]; name:string; } */
function readSubgraph(subgraph: Table, operatorCodes: OperatorCode[], buffers: (Uint8Array | null)[]): TfliteSubgraph {
  return {
    name: subgraph.string(4),
    tensors: subgraph.tables(0).map((tensor, index) => readTensor(tensor, index, buffers)),
    inputs: subgraph.int32s(1),
    outputs: subgraph.int32s(2),
    operators: subgraph.tables(3).map((op) => readOperator(op, operatorCodes)),
  };
}

/** table Tensor { shape:[int]; type:TensorType; buffer:uint; name:string; quantization:QuantizationParameters; ... } */
function readTensor(tensor: Table, index: number, buffers: (Uint8Array | null)[]): TfliteTensor {
  const quantization = tensor.table(4);
  const bufferOf = (i: number): Uint8Array | null => {
    if (i >= buffers.length) throw new Error(`TFLite tensor #${index} refers to buffer #${i}, which does not exist`);
    return buffers[i] ?? null;
  };
  return {
    index,
    name: tensor.string(3),
    shape: tensor.int32s(0),
    type: tensor.int8(1),
    data: bufferOf(tensor.uint32(2)),
    quantization: quantization ? readQuantization(quantization) : null,
  };
}

/** table QuantizationParameters { min:[float]; max:[float]; scale:[float]; zero_point:[long]; details (union, slots 4-5); quantized_dimension:int; } */
function readQuantization(q: Table): TfliteQuantization | null {
  const scale = q.float32s(2);
  if (scale.length === 0) return null; // only min/max recorded: the tensor is not quantized
  if (q.uint8(4) !== 0) throw new Error('TFLite custom quantization (QuantizationDetails) is not supported');
  const zeroPoint = q.int64s(3);
  return {
    scale: Float32Array.from(scale),
    zeroPoint: zeroPoint.length > 0 ? zeroPoint : scale.map(() => 0),
    quantizedDimension: q.int32(6),
  };
}

/** table Operator { opcode_index:uint; inputs:[int]; outputs:[int]; builtin_options (union: type slot 3, table slot 4); ... } */
function readOperator(op: Table, operatorCodes: OperatorCode[]): TfliteOperator {
  const opcodeIndex = op.uint32(0);
  const code = operatorCodes[opcodeIndex];
  if (code === undefined) throw new Error(`TFLite operator refers to operator code #${opcodeIndex}, which does not exist`);
  return {
    ...code,
    inputs: op.int32s(1),
    outputs: op.int32s(2),
    options: readBuiltinOptions(op.uint8(3), op.table(4)),
  };
}

function readBuiltinOptions(unionType: number, t: Table | null): TfliteOptions {
  if (unionType === BuiltinOptionsType.NONE) return { kind: 'none' };
  // An absent options table means every field takes its schema default.
  const o = t ?? Table.absent(new ByteBuffer(new Uint8Array(0)));
  switch (unionType) {
    // table Conv2DOptions { padding; stride_w; stride_h; fused_activation_function; dilation_w_factor = 1; dilation_h_factor = 1; }
    case BuiltinOptionsType.Conv2DOptions:
      return { kind: 'conv2d', padding: o.int8(0), strideW: o.int32(1), strideH: o.int32(2), activation: o.int8(3), dilationW: o.int32(4, 1), dilationH: o.int32(5, 1) };
    // table DepthwiseConv2DOptions { padding; stride_w; stride_h; depth_multiplier; fused_activation_function; dilation_w_factor = 1; dilation_h_factor = 1; }
    case BuiltinOptionsType.DepthwiseConv2DOptions:
      return { kind: 'depthwiseConv2d', padding: o.int8(0), strideW: o.int32(1), strideH: o.int32(2), depthMultiplier: o.int32(3), activation: o.int8(4), dilationW: o.int32(5, 1), dilationH: o.int32(6, 1) };
    // table Pool2DOptions { padding; stride_w; stride_h; filter_width; filter_height; fused_activation_function; }
    case BuiltinOptionsType.Pool2DOptions:
      return { kind: 'pool2d', padding: o.int8(0), strideW: o.int32(1), strideH: o.int32(2), filterW: o.int32(3), filterH: o.int32(4), activation: o.int8(5) };
    // table AddOptions { fused_activation_function; pot_scale_int16:bool = true; }
    case BuiltinOptionsType.AddOptions:
      return { kind: 'add', activation: o.int8(0) };
    // table ReshapeOptions { new_shape:[int]; }
    case BuiltinOptionsType.ReshapeOptions:
      return { kind: 'reshape', newShape: o.has(0) ? o.int32s(0) : null };
    // table SoftmaxOptions { beta:float; }
    case BuiltinOptionsType.SoftmaxOptions:
      return { kind: 'softmax', beta: o.float32(0) };
    default:
      return { kind: 'other', unionType };
  }
}

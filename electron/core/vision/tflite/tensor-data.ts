// Turns constant TFLite tensors (weights, biases, shapes) into plain arrays, and reorders them between
// TFLite's channels-last layout and ONNX's channels-first one.
import type { TfliteTensor } from './reader.ts';
import { TensorType, tensorTypeName } from './schema.ts';

/** The tensor's stored numbers as they are in the file (before any dequantization), in row-major order. */
export function rawValues(tensor: TfliteTensor): Float64Array {
  const data = constantBytes(tensor);
  // DataView: buffers are little-endian and need not be aligned for a typed-array view
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const read = READERS[tensor.type];
  if (!read) throw new Error(`tensor ${tensor.name}: element type ${tensorTypeName(tensor.type)} is not supported`);
  const out = new Float64Array(data.byteLength / read.width);
  if (out.length !== elementCount(tensor.shape)) {
    throw new Error(`tensor ${tensor.name}: ${out.length} stored values for shape [${tensor.shape.join(',')}]`);
  }
  for (let i = 0; i < out.length; i++) out[i] = read.at(view, i * read.width);
  return out;
}

const READERS: Record<number, { width: number; at: (view: DataView, offset: number) => number }> = {
  [TensorType.FLOAT32]: { width: 4, at: (v, o) => v.getFloat32(o, true) },
  [TensorType.INT32]: { width: 4, at: (v, o) => v.getInt32(o, true) },
  [TensorType.UINT8]: { width: 1, at: (v, o) => v.getUint8(o) },
  [TensorType.INT8]: { width: 1, at: (v, o) => v.getInt8(o) },
  [TensorType.INT16]: { width: 2, at: (v, o) => v.getInt16(o, true) },
  [TensorType.INT64]: { width: 8, at: (v, o) => Number(v.getBigInt64(o, true)) },
};

/**
 * Real values of a constant tensor: scale * (q - zero_point), with one scale/zero point for the whole
 * tensor or one per slice along quantized_dimension (per-channel weights). Float tensors pass through.
 */
export function dequantize(tensor: TfliteTensor): Float32Array {
  const q = rawValues(tensor);
  const params = tensor.quantization;
  if (tensor.type === TensorType.FLOAT32 || !params) {
    if (tensor.type !== TensorType.FLOAT32) throw new Error(`tensor ${tensor.name}: ${tensorTypeName(tensor.type)} data without quantization parameters`);
    return Float32Array.from(q);
  }
  const channels = params.scale.length;
  // elements between two consecutive channels along the quantized dimension
  const stride = elementCount(tensor.shape.slice(params.quantizedDimension + 1));
  if (channels > 1 && tensor.shape[params.quantizedDimension] !== channels) {
    throw new Error(`tensor ${tensor.name}: ${channels} scales for dimension ${params.quantizedDimension} of [${tensor.shape.join(',')}]`);
  }
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) {
    const c = channels === 1 ? 0 : Math.floor(i / stride) % channels;
    out[i] = params.scale[c]! * (q[i]! - params.zeroPoint[c]!);
  }
  return out;
}

/** Integer contents of a constant tensor (e.g. a RESHAPE target shape). */
export function intValues(tensor: TfliteTensor): number[] {
  if (tensor.type !== TensorType.INT32 && tensor.type !== TensorType.INT64) {
    throw new Error(`tensor ${tensor.name}: expected int32 or int64 values, got ${tensorTypeName(tensor.type)}`);
  }
  return Array.from(rawValues(tensor));
}

/** Reorders a row-major tensor: output dimension k is input dimension perm[k]. */
export function transpose(data: Float32Array, shape: readonly number[], perm: readonly number[]): Float32Array {
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = stridesOf(shape);
  const outStrides = stridesOf(outShape);
  const out = new Float32Array(data.length);
  const index = new Array<number>(shape.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let rest = o;
    let source = 0;
    for (let k = 0; k < outShape.length; k++) {
      index[k] = Math.floor(rest / outStrides[k]!);
      rest -= index[k]! * outStrides[k]!;
      source += index[k]! * inStrides[perm[k]!]!;
    }
    out[o] = data[source]!;
  }
  return out;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let k = shape.length - 2; k >= 0; k--) strides[k] = strides[k + 1]! * shape[k + 1]!;
  return strides;
}

function constantBytes(tensor: TfliteTensor): Uint8Array {
  if (!tensor.data) throw new Error(`tensor ${tensor.name} has no constant data (expected a weight or bias)`);
  return tensor.data;
}

// Reads the declared inputs and outputs of a serialised ONNX model (names, element types, shapes), so
// callers can check a model against what a manifest promises without starting an inference session.
import onnxProto from 'onnx-proto';
import type { OnnxDim, OnnxElemType } from './graph-builder.ts';

const { onnx } = onnxProto;

export interface OnnxValueInfo {
  name: string;
  /** 'other' for element types the app never uses. */
  elemType: OnnxElemType | 'other';
  dims: OnnxDim[];
}

export interface OnnxModelInfo {
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  opset: number;
}

const ELEM_TYPES = new Map<number, OnnxElemType>([
  [onnx.TensorProto.DataType.FLOAT, 'float'],
  [onnx.TensorProto.DataType.UINT8, 'uint8'],
  [onnx.TensorProto.DataType.INT8, 'int8'],
  [onnx.TensorProto.DataType.INT32, 'int32'],
  [onnx.TensorProto.DataType.INT64, 'int64'],
]);

export function readOnnxModelInfo(bytes: Uint8Array): OnnxModelInfo {
  const model = onnx.ModelProto.decode(bytes);
  const graph = model.graph;
  if (!graph) throw new Error('ONNX model has no graph');
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const opset = model.opsetImport.find((o) => !o.domain)?.version;
  return {
    // older exporters list initializers among the inputs; they are not inputs a caller feeds
    inputs: (graph.input ?? []).filter((v) => !initializers.has(v.name)).map(valueInfo),
    outputs: (graph.output ?? []).map(valueInfo),
    opset: Number(opset ?? 0),
  };
}

function valueInfo(v: onnxProto.onnx.IValueInfoProto): OnnxValueInfo {
  const tensorType = v.type?.tensorType;
  return {
    name: v.name ?? '',
    elemType: ELEM_TYPES.get(tensorType?.elemType ?? -1) ?? 'other',
    dims: (tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue ?? 0))),
  };
}

// The manifest is what the rest of the app reads to feed a model and find its outputs, so a generated
// model must match it exactly: names, element types and sizes.
import { readOnnxModelInfo } from '../onnx/model-info.ts';
import type { OnnxDim, OnnxElemType } from '../onnx/graph-builder.ts';
import type { OnnxValueInfo } from '../onnx/model-info.ts';
import type { ModelEntry } from './manifest.ts';

/** Lists every way the ONNX model differs from its manifest entry (empty when it matches). */
export function manifestMismatches(entry: ModelEntry, onnxBytes: Uint8Array): string[] {
  const info = readOnnxModelInfo(onnxBytes);
  const [h, w] = entry.input.size;
  const imageDims = entry.input.layout === 'NHWC' ? [h, w, 3] : [3, h, w];
  const inputType: OnnxElemType = entry.input.dtype === 'uint8' ? 'uint8' : 'float';
  return [
    ...compare('input', info.inputs, entry.input.name, inputType, imageDims),
    ...compare('output', info.outputs, entry.outputs.embedding, 'float', [entry.dims.embedding]),
    ...compare('output', info.outputs, entry.outputs.probs, 'float', [entry.dims.probs]),
    ...compare('output', info.outputs, entry.outputs.centre, 'float', [entry.dims.embedding]),
  ];
}

/** `dims` exclude the batch dimension, which may be symbolic or any size. */
function compare(kind: string, values: OnnxValueInfo[], name: string, elemType: OnnxElemType, dims: number[]): string[] {
  const value = values.find((v) => v.name === name);
  if (!value) return [`no ${kind} named "${name}" (model has ${values.map((v) => v.name).join(', ') || 'none'})`];
  const problems: string[] = [];
  if (value.elemType !== elemType) problems.push(`${kind} "${name}" is ${value.elemType}, manifest says ${elemType}`);
  const actual: OnnxDim[] = value.dims.slice(1);
  if (actual.length !== dims.length || actual.some((d, i) => d !== dims[i])) {
    problems.push(`${kind} "${name}" has shape [${value.dims.join(',')}], manifest says [N,${dims.join(',')}]`);
  }
  return problems;
}

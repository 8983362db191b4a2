// State shared by the operator converters: which ONNX value holds each TFLite tensor, and naming.
// Layout rule: every 4-D activation is NCHW on the ONNX side (transposed once at the input);
// tensors of any other rank keep TFLite's layout.
import type { OnnxGraphBuilder } from '../../onnx/graph-builder.ts';
import type { TfliteSubgraph, TfliteTensor } from './reader.ts';

export class ConversionContext {
  readonly builder: OnnxGraphBuilder;
  readonly graph: TfliteSubgraph;
  private readonly values = new Map<number, string>();
  private readonly clipBoundNames = new Map<string, [string, string]>();

  constructor(builder: OnnxGraphBuilder, graph: TfliteSubgraph) {
    this.builder = builder;
    this.graph = graph;
  }

  tensor(index: number): TfliteTensor {
    const tensor = this.graph.tensors[index];
    if (!tensor) throw new Error(`TFLite operator refers to tensor #${index}, which does not exist`);
    return tensor;
  }

  /** The ONNX value computed for a TFLite activation tensor. */
  value(index: number): string {
    const name = this.values.get(index);
    if (name === undefined) throw new Error(`tensor ${this.tensor(index).name} is read before any operator produced it`);
    return name;
  }

  hasValue(index: number): boolean {
    return this.values.has(index);
  }

  /** Reserves the ONNX name for a TFLite tensor an operator is about to produce. */
  produce(index: number): string {
    const name = this.fresh(readableName(this.tensor(index), index));
    this.values.set(index, name);
    return name;
  }

  bind(index: number, name: string): void {
    this.values.set(index, name);
  }

  fresh(base: string): string {
    return this.builder.uniqueName(base);
  }

  /** A new name for a value derived from a TFLite tensor, e.g. its dequantized weights. */
  freshFor(tensor: TfliteTensor, suffix: string): string {
    return this.fresh(`${readableName(tensor, tensor.index)}${suffix}`);
  }

  /** Scalar min/max inputs for Clip (opset >= 11 takes them as inputs), shared by every Clip with the same range. */
  clipBounds(min: number, max: number): [string, string] {
    const key = `${min}:${max}`;
    let names = this.clipBoundNames.get(key);
    if (!names) {
      names = [this.builder.floatConstant(`clip_min_${min}`, [min]), this.builder.floatConstant(`clip_max_${max}`, [max])];
      this.clipBoundNames.set(key, names);
    }
    return names;
  }
}

/** TFLite names join every fused op with ';' (hundreds of characters); the first part is enough to find it. */
function readableName(tensor: TfliteTensor, index: number): string {
  const first = tensor.name.split(';')[0]?.trim();
  return first ? first : `tensor_${index}`;
}

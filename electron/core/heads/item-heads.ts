// The item heads as one model over a photo's two backbone outputs, its embedding and centre embedding: fixed
// standardisation of each, the garment-type ensemble over both (fine probabilities, and coarse ones summed
// from them), and one hashing head per garment type over the photo's own embedding. The TypeScript forward
// pass here and the ONNX graph written by exportItemHeads compute the same thing; a test holds them to 1e-5.
// The dense layers' weight matrices are stored as float16 (half the file) and widened by a Cast that ONNX
// Runtime folds into a float32 constant when the session loads; the TypeScript side holds the same
// rounded values (roundWeightsToHalf), so both still compute with identical weights.
import { OnnxGraphBuilder } from '../onnx/graph-builder.ts';
import type { Dense } from '../learning/nn/layers.ts';
import type { Standardize } from '../learning/nn/standardize.ts';
import { batch } from '../learning/nn/tensor.ts';
import type { Batch } from '../learning/nn/tensor.ts';
import { COARSE_INDEX_OF_FINE, COARSE_TYPES, FINE_LABELS } from './labels.ts';
import type { TypeMember } from './type-head.ts';
import { ensembleProbs } from './type-head.ts';
import type { HashHead } from './hash-head.ts';
import { HEADS_IO } from './files.ts';
import { isHalfExact, roundToHalf, toHalfBits } from '../learning/nn/half.ts';

/** onnx.TensorProto.DataType.FLOAT, the Cast target of the float16 weights. */
const ONNX_FLOAT = 1;

export interface HeadsOutput {
  /** n x FINE_LABELS.length */
  fine: Batch;
  /** n x COARSE_TYPES.length */
  coarse: Batch;
  /** n x (COARSE_TYPES.length * bits): head t's pre-activations at [t * bits, (t + 1) * bits); the code is their sign. */
  hash: Batch;
}

export class ItemHeads {
  /** Standardisation of the photo's embedding (what the hashing heads read) and of its centre embedding. */
  readonly standardize: Standardize;
  readonly standardizeCentre: Standardize;
  /** Over [standardised embedding, standardised centre embedding]. */
  readonly typeMembers: readonly TypeMember[];
  /** One per COARSE_TYPES entry, in that order. */
  readonly hashHeads: readonly HashHead[];

  constructor(standardize: Standardize, standardizeCentre: Standardize, typeMembers: readonly TypeMember[], hashHeads: readonly HashHead[]) {
    if (hashHeads.length !== COARSE_TYPES.length) throw new Error(`expected ${COARSE_TYPES.length} hashing heads, got ${hashHeads.length}`);
    this.standardize = standardize;
    this.standardizeCentre = standardizeCentre;
    this.typeMembers = typeMembers;
    this.hashHeads = hashHeads;
  }

  get bits(): number {
    return this.hashHeads[0]!.bits;
  }

  /** Every dense layer, type members' then hashing heads'. */
  denseLayers(): Dense[] {
    return [...this.typeMembers.flatMap((m) => [m.hidden, m.out]), ...this.hashHeads.flatMap((h) => [h.hidden, h.out])];
  }

  /** Rounds the weight matrices to float16 in place: what exportItemHeads stores (biases stay float32). */
  roundWeightsToHalf(): void {
    for (const layer of this.denseLayers()) roundToHalf(layer.weight.value);
  }

  /** Both views standardised and side by side: the type head's input. */
  typeInput(embeddings: Batch, centre: Batch): Batch {
    return concatColumns(this.standardize.forward(embeddings), this.standardizeCentre.forward(centre));
  }

  forward(embeddings: Batch, centre: Batch): HeadsOutput {
    const x = this.standardize.forward(embeddings);
    const fine = ensembleProbs(this.typeMembers, concatColumns(x, this.standardizeCentre.forward(centre)));
    const coarse = batch(x.rows, COARSE_TYPES.length);
    for (let r = 0; r < x.rows; r++) {
      for (let f = 0; f < FINE_LABELS.length; f++) coarse.data[r * COARSE_TYPES.length + COARSE_INDEX_OF_FINE[f]!]! += fine.data[r * FINE_LABELS.length + f]!;
    }
    const K = this.bits;
    const T = this.hashHeads.length;
    const hash = batch(x.rows, T * K);
    this.hashHeads.forEach((h, t) => {
      const l = h.logits(x);
      for (let r = 0; r < x.rows; r++) hash.data.set(l.data.subarray(r * K, (r + 1) * K), r * T * K + t * K);
    });
    return { fine, coarse, hash };
  }
}

/** Columns of a then columns of b, row by row. */
export function concatColumns(a: Batch, b: Batch): Batch {
  if (a.rows !== b.rows) throw new Error(`cannot put ${a.rows} rows beside ${b.rows}`);
  const out = batch(a.rows, a.cols + b.cols);
  for (let r = 0; r < a.rows; r++) {
    out.data.set(a.data.subarray(r * a.cols, (r + 1) * a.cols), r * out.cols);
    out.data.set(b.data.subarray(r * b.cols, (r + 1) * b.cols), r * out.cols + a.cols);
  }
  return out;
}

/**
 * Writes the heads as one ONNX graph: embedding [N, d] and centre_embedding [N, d] -> fine_probs [N, 18],
 * coarse_probs [N, 7], hash_logits [N, T*K].
 */
export function exportItemHeads(heads: ItemHeads, metadata: Record<string, string> = {}): Uint8Array {
  if (!heads.denseLayers().every((l) => isHalfExact(l.weight.value))) {
    throw new Error('the heads\' weights are not float16 values: call roundWeightsToHalf() before exporting (and before scoring them)');
  }
  const g = new OnnxGraphBuilder({ graphName: 'item_heads', docString: 'Garment type and hashing heads over the backbone embeddings (stylist train heads).' });
  const dim = heads.standardize.mean.length;
  const standardise = (input: string, std: Standardize, name: string): string => {
    const centred = g.uniqueName(`${name}.centred`);
    g.node('Sub', [input, g.initializer(`${name}.mean`, [dim], std.mean)], [centred]);
    const out = g.uniqueName(`${name}.standardised`);
    g.node('Mul', [centred, g.initializer(`${name}.scale`, [dim], std.scale)], [out]);
    return out;
  };
  const x = standardise(g.input(HEADS_IO.input, 'float', ['N', dim]), heads.standardize, 'embedding');
  const c = standardise(g.input(HEADS_IO.centre, 'float', ['N', dim]), heads.standardizeCentre, 'centre');
  const both = g.uniqueName('type.input');
  g.node('Concat', [x, c], [both], { axis: { int: 1 } });

  const dense = (from: string, layer: Dense, prefix: string): string => {
    const half = g.float16Initializer(g.uniqueName(`${prefix}.weight_f16`), [layer.outDim, layer.inDim], toHalfBits(layer.weight.value));
    const w = g.uniqueName(`${prefix}.weight`);
    g.node('Cast', [half], [w], { to: { int: ONNX_FLOAT } });
    const inputs = [from, w];
    if (layer.bias) inputs.push(g.initializer(g.uniqueName(`${prefix}.bias`), [layer.outDim], layer.bias.value));
    const out = g.uniqueName(`${prefix}.out`);
    g.node('Gemm', inputs, [out], { transB: { int: 1 } });
    return out;
  };
  const relu = (from: string): string => {
    const out = g.uniqueName(`${from}.relu`);
    g.node('Relu', [from], [out]);
    return out;
  };

  // Type ensemble: mean of the members' softmax.
  const memberProbs = heads.typeMembers.map((m, i) => {
    const logits = dense(relu(dense(both, m.hidden, `type${i}.hidden`)), m.out, `type${i}.out`);
    const p = g.uniqueName(`type${i}.probs`);
    g.node('Softmax', [logits], [p], { axis: { int: 1 } });
    return p;
  });
  const summed = g.uniqueName('type.sum');
  g.node('Sum', memberProbs, [summed]);
  g.node('Mul', [summed, g.floatConstant('type.inv_members', [1 / heads.typeMembers.length])], [HEADS_IO.fine]);
  // Coarse = fine @ G, G[f][c] = 1 where fine class f belongs to coarse type c.
  const group = new Float32Array(FINE_LABELS.length * COARSE_TYPES.length);
  COARSE_INDEX_OF_FINE.forEach((c, f) => (group[f * COARSE_TYPES.length + c] = 1));
  g.node('MatMul', [HEADS_IO.fine, g.initializer('fine_to_coarse', [FINE_LABELS.length, COARSE_TYPES.length], group)], [HEADS_IO.coarse]);

  // Hashing heads, concatenated per type along the feature axis.
  const hashOuts = heads.hashHeads.map((h, t) => dense(relu(dense(x, h.hidden, `hash_${COARSE_TYPES[t]}.hidden`)), h.out, `hash_${COARSE_TYPES[t]}.out`));
  g.node('Concat', hashOuts, [HEADS_IO.hash], { axis: { int: 1 } });

  g.output(HEADS_IO.fine, 'float', ['N', FINE_LABELS.length]);
  g.output(HEADS_IO.coarse, 'float', ['N', COARSE_TYPES.length]);
  g.output(HEADS_IO.hash, 'float', ['N', COARSE_TYPES.length * heads.bits]);
  g.metadata('fine_labels', JSON.stringify(FINE_LABELS));
  g.metadata('coarse_types', JSON.stringify(COARSE_TYPES));
  g.metadata('hash_bits', String(heads.bits));
  for (const [k, v] of Object.entries(metadata)) g.metadata(k, v);
  return g.toBytes();
}

// stylist bench hashing [--items 100000] [--k 50] [--queries 50] [--json]
// Top-k search over many items, measured in one run: the exact Hamming scan over 128-bit codes
// (popcount over 32-bit words, heads/hamming.ts) against a cosine scan over the same items' 1280-d float
// embeddings (heads/float-scan.ts). Items are seeded random codes and non-negative vectors: both scans
// touch every item whatever the values, so the times do not depend on them. Median per query.
import { CodeIndex } from '../../heads/hamming.ts';
import { FloatIndex } from '../../heads/float-scan.ts';
import { Rng } from '../../learning/nn/rng.ts';
import type { ParsedArgs } from '../args.ts';
import { stringFlag } from '../args.ts';
import { printResult } from '../output.ts';
import { round } from './eval-embeddings.ts';

export async function benchHashing(args: ParsedArgs): Promise<void> {
  const n = Number(stringFlag(args, 'items', '100000'));
  const k = Number(stringFlag(args, 'k', '50'));
  const queries = Number(stringFlag(args, 'queries', '50'));
  const bits = Number(stringFlag(args, 'bits', '128'));
  const dim = 1280;
  const rng = new Rng(7);
  const codes = new CodeIndex(bits, n);
  const floats = new FloatIndex(dim, n);
  const code = new Uint8Array(bits / 8);
  const vector = new Float32Array(dim);
  for (let i = 0; i < n; i++) {
    for (let b = 0; b < code.length; b++) code[b] = rng.int(256);
    for (let d = 0; d < dim; d++) vector[d] = rng.next() < 0.5 ? 0 : rng.next() * 2; // ReLU-like, half zeros
    codes.add(code);
    floats.add(vector);
  }
  const queryCodes = Array.from({ length: queries }, () => Uint8Array.from({ length: bits / 8 }, () => rng.int(256)));
  const queryVectors = Array.from({ length: queries }, () => Float32Array.from({ length: dim }, () => (rng.next() < 0.5 ? 0 : rng.next() * 2)));
  const time = (fn: (q: number) => unknown) => {
    for (let q = 0; q < Math.min(5, queries); q++) fn(q); // warm-up: compile the scans
    const ms: number[] = [];
    for (let q = 0; q < queries; q++) {
      const t = performance.now();
      fn(q);
      ms.push(performance.now() - t);
    }
    return ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)]!;
  };
  const hammingMs = time((q) => codes.topK(queryCodes[q]!, k));
  const floatMs = time((q) => floats.topK(queryVectors[q]!, k));
  printResult(
    args,
    { items: n, k, queries, bits, dim, hamming_ms: round(hammingMs, 3), float_ms: round(floatMs, 2), speedup: round(floatMs / hammingMs, 1), memory_mb: { codes: round((n * bits) / 8 / 2 ** 20, 2), floats: round((n * dim * 4) / 2 ** 20, 1) } },
    (r) => `Top-${r.k} over ${r.items} items (median of ${r.queries} queries): Hamming ${r.hamming_ms} ms (${r.bits}-bit codes, ${r.memory_mb.codes} MB) vs float cosine ${r.float_ms} ms (${r.dim}-d, ${r.memory_mb.floats} MB): ${r.speedup}x faster.`,
  );
}

// Exact Hamming search: popcount against a bit-by-bit count, top-k against sorting every distance.
import { describe, expect, it } from 'vitest';
import { CodeIndex, hamming, packSigns, popcount32, unpackSigns } from '../../../electron/core/heads/hamming.ts';
import { FloatIndex } from '../../../electron/core/heads/float-scan.ts';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';

function naivePopcount(x: number): number {
  let n = 0;
  for (let b = 0; b < 32; b++) n += (x >>> b) & 1;
  return n;
}

function bruteForce(codes: Uint8Array[], query: Uint8Array, k: number, exclude = -1) {
  return codes
    .map((c, position) => ({ position, distance: hamming(c, query) }))
    .filter((r) => r.position !== exclude)
    .sort((a, b) => a.distance - b.distance || a.position - b.position)
    .slice(0, k);
}

describe('Hamming codes', () => {
  it('popcount32 counts the set bits of any 32-bit word', () => {
    const rng = new Rng(1);
    for (const x of [0, 1, 0x80000000, 0xffffffff, 0x55555555, 0xaaaaaaaa, 0x0f0f0f0f, 0x12345678]) expect(popcount32(x)).toBe(naivePopcount(x));
    for (let i = 0; i < 10_000; i++) {
      const x = (rng.next() * 2 ** 32) >>> 0;
      expect(popcount32(x)).toBe(naivePopcount(x));
    }
  });

  it('packs signs least significant bit first and unpacks them back', () => {
    const values = Float32Array.from({ length: 64 }, (_, i) => (i % 3 === 0 ? 0.5 : -0.5));
    const code = packSigns(values);
    expect(code).toHaveLength(8);
    expect(code[0]).toBe(0b01001001);
    expect(Array.from(unpackSigns(code))).toEqual(Array.from(values, (v) => (v > 0 ? 1 : -1)));
    expect(() => packSigns(new Float32Array(20))).toThrow(/multiple of 32/);
  });

  it('top-k is exactly the brute-force ranking (ties by position), for several code lengths and k', () => {
    const rng = new Rng(2);
    for (const bits of [32, 64, 128, 256]) {
      // Few distinct codes, so many distances tie and the cut-off falls inside a tie.
      const pool = Array.from({ length: 40 }, () => Uint8Array.from({ length: bits / 8 }, () => rng.int(256)));
      const codes = Array.from({ length: 3000 }, () => {
        const c = rng.pick(pool).slice();
        c[rng.int(c.length)]! ^= 1 << rng.int(8);
        return c;
      });
      const index = new CodeIndex(bits, 16); // grows while adding
      for (const c of codes) index.add(c);
      expect(index.size).toBe(codes.length);
      for (const k of [1, 7, 50, 500, 5000]) {
        const query = rng.pick(pool);
        expect(index.topK(query, k)).toEqual(bruteForce(codes, query, k));
        const self = rng.int(codes.length);
        expect(index.topK(codes[self]!, k, self)).toEqual(bruteForce(codes, codes[self]!, k, self));
      }
      const q = codes[5]!;
      expect(Array.from(index.distances(q))).toEqual(codes.map((c) => hamming(c, q)));
    }
  });

  it('the float scan ranks by cosine, exactly like sorting', () => {
    const rng = new Rng(3);
    const vectors = Array.from({ length: 500 }, () => Float32Array.from({ length: 37 }, () => rng.normal()));
    const index = FloatIndex.from(vectors, 37);
    const q = vectors[10]!;
    const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    const cos = vectors.map((v, position) => ({ position, s: v.reduce((s, x, i) => s + x * q[i]!, 0) / (norm(v) * norm(q)) }));
    const expected = cos.filter((c) => c.position !== 10).sort((a, b) => b.s - a.s || a.position - b.position).slice(0, 20).map((c) => c.position);
    const got = index.topK(q, 20, 10);
    expect(got.map((r) => r.position)).toEqual(expected);
    got.forEach((r, i) => expect(r.similarity).toBeCloseTo(cos[expected[i]!]!.s, 5));
  });
});

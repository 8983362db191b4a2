// The float16 conversion against the runtime's own Math.f16round (Node 24), over normal, subnormal,
// tie, overflow and special values.
import { describe, expect, it } from 'vitest';
import { halfBits, halfValue, isHalfExact, roundToHalf, toHalfBits } from '../../../electron/core/learning/nn/half.ts';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';

const f16round = (Math as unknown as { f16round(x: number): number }).f16round;

describe('float16', () => {
  it('rounds like Math.f16round', () => {
    const rng = new Rng(3);
    const values = [0, -0, 1, -1, 65504, 65519, 65520, 1e6, -1e6, 2 ** -14, 2 ** -24, 2 ** -25, 2 ** -25 * 1.5, 3 * 2 ** -26, 1e-9, Infinity, -Infinity];
    // Ties at every scale: halfway between two neighbouring halves.
    for (let e = -24; e < 15; e++) values.push(2 ** e * (1 + 1 / 2048), 2 ** e * (1 + 3 / 2048), -(2 ** e) * (1 + 5 / 2048));
    for (let i = 0; i < 20000; i++) values.push(rng.normal() * 10 ** (rng.next() * 12 - 8));
    for (const v of values) {
      const x = Math.fround(v);
      expect(Object.is(halfValue(halfBits(x)), f16round(x)), `value ${x}`).toBe(true);
    }
    expect(Number.isNaN(halfValue(halfBits(NaN)))).toBe(true);
  });

  it('rounds arrays in place, and knows when they are exact', () => {
    const v = Float32Array.of(0.1, -3.14159, 1e-6, 2048.5);
    expect(isHalfExact(v)).toBe(false);
    const bits = toHalfBits(v);
    roundToHalf(v);
    expect(isHalfExact(v)).toBe(true);
    expect(Array.from(bits, halfValue)).toEqual(Array.from(v));
    expect(Array.from(v)).toEqual([0.1, -3.14159, 1e-6, 2048.5].map((x) => f16round(x)));
    expect(v[3]).toBe(2048); // the tie goes to the even neighbour
  });
});

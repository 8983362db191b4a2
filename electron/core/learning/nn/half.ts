// IEEE 754 half precision (float16) for storing trained weights at half the size. Written out rather than
// taken from Math.f16round / Float16Array so the conversion is the same on every runtime the CLI meets.
// Rounding is to nearest, ties to even, as in IEEE 754 and ONNX Runtime's Cast.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float16 bit pattern nearest to x (as a float32 first). */
export function halfBits(x: number): number {
  f32[0] = x;
  const b = u32[0]!;
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  const mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e > 0) {
    let h = sign | (e << 10) | (mant >>> 13);
    const rest = mant & 0x1fff;
    // A carry out of the mantissa moves to the next exponent (or to infinity), which is the right result.
    if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++;
    return h;
  }
  // Subnormal half: m * 2^-24 with m = (1.mant * 2^23) >> shift.
  const shift = 126 - exp;
  if (shift > 24) return sign;
  const full = mant | 0x800000;
  let m = full >>> shift;
  const rest = full & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rest > half || (rest === half && m & 1)) m++;
  return sign | m;
}

/** The value of a float16 bit pattern. */
export function halfValue(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >>> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 0x1f) return m ? NaN : sign * Infinity;
  return sign * (1024 + m) * 2 ** (e - 25);
}

/** Bit patterns of the values' nearest float16s. */
export function toHalfBits(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = halfBits(values[i]!);
  return out;
}

/** Rounds the values to their nearest float16s in place, so float32 arithmetic on them equals a float16 store read back. */
export function roundToHalf(values: Float32Array): void {
  for (let i = 0; i < values.length; i++) values[i] = halfValue(halfBits(values[i]!));
}

/** Whether every value is a float16 exactly (then storing it as float16 loses nothing). */
export function isHalfExact(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (halfValue(halfBits(values[i]!)) !== values[i]) return false;
  return true;
}

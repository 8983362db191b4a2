// A second view of each photo for the garment-type head: the centre of the model input, enlarged back to
// the model's size, so the backbone sees the garment's details (collar, sleeves, hem) at a larger scale.
// Made from the 224x224 model input itself (bilinear), so import, training and evaluation all derive it
// the same way from what decode.ts already produces.

/** Side of the square crop as a fraction of the input's side. */
export const CENTRE_FRACTION = 0.7;

/** Bilinear resize of the centre `fraction` of a side x side RGB image back to side x side. */
export function centreView(input: Uint8Array, side = 224, fraction = CENTRE_FRACTION): Uint8Array {
  if (input.length !== side * side * 3) throw new Error(`centreView expects ${side}x${side} RGB, got ${input.length} bytes`);
  const out = new Uint8Array(side * side * 3);
  const crop = side * fraction;
  const origin = (side - crop) / 2;
  const step = crop / side;
  for (let y = 0; y < side; y++) {
    // Sample at pixel centres: source coordinate of the output pixel's centre, in input pixel units.
    const sy = Math.min(side - 1, Math.max(0, origin + (y + 0.5) * step - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(side - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < side; x++) {
      const sx = Math.min(side - 1, Math.max(0, origin + (x + 0.5) * step - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(side - 1, x0 + 1);
      const fx = sx - x0;
      const a = (y0 * side + x0) * 3;
      const b = (y0 * side + x1) * 3;
      const c = (y1 * side + x0) * 3;
      const d = (y1 * side + x1) * 3;
      const o = (y * side + x) * 3;
      for (let ch = 0; ch < 3; ch++) {
        const top = input[a + ch]! + (input[b + ch]! - input[a + ch]!) * fx;
        const bottom = input[c + ch]! + (input[d + ch]! - input[c + ch]!) * fx;
        out[o + ch] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return out;
}

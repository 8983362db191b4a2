// TensorFlow SAME/VALID padding as explicit ONNX pads.
import { Padding } from './schema.ts';

export interface Window2d {
  inH: number;
  inW: number;
  kernelH: number;
  kernelW: number;
  strideH: number;
  strideW: number;
  dilationH?: number;
  dilationW?: number;
}

export interface Padded2d {
  /** ONNX order: [top, left, bottom, right]. */
  pads: [number, number, number, number];
  outH: number;
  outW: number;
}

/**
 * SAME: output = ceil(in / stride), and the total padding needed for it is split with the odd pixel at
 * the bottom/right (TensorFlow's rule; ONNX's SAME_UPPER agrees, but explicit pads make it visible).
 * VALID: no padding, output = ceil((in - effective kernel + 1) / stride).
 */
export function tfPadding(padding: number, w: Window2d): Padded2d {
  const effH = (w.kernelH - 1) * (w.dilationH ?? 1) + 1;
  const effW = (w.kernelW - 1) * (w.dilationW ?? 1) + 1;
  if (padding === Padding.VALID) {
    return { pads: [0, 0, 0, 0], outH: Math.ceil((w.inH - effH + 1) / w.strideH), outW: Math.ceil((w.inW - effW + 1) / w.strideW) };
  }
  if (padding !== Padding.SAME) throw new Error(`unknown TFLite padding ${padding}`);
  const outH = Math.ceil(w.inH / w.strideH);
  const outW = Math.ceil(w.inW / w.strideW);
  const totalH = Math.max((outH - 1) * w.strideH + effH - w.inH, 0);
  const totalW = Math.max((outW - 1) * w.strideW + effW - w.inW, 0);
  const top = Math.floor(totalH / 2);
  const left = Math.floor(totalW / 2);
  return { pads: [top, left, totalH - top, totalW - left], outH, outW };
}

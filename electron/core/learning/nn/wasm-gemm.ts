// C = A B^T in WebAssembly SIMD (f32x4), assembled here byte by byte so the project needs no toolchain.
// Plain f32 multiplies and adds (no fused or "relaxed" instructions), so results are the same bits on
// every machine and training stays reproducible. Blocks of 4 rows of A by 2 rows of B; the wrapper pads
// the operands with zeros to multiples of those sizes (and k to a multiple of 4), which adds nothing.

// --- a minimal WebAssembly binary writer
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function str(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

const I32 = 0x7f;
const V128 = 0x7b;
const op = {
  block: [0x02, 0x40], loop: [0x03, 0x40], end: [0x0b], brIf: (l: number) => [0x0d, ...uleb(l)],
  get: (i: number) => [0x20, ...uleb(i)], set: (i: number) => [0x21, ...uleb(i)], tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...sleb(v)], add: [0x6a], mul: [0x6c], ltU: [0x49],
  f32Add: [0x92], f32Store: (offset: number) => [0x38, 0x02, ...uleb(offset)],
  vLoad: [0xfd, 0x00, 0x04, 0x00], vStore: [0xfd, 0x0b, 0x04, 0x00], f32Load: [0x2a, 0x02, 0x00], splat: [0xfd, 0x13], vZero: [0xfd, 0x0c, ...new Array<number>(16).fill(0)],
  fx4Add: [0xfd, 0xe4, 0x01], fx4Mul: [0xfd, 0xe6, 0x01], lane: (l: number) => [0xfd, 0x1f, l],
};

/** gemm(a, b, c, m, n, k): C = A B^T; byte offsets a, b, c; m % 4 == 0, n % 2 == 0, k % 4 == 0, all > 0. */
function gemmABtBody(): number[] {
  // params: 0 a, 1 b, 2 c, 3 m, 4 n, 5 k
  const [A, B, C, M, N, K] = [0, 1, 2, 3, 4, 5];
  // i32 locals
  // pa0..pa0+3: the 4 rows of A; pb0, pb0+1: the 2 rows of B
  const i = 6, j = 7, p = 8, kb = 9, pa0 = 10, pb0 = 14, pc = 16;
  // v128 locals: 8 accumulators, 4 rows of A, 2 rows of B
  const acc = (r: number, c: number) => 17 + r * 2 + c;
  const va = (r: number) => 25 + r;
  const vb = (c: number) => 29 + c;
  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((x) => code.push(...x));
  emit(op.get(K), op.i32(4), op.mul, op.set(kb)); // row stride in bytes
  emit(op.i32(0), op.set(i), op.block, op.loop); // for i
  emit(op.i32(0), op.set(j), op.block, op.loop); // for j (step 2)
  for (let r = 0; r < 4; r++) for (let c = 0; c < 2; c++) emit(op.vZero, op.set(acc(r, c)));
  // pa_r = a + (i + r) * kb
  for (let r = 0; r < 4; r++) emit(op.get(i), op.i32(r), op.add, op.get(kb), op.mul, op.get(A), op.add, op.set(pa0 + r));
  for (let c = 0; c < 2; c++) emit(op.get(j), op.i32(c), op.add, op.get(kb), op.mul, op.get(B), op.add, op.set(pb0 + c));
  emit(op.i32(0), op.set(p), op.block, op.loop); // for p (bytes, step 16)
  for (let r = 0; r < 4; r++) emit(op.get(pa0 + r), op.get(p), op.add, op.vLoad, op.set(va(r)));
  for (let c = 0; c < 2; c++) emit(op.get(pb0 + c), op.get(p), op.add, op.vLoad, op.set(vb(c)));
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 2; c++) emit(op.get(acc(r, c)), op.get(va(r)), op.get(vb(c)), op.fx4Mul, op.fx4Add, op.set(acc(r, c)));
  }
  emit(op.get(p), op.i32(16), op.add, op.tee(p), op.get(kb), op.ltU, op.brIf(0), op.end, op.end);
  // c[(i + r) * n + j + col] = (l0 + l1) + (l2 + l3)
  for (let r = 0; r < 4; r++) {
    emit(op.get(i), op.i32(r), op.add, op.get(N), op.mul, op.get(j), op.add, op.i32(4), op.mul, op.get(C), op.add, op.set(pc));
    for (let c = 0; c < 2; c++) {
      emit(op.get(pc));
      emit(op.get(acc(r, c)), op.lane(0), op.get(acc(r, c)), op.lane(1), op.f32Add);
      emit(op.get(acc(r, c)), op.lane(2), op.get(acc(r, c)), op.lane(3), op.f32Add, op.f32Add);
      emit(op.f32Store(c * 4));
    }
  }
  emit(op.get(j), op.i32(2), op.add, op.tee(j), op.get(N), op.ltU, op.brIf(0), op.end, op.end);
  emit(op.get(i), op.i32(4), op.add, op.tee(i), op.get(M), op.ltU, op.brIf(0), op.end, op.end);
  emit(op.end);
  return [...vec([[...uleb(11), I32], [...uleb(14), V128]]), ...code];
}

/**
 * gemmAtB(a, b, c, m, n, k): C += A^T B with A k x m, B k x n, C m x n; m % 2 == 0, n % 16 == 0, k > 0.
 * Blocks of 2 rows by 16 columns of C in 8 accumulators: each step loads 2 scalars of A and 4 vectors of B.
 */
function gemmAtBBody(): number[] {
  const [A, B, C, M, N, K] = [0, 1, 2, 3, 4, 5];
  // pc0, pc0+1: the 2 rows of C
  const i = 6, j = 7, p = 8, pa = 9, pb = 10, pc0 = 11, ma = 13, nb = 14;
  const acc = (r: number, c: number) => 15 + r * 4 + c;
  const sa = (r: number) => 23 + r;
  const vb = (c: number) => 25 + c;
  const code: number[] = [];
  const emit = (...parts: number[][]) => parts.forEach((x) => code.push(...x));
  emit(op.get(M), op.i32(4), op.mul, op.set(ma), op.get(N), op.i32(4), op.mul, op.set(nb)); // row strides in bytes
  emit(op.i32(0), op.set(i), op.block, op.loop); // for i (step 2)
  emit(op.i32(0), op.set(j), op.block, op.loop); // for j (step 16)
  // pc_r = c + ((i + r) * n + j) * 4; accumulators start from C
  for (let r = 0; r < 2; r++) {
    emit(op.get(i), op.i32(r), op.add, op.get(N), op.mul, op.get(j), op.add, op.i32(4), op.mul, op.get(C), op.add, op.set(pc0 + r));
    for (let c = 0; c < 4; c++) emit(op.get(pc0 + r), op.i32(c * 16), op.add, op.vLoad, op.set(acc(r, c)));
  }
  emit(op.get(i), op.i32(4), op.mul, op.get(A), op.add, op.set(pa)); // &A[0][i]
  emit(op.get(j), op.i32(4), op.mul, op.get(B), op.add, op.set(pb)); // &B[0][j]
  emit(op.i32(0), op.set(p), op.block, op.loop); // for p
  for (let r = 0; r < 2; r++) emit(op.get(pa), op.i32(r * 4), op.add, op.f32Load, op.splat, op.set(sa(r)));
  for (let c = 0; c < 4; c++) emit(op.get(pb), op.i32(c * 16), op.add, op.vLoad, op.set(vb(c)));
  for (let r = 0; r < 2; r++) {
    for (let c = 0; c < 4; c++) emit(op.get(acc(r, c)), op.get(sa(r)), op.get(vb(c)), op.fx4Mul, op.fx4Add, op.set(acc(r, c)));
  }
  emit(op.get(pa), op.get(ma), op.add, op.set(pa), op.get(pb), op.get(nb), op.add, op.set(pb));
  emit(op.get(p), op.i32(1), op.add, op.tee(p), op.get(K), op.ltU, op.brIf(0), op.end, op.end);
  for (let r = 0; r < 2; r++) {
    for (let c = 0; c < 4; c++) emit(op.get(pc0 + r), op.i32(c * 16), op.add, op.get(acc(r, c)), op.vStore);
  }
  emit(op.get(j), op.i32(16), op.add, op.tee(j), op.get(N), op.ltU, op.brIf(0), op.end, op.end);
  emit(op.get(i), op.i32(2), op.add, op.tee(i), op.get(M), op.ltU, op.brIf(0), op.end, op.end);
  emit(op.end);
  return [...vec([[...uleb(9), I32], [...uleb(14), V128]]), ...code];
}

function gemmModule(): Uint8Array {
  const bodies = [gemmABtBody(), gemmAtBBody()];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec(new Array<number[]>(6).fill([I32])), 0x00]])),
    ...section(3, vec([[0x00], [0x00]])),
    ...section(5, vec([[0x00, 0x01]])),
    ...section(7, vec([[...str('gemm'), 0x00, 0x00], [...str('gemmAtB'), 0x00, 0x01], [...str('memory'), 0x02, 0x00]])),
    ...section(10, vec(bodies.map((b) => [...uleb(b.length), ...b]))),
  ];
  return Uint8Array.from(bytes);
}

type Kernel = (a: number, b: number, c: number, m: number, n: number, k: number) => void;
/** The few parts of the WebAssembly global used here (the Electron build's lib has no DOM types). */
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
interface GemmInstance {
  memory: WasmMemory;
  gemm: Kernel;
  gemmAtB: Kernel;
}

let instance: GemmInstance | null | undefined;

function load(): GemmInstance | null {
  if (instance !== undefined) return instance;
  try {
    const module = new wasm.Module(gemmModule());
    const exports = new wasm.Instance(module).exports as GemmInstance;
    instance = { memory: exports.memory, gemm: exports.gemm, gemmAtB: exports.gemmAtB };
  } catch {
    instance = null; // no SIMD in this runtime: callers fall back to the JavaScript kernel
  }
  return instance;
}

export function wasmGemmAvailable(): boolean {
  return load() !== null;
}

const roundUp = (x: number, to: number) => Math.ceil(x / to) * to;

/** Copies a rows x cols matrix into memory at `at` as rowsP x colsP, zero-padded. */
function put(f32: Float32Array, at: number, src: Float32Array, rows: number, cols: number, rowsP: number, colsP: number): void {
  const base = at / 4;
  if (cols === colsP) {
    f32.set(src.subarray(0, rows * cols), base);
  } else {
    for (let r = 0; r < rows; r++) {
      f32.set(src.subarray(r * cols, (r + 1) * cols), base + r * colsP);
      f32.fill(0, base + r * colsP + cols, base + (r + 1) * colsP);
    }
  }
  f32.fill(0, base + rows * colsP, base + rowsP * colsP);
}

/**
 * C[m][n] = sum_p A[m][p] B[n][p] through the SIMD kernel, then + bias[n], then added to `out` when
 * `accumulate`. Returns null when WebAssembly SIMD is unavailable.
 */
export function wasmMatmulTransB(
  a: Float32Array, m: number, k: number, b: Float32Array, n: number,
  options: { bias?: Float32Array | null; out?: Float32Array; accumulate?: boolean } = {},
): Float32Array | null {
  const inst = load();
  if (!inst) return null;
  const mP = roundUp(m, 4);
  const nP = roundUp(n, 2);
  const kP = roundUp(k, 4);
  const aAt = 0;
  const bAt = aAt + mP * kP * 4;
  const cAt = bAt + nP * kP * 4;
  const need = cAt + mP * nP * 4;
  const f32 = memory(inst, need);
  put(f32, aAt, a, m, k, mP, kP);
  put(f32, bAt, b, n, k, nP, kP);
  inst.gemm(aAt, bAt, cAt, mP, nP, kP);
  const out = options.out ?? new Float32Array(m * n);
  const bias = options.bias ?? null;
  const acc = options.accumulate ?? false;
  const c0 = cAt / 4;
  for (let r = 0; r < m; r++) {
    const co = c0 + r * nP;
    const oo = r * n;
    for (let c = 0; c < n; c++) {
      let v = f32[co + c]!;
      if (bias) v += bias[c]!;
      out[oo + c] = acc ? out[oo + c]! + v : v;
    }
  }
  return out;
}

function memory(inst: GemmInstance, bytes: number): Float32Array {
  const have = inst.memory.buffer.byteLength;
  if (bytes > have) inst.memory.grow(Math.ceil((bytes - have) / 65536));
  return new Float32Array(inst.memory.buffer);
}

/**
 * out[m][n] (+)= sum_p A[p][m] B[p][n], A k x m and B k x n row-major: the weight gradient dy^T x of a
 * dense layer without transposing either operand. Returns null when WebAssembly SIMD is unavailable.
 */
export function wasmMatmulTransA(
  a: Float32Array, k: number, m: number, b: Float32Array, n: number,
  options: { out?: Float32Array; accumulate?: boolean } = {},
): Float32Array | null {
  const inst = load();
  if (!inst) return null;
  const mP = roundUp(m, 2);
  const nP = roundUp(n, 16);
  const aAt = 0;
  const bAt = aAt + k * mP * 4;
  const cAt = bAt + k * nP * 4;
  const f32 = memory(inst, cAt + mP * nP * 4);
  put(f32, aAt, a, k, m, k, mP);
  put(f32, bAt, b, k, n, k, nP);
  const out = options.out ?? new Float32Array(m * n);
  const acc = options.accumulate ?? false;
  const c0 = cAt / 4;
  if (acc) put(f32, cAt, out, m, n, mP, nP);
  else f32.fill(0, c0, c0 + mP * nP);
  inst.gemmAtB(aAt, bAt, cAt, mP, nP, k);
  if (nP === n) out.set(f32.subarray(c0, c0 + m * n));
  else for (let r = 0; r < m; r++) out.set(f32.subarray(c0 + r * nP, c0 + r * nP + n), r * n);
  return out;
}

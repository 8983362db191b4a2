// Seeded mutations of image files for the decode fuzz tests: bit flips, header corruption, chunk deletion and
// duplication, truncation, splices of two files, and random bytes (bare or behind a real format's magic).
import type { Rng } from '../../electron/core/learning/nn/rng.ts';

const MAGICS = [
  [0xff, 0xd8, 0xff, 0xe0], // JPEG
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], // PNG
  [...Buffer.from('GIF89a')],
  [...Buffer.from('RIFF'), 0x10, 0, 0, 0, ...Buffer.from('WEBPVP8 ')],
  [0x49, 0x49, 0x2a, 0x00], // TIFF
  [0, 0, 0, 0x1c, ...Buffer.from('ftypavif')],
  [...Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" ')],
];

export type Mutation = 'bitflip' | 'header' | 'delete' | 'duplicate' | 'truncate' | 'splice' | 'random' | 'magic+random';

export interface FuzzCase {
  bytes: Buffer;
  mutations: Mutation[];
}

function randomBytes(rng: Rng, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = rng.int(256);
  return b;
}

function mutateOnce(rng: Rng, b: Buffer, seeds: readonly Buffer[]): [Buffer, Mutation] {
  const at = (n = b.length) => rng.int(Math.max(1, n));
  switch (rng.int(6)) {
    case 0: {
      const out = Buffer.from(b);
      for (let k = 1 + rng.int(32); k > 0 && out.length; k--) out[at()]! ^= 1 << rng.int(8);
      return [out, 'bitflip'];
    }
    case 1: {
      const out = Buffer.from(b);
      for (let k = 1 + rng.int(8); k > 0 && out.length; k--) out[at(Math.min(64, out.length))] = rng.int(256);
      return [out, 'header'];
    }
    case 2: {
      const start = at();
      const len = 1 + rng.int(Math.max(1, Math.floor(b.length / 10)));
      return [Buffer.concat([b.subarray(0, start), b.subarray(start + len)]), 'delete'];
    }
    case 3: {
      const start = at();
      const chunk = b.subarray(start, start + 1 + rng.int(Math.max(1, Math.floor(b.length / 10))));
      const where = at();
      return [Buffer.concat([b.subarray(0, where), chunk, b.subarray(where)]), 'duplicate'];
    }
    case 4:
      return [b.subarray(0, at()), 'truncate'];
    default: {
      const other = rng.pick(seeds);
      return [Buffer.concat([b.subarray(0, at()), other.subarray(at(other.length))]), 'splice'];
    }
  }
}

/** One case: usually one to three mutations of a seed file, sometimes random bytes. */
export function fuzzCase(rng: Rng, seeds: readonly Buffer[]): FuzzCase {
  const r = rng.next();
  if (r < 0.05) return { bytes: randomBytes(rng, rng.int(4096)), mutations: ['random'] };
  if (r < 0.1) return { bytes: Buffer.concat([Buffer.from(rng.pick(MAGICS)), randomBytes(rng, rng.int(4096))]), mutations: ['magic+random'] };
  let bytes = rng.pick(seeds);
  const mutations: Mutation[] = [];
  for (let k = 1 + rng.int(3); k > 0; k--) {
    const [next, m] = mutateOnce(rng, bytes, seeds);
    bytes = next;
    mutations.push(m);
  }
  return { bytes, mutations };
}

// Medoids stand for a wardrobe: one garment per cluster, so a handful of answers covers every kind it holds.
import { describe, expect, it } from 'vitest';
import { medoids } from '../../../electron/core/learning/medoids.ts';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';

/** `clusters` groups of `size` vectors, each group around its own axis; a few big groups and a small one. */
function groups(sizes: number[], dim = 16): { vectors: Float32Array[]; group: number[] } {
  const rng = new Rng(5);
  const vectors: Float32Array[] = [];
  const group: number[] = [];
  sizes.forEach((size, g) => {
    for (let i = 0; i < size; i++) {
      const v = new Float32Array(dim).map(() => 0.1 * rng.normal());
      v[g]! += 1;
      vectors.push(v);
      group.push(g);
    }
  });
  return { vectors, group };
}

describe('medoids', () => {
  it('picks one garment of each kind, the small kind too, and each near the middle of its kind', () => {
    const { vectors, group } = groups([40, 40, 40, 3]);
    for (const seed of [1, 2, 3]) {
      const picked = medoids(vectors, 4, new Rng(seed));
      expect(new Set(picked).size).toBe(4);
      expect(new Set(picked.map((i) => group[i])), `seed ${seed}`).toEqual(new Set([0, 1, 2, 3]));
    }
    // Random picks of four miss the small kind most of the time; the medoid of a kind is closer to its axis than
    // most of its members.
    const picked = medoids(vectors, 4, new Rng(1));
    for (const i of picked.filter((i) => group[i]! < 3)) {
      const onAxis = (j: number) => vectors[j]![group[j]!]! / Math.hypot(...vectors[j]!);
      const members = group.flatMap((g, j) => (g === group[i] ? [j] : []));
      expect(members.filter((j) => onAxis(j) > onAxis(i)).length).toBeLessThan(members.length / 2);
    }
  });

  it('returns every index when asked for at least as many as there are', () => {
    const { vectors } = groups([2, 1]);
    expect(medoids(vectors, 5, new Rng(1))).toEqual([0, 1, 2]);
  });
});

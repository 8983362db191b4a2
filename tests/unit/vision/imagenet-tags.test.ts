// ImageNet reading: the top-5 tags are the five most probable classes in order (ties: lower class first, as a
// stable sort gives), and the garment-type guess comes from the clothing classes' probability mass.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImagenet, shortLabel } from '../../../electron/core/vision/imagenet-tags.ts';
import { MODEL_DIR } from '../../helpers/kit.ts';

const labels = fs.readFileSync(path.join(MODEL_DIR, 'imagenet_labels.txt'), 'utf8').trim().split('\n');
const index = (name: string) => labels.findIndex((l) => shortLabel(l) === name);

describe('readImagenet', () => {
  it('tags the five most probable classes, most probable first, ties in class order', () => {
    for (const levels of [1000, 4]) {
      const probs = new Float32Array(labels.length).map((_, i) => ((i * 7919) % levels) / levels);
      const expected = [...probs.keys()].sort((a, b) => probs[b]! - probs[a]!).slice(0, 5);
      expect(readImagenet(probs, labels).tags.map((t) => t.label)).toEqual(expected.map((i) => shortLabel(labels[i]!)));
    }
  });

  it('guesses the type with the most clothing mass, and leaves it unknown below a fifth on clothing', () => {
    const probs = new Float32Array(labels.length);
    probs[index('jean')] = 0.3;
    probs[index('miniskirt')] = 0.2;
    probs[index('cardigan')] = 0.4;
    expect(readImagenet(probs, labels)).toMatchObject({ type: 'bottom', confidence: round(0.5 / 0.9) });
    probs.fill(0);
    probs[index('cardigan')] = 0.1;
    probs[index('sports car')] = 0.9;
    expect(readImagenet(probs, labels)).toMatchObject({ type: 'unknown', confidence: 0.9 });
  });
});

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

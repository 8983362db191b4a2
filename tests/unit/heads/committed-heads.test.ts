// The heads committed in models/heads are the ones `stylist train heads` wrote: the ONNX file is the one
// metrics.json describes, it loads in onnxruntime-node, and run on fixed kit photos through the real
// backbone it says what the metrics file recorded for them at training time.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../electron/core/paths.ts';
import { HEADS_FILE, HEADS_METRICS_FILE } from '../../../electron/core/heads/files.ts';
import { HeadsSession } from '../../../electron/core/heads/runtime.ts';
import { readHeads } from '../../../electron/core/heads/predict.ts';
import { hamming } from '../../../electron/core/heads/hamming.ts';
import type { HeadsMetrics } from '../../../electron/core/heads/train.ts';
import { Backbone } from '../../../electron/core/vision/backbone.ts';
import { decodeModelInput } from '../../../electron/core/vision/decode.ts';
import { CLOTHING_DIR, MODEL_DIR, requireKit, requireModel } from '../../helpers/kit.ts';

const HEADS_DIR = path.join(REPO_ROOT, 'models', 'heads');
const metrics = JSON.parse(fs.readFileSync(path.join(HEADS_DIR, HEADS_METRICS_FILE), 'utf8')) as HeadsMetrics;
let session: HeadsSession;
let backbone: Backbone;

beforeAll(async () => {
  requireKit();
  requireModel();
  session = await HeadsSession.open(path.join(HEADS_DIR, HEADS_FILE));
  backbone = await Backbone.open({ modelPath: path.join(MODEL_DIR, 'mobilenet_v2_imagenet.onnx'), headsPath: null, threads: 1 });
});
afterAll(async () => {
  await session?.close();
  await backbone?.close();
});

describe('committed item heads', () => {
  it('are the file the metrics describe, and the figures meet the issue targets', () => {
    const bytes = fs.readFileSync(path.join(HEADS_DIR, HEADS_FILE));
    expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(metrics.files.sha256);
    expect(bytes.length).toBe(metrics.files.bytes);
    expect(metrics.onnx_max_abs_diff).toBeLessThan(1e-4);
    expect(metrics.hashing.test.ratio).toBeGreaterThanOrEqual(0.95);
    expect(metrics.check_items.length).toBeGreaterThanOrEqual(12);
  });

  it('say on fixed kit photos what they said when they were trained', async () => {
    const files = metrics.check_items.map((c) => path.join(CLOTHING_DIR, 'images', `${c.image}.jpg`));
    const inputs = await Promise.all(files.map(async (f) => decodeModelInput(await fs.promises.readFile(f))));
    const { embeddings, centres } = await backbone.embed(inputs);
    const raw = await session.run(embeddings.map((embedding, i) => ({ embedding, centre: centres[i]! })));
    metrics.check_items.forEach((expected, i) => {
      const got = readHeads(raw[i]!);
      expect({ image: expected.image, type: got.type, fineLabel: got.fineLabel }).toEqual({ image: expected.image, type: expected.type, fineLabel: expected.fineLabel });
      expect(got.typeConfidence).toBeCloseTo(expected.typeConfidence, 2);
      raw[i]!.fine.forEach((p, f) => expect(Math.abs(p - expected.fine[f]!)).toBeLessThan(1e-3));
      // The same bits on this machine; a bit whose logit is ~0 may flip where the backbone rounds differently.
      expect(got.code).toHaveLength(16);
      expect(hamming(got.code, Uint8Array.from(Buffer.from(expected.code, 'hex')))).toBeLessThanOrEqual(2);
    });
  });
});

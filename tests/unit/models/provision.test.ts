// Model provisioning in temporary checkouts. Never reaches the web: downloads go to an injected fetch.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKBONE_MODEL_ID, findModel, loadModelManifest, parseModelManifest } from '../../../electron/core/models/manifest.ts';
import { ModelProvisioningError, provisionModels } from '../../../electron/core/models/provision.ts';
import type { ProvisionOptions } from '../../../electron/core/models/provision.ts';
import { TFLITE_CONVERTER_VERSION } from '../../../electron/core/vision/tflite/convert.ts';
import { readOnnxModelInfo } from '../../../electron/core/onnx/model-info.ts';
import { MODEL_INPUT_SIZE } from '../../../electron/core/vision/decode.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const manifestFile = path.join(repoRoot, 'models', 'manifest.json');
const kitMirror = path.resolve(repoRoot, process.env.STYLIST_MODEL_MIRROR ?? '../shared/models');
const SOURCE = 'mobilenet_v2_1.0_224_quant.tflite';
const LABELS = 'imagenet_labels.txt';
const haveKit = existsSync(path.join(kitMirror, SOURCE)) && existsSync(path.join(kitMirror, LABELS));

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `stylist-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fetch that fails the test if anything tries to use the network. */
const noNetwork = (async (url: string | URL | Request) => {
  throw new Error(`test tried to fetch ${String(url)}`);
}) as typeof fetch;

function options(overrides: Partial<ProvisionOptions>): ProvisionOptions {
  return { repoRoot: tempDir('repo'), manifestFile, allowDownload: false, fetch: noNetwork, ...overrides };
}

function onnxPath(root: string): string {
  return path.join(root, 'models', 'generated', 'mobilenet_v2_imagenet.onnx');
}

describe('model manifest', () => {
  it('describes the MobileNetV2 backbone', () => {
    const entry = findModel(loadModelManifest(manifestFile), BACKBONE_MODEL_ID);
    expect(entry.source).toMatchObject({ file: SOURCE, sha256: '7aad0c74c5e3c06e5eb3c827e13304fdd68a83da6087d92ee169c24ff9fd4776' });
    // The side the app decodes photos to (decode.ts) is the side the model is converted for.
    expect(entry.input).toEqual({ name: 'image', dtype: 'uint8', layout: 'NHWC', size: [MODEL_INPUT_SIZE, MODEL_INPUT_SIZE], range: [0, 255], resize: 'fill' });
    expect(entry.dims).toEqual({ embedding: 1280, probs: 1001 });
    expect(entry.output).toBe('models/generated/mobilenet_v2_imagenet.onnx');
  });

  it('rejects a malformed entry, naming the field', () => {
    const json = JSON.parse(readFileSync(manifestFile, 'utf8'));
    json.models[0].source.sha256 = 'not-a-hash';
    json.models[0].output = '../outside.onnx';
    expect(() => parseModelManifest(json)).toThrow(/sha256[\s\S]*output|output[\s\S]*sha256/);
  });
});

describe('provisionModels', () => {
  it('fails offline without a mirror, saying what is missing, where it looked and how to fix it', async () => {
    const emptyMirror = tempDir('mirror');
    const run = provisionModels(options({ mirrorDir: emptyMirror }));
    await expect(run).rejects.toBeInstanceOf(ModelProvisioningError);
    const message = await run.catch((e: Error) => e.message);
    expect(message).toContain(SOURCE);
    expect(message).toContain(LABELS);
    expect(message).toContain(path.join(emptyMirror, SOURCE));
    expect(message).toContain('downloads disabled');
    expect(message).toContain('STYLIST_MODEL_MIRROR');
    expect(message).toContain('connect to the internet');
  });

  it('refuses a mirror file whose sha256 does not match the manifest', async () => {
    const mirror = tempDir('mirror');
    writeFileSync(path.join(mirror, SOURCE), 'not the model');
    const opts = options({ mirrorDir: mirror });
    await expect(provisionModels(opts)).rejects.toThrow(/sha256 .* but the manifest pins 7aad0c74/);
    expect(existsSync(onnxPath(opts.repoRoot))).toBe(false);
  });

  it('refuses a downloaded file with the wrong sha256', async () => {
    const wrongFile = (async () => new Response('<html>rate limited</html>')) as typeof fetch;
    const opts = options({ mirrorDir: tempDir('mirror'), allowDownload: true, fetch: wrongFile });
    await expect(provisionModels(opts)).rejects.toThrow(/served a file with sha256/);
    expect(existsSync(onnxPath(opts.repoRoot))).toBe(false);
  });

  describe.skipIf(!haveKit && !process.env.CI)('with the real model', () => {
    it('converts once, then does nothing while the stamp still matches', async () => {
      const lines: string[] = [];
      const opts = options({ mirrorDir: kitMirror, log: (line) => lines.push(line) });
      const [first] = await provisionModels(opts);
      expect(first).toMatchObject({ id: BACKBONE_MODEL_ID, status: 'converted', sourceFrom: 'mirror' });
      expect(first!.onnxPath).toBe(onnxPath(opts.repoRoot));
      expect(readFileSync(first!.labelsPath!)).toEqual(readFileSync(path.join(kitMirror, LABELS)));
      const stamp = JSON.parse(readFileSync(`${first!.onnxPath}.stamp.json`, 'utf8'));
      expect(stamp).toMatchObject({ sourceSha256: '7aad0c74c5e3c06e5eb3c827e13304fdd68a83da6087d92ee169c24ff9fd4776', converterVersion: TFLITE_CONVERTER_VERSION });
      const written = statSync(first!.onnxPath).mtimeMs;

      // a second run needs neither the mirror nor the network
      const [second] = await provisionModels({ ...opts, mirrorDir: tempDir('empty') });
      expect(second).toMatchObject({ status: 'up-to-date', sourceFrom: null });
      expect(statSync(first!.onnxPath).mtimeMs).toBe(written);
      expect(lines.some((l) => l.includes('up to date'))).toBe(true);
      // no temp files left behind by the atomic writes
      expect(readdirSync(path.dirname(first!.onnxPath)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    });

    it('refuses to install a model that does not match its manifest entry', async () => {
      const json = JSON.parse(readFileSync(manifestFile, 'utf8'));
      json.models[0].dims.embedding = 1024;
      const editedManifest = path.join(tempDir('manifest'), 'manifest.json');
      writeFileSync(editedManifest, JSON.stringify(json));
      const opts = options({ mirrorDir: kitMirror, manifestFile: editedManifest });
      await expect(provisionModels(opts)).rejects.toThrow('output "embedding" has shape [N,1280], manifest says [N,1024]');
      expect(existsSync(onnxPath(opts.repoRoot))).toBe(false);
    });

    it('converts again when the generated model was damaged', async () => {
      const opts = options({ mirrorDir: kitMirror });
      const [first] = await provisionModels(opts);
      writeFileSync(first!.onnxPath, readFileSync(first!.onnxPath).subarray(0, 1000));
      const [again] = await provisionModels(opts);
      expect(again!.status).toBe('converted');
      expect(statSync(again!.onnxPath).size).toBeGreaterThan(10_000_000);
    });

    it('downloads when no mirror has the files, verifies them, and keeps the source for offline re-conversion', async () => {
      const served: string[] = [];
      const fromKit = (async (url: string | URL | Request) => {
        served.push(String(url));
        return new Response(readFileSync(path.join(kitMirror, path.basename(String(url)))));
      }) as typeof fetch;
      const opts = options({ mirrorDir: tempDir('empty'), allowDownload: true, fetch: fromKit });
      const [downloaded] = await provisionModels(opts);
      expect(downloaded).toMatchObject({ status: 'converted', sourceFrom: 'download' });
      expect(served).toHaveLength(2);

      rmSync(downloaded!.onnxPath);
      const [offline] = await provisionModels({ ...opts, allowDownload: false, fetch: noNetwork });
      expect(offline).toMatchObject({ status: 'converted', sourceFrom: 'cache' });
    });
  });
});

/** A copy of the real manifest with another input size. */
function manifestWithSize(size: [number, number]): string {
  const json = JSON.parse(readFileSync(manifestFile, 'utf8'));
  json.models[0].input.size = size;
  const file = path.join(tempDir('manifest'), 'manifest.json');
  writeFileSync(file, JSON.stringify(json));
  return file;
}

describe('provisioning at the manifest input size', () => {
  it('refuses a manifest whose input size is not square, before looking for any file', async () => {
    const opts: ProvisionOptions = { repoRoot: tempDir('repo'), manifestFile: manifestWithSize([288, 224]), mirrorDir: tempDir('empty'), allowDownload: false, fetch: noNetwork };
    await expect(provisionModels(opts)).rejects.toThrow('input size [288, 224] in the manifest is not square');
  });

  it.skipIf(!haveKit && !process.env.CI)('converts to the manifest side, stamps it, and converts again when the side changes', async () => {
    const repo = tempDir('repo');
    const provision = (file: string) => provisionModels({ repoRoot: repo, manifestFile: file, mirrorDir: kitMirror, allowDownload: false, fetch: noNetwork });
    const inputDims = (file: string) => readOnnxModelInfo(readFileSync(file)).inputs[0]!.dims;
    const stampSide = (file: string) => JSON.parse(readFileSync(`${file}.stamp.json`, 'utf8')).inputSide;

    const own = manifestWithSize([224, 224]);
    const [at224] = await provision(own);
    expect(at224!.status).toBe('converted');
    expect(inputDims(at224!.onnxPath)).toEqual(['N', 224, 224, 3]);
    expect(stampSide(at224!.onnxPath)).toBe(224);

    const larger = manifestWithSize([288, 288]);
    const [at288] = await provision(larger);
    expect(at288!.status).toBe('converted');
    expect(inputDims(at288!.onnxPath)).toEqual(['N', 288, 288, 3]);
    expect(stampSide(at288!.onnxPath)).toBe(288);
    expect((await provision(larger))[0]!.status).toBe('up-to-date');

    const [back] = await provision(own);
    expect(back!.status).toBe('converted');
    expect(inputDims(back!.onnxPath)).toEqual(['N', 224, 224, 3]);
  });
});

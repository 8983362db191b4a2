// Typed loading of models/manifest.json: which model files the app needs, where they come from
// (pinned by sha256), how to turn them into what it runs, and how to feed and read them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');
/** A bare file name: files are looked up by name in a mirror folder, so no directories. */
const fileName = z.string().regex(/^[A-Za-z0-9._-]+$/, 'must be a plain file name').refine((n) => n !== '.' && n !== '..', 'must be a plain file name');
const httpsUrl = z.url({ protocol: /^https$/ });

const pinnedFile = z.strictObject({ file: fileName, sha256, url: httpsUrl });

const modelEntry = z.strictObject({
  id: z.string().regex(/^[a-z0-9_]+$/, 'must be lowercase letters, digits and _'),
  description: z.string(),
  license: z.string().min(1),
  source: pinnedFile,
  labels: pinnedFile.optional(),
  conversion: z.literal('tflite-to-onnx'),
  /** Relative to the repo root, inside the git-ignored models/generated/. */
  output: z
    .string()
    .regex(/^models\/generated\/[A-Za-z0-9._-]+\.onnx$/, 'must be models/generated/<name>.onnx'),
  input: z.strictObject({
    name: z.string().min(1),
    dtype: z.enum(['uint8', 'float32']),
    layout: z.enum(['NHWC', 'NCHW']),
    /** [height, width] */
    size: z.tuple([z.int().positive(), z.int().positive()]),
    range: z.tuple([z.number(), z.number()]),
    resize: z.enum(['fill', 'cover', 'contain']),
  }),
  outputs: z.strictObject({ embedding: z.string().min(1), probs: z.string().min(1), centre: z.string().min(1) }),
  dims: z.strictObject({ embedding: z.int().positive(), probs: z.int().positive() }),
});

const manifestSchema = z
  .strictObject({ schemaVersion: z.literal(1), models: z.array(modelEntry).min(1) })
  .refine((m) => new Set(m.models.map((e) => e.id)).size === m.models.length, 'model ids must be unique');

export type ModelManifest = z.infer<typeof manifestSchema>;
export type ModelEntry = z.infer<typeof modelEntry>;
export type PinnedFile = z.infer<typeof pinnedFile>;

export const BACKBONE_MODEL_ID = 'mobilenet_v2_imagenet';

export function manifestPath(repoRoot: string): string {
  return path.join(repoRoot, 'models', 'manifest.json');
}

/** Parses and validates; the error names the file and every invalid field. */
export function parseModelManifest(json: unknown, source = 'model manifest'): ModelManifest {
  const result = manifestSchema.safeParse(json);
  if (!result.success) throw new Error(`${source} is invalid:\n${z.prettifyError(result.error)}`);
  return result.data;
}

export function loadModelManifest(file: string): ModelManifest {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read model manifest ${file}: ${(error as Error).message}`, { cause: error });
  }
  return parseModelManifest(json, file);
}

export function findModel(manifest: ModelManifest, id: string): ModelEntry {
  const entry = manifest.models.find((m) => m.id === id);
  if (!entry) throw new Error(`model "${id}" is not in the manifest (known: ${manifest.models.map((m) => m.id).join(', ')})`);
  return entry;
}

/** Where provisioning puts a model's files, as absolute paths. */
export function modelPaths(repoRoot: string, entry: ModelEntry): { onnx: string; labels: string | null; stamp: string } {
  const onnx = path.join(repoRoot, ...entry.output.split('/'));
  return {
    onnx,
    labels: entry.labels ? path.join(path.dirname(onnx), entry.labels.file) : null,
    stamp: `${onnx}.stamp.json`,
  };
}

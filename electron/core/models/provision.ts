// Makes the ONNX models the app runs exist under models/generated/: finds each pinned source file
// (mirror, cache, or download), checks its sha256, converts it, and records what it did in a stamp so
// the next run does nothing.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TFLITE_CONVERTER_VERSION, convertTfliteToOnnx } from '../vision/tflite/convert.ts';
import { manifestMismatches } from './check-model.ts';
import { obtainPinnedFile, PinnedFileMismatchError, sha256Hex } from './fetch-pinned.ts';
import type { FileOrigin, PinnedLookup, PinnedResult } from './fetch-pinned.ts';
import { loadModelManifest, manifestPath, modelPaths } from './manifest.ts';
import type { ModelEntry, PinnedFile } from './manifest.ts';
import { writeFileAtomic } from './write-atomic.ts';

export const MIRROR_ENV = 'STYLIST_MODEL_MIRROR';

export interface ProvisionOptions {
  repoRoot: string;
  /** Folder holding the source files by name; defaults to $STYLIST_MODEL_MIRROR. */
  mirrorDir?: string;
  /** Fetch from the upstream addresses when neither mirror nor cache has a file (default true). */
  allowDownload?: boolean;
  log?: (line: string) => void;
  /** Defaults to <repoRoot>/models/manifest.json. */
  manifestFile?: string;
  /** Injected in tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export interface ProvisionedModel {
  id: string;
  onnxPath: string;
  labelsPath: string | null;
  status: 'up-to-date' | 'converted';
  /** Where the source came from, when it was converted. */
  sourceFrom: FileOrigin | null;
  ms: number;
}

/** What the stamp next to a generated model records; any difference means "convert again". */
interface Stamp {
  modelId: string;
  sourceSha256: string;
  labelsSha256: string | null;
  converterVersion: number;
  /** Side of the square image the model was converted to take (the manifest's input size). */
  inputSide: number;
  onnxSha256: string;
  convertedAt: string;
}

export class ModelProvisioningError extends Error {
  override name = 'ModelProvisioningError';
}

export async function provisionModels(options: ProvisionOptions): Promise<ProvisionedModel[]> {
  const log = options.log ?? (() => {});
  const manifest = loadModelManifest(options.manifestFile ?? manifestPath(options.repoRoot));
  const mirrorSetting = options.mirrorDir ?? process.env[MIRROR_ENV] ?? null;
  const lookup: Omit<PinnedLookup, 'cacheDir'> = {
    mirrorDir: mirrorSetting ? path.resolve(mirrorSetting) : null,
    mirrorSource: options.mirrorDir !== undefined ? 'mirrorDir option' : process.env[MIRROR_ENV] ? `$${MIRROR_ENV}` : `$${MIRROR_ENV} is not set`,
    allowDownload: options.allowDownload ?? true,
    fetch: options.fetch ?? globalThis.fetch,
    log,
  };
  const results: ProvisionedModel[] = [];
  for (const entry of manifest.models) results.push(await provisionModel(options.repoRoot, entry, lookup, log));
  return results;
}

async function provisionModel(repoRoot: string, entry: ModelEntry, lookup: Omit<PinnedLookup, 'cacheDir'>, log: (line: string) => void): Promise<ProvisionedModel> {
  const start = performance.now();
  const paths = modelPaths(repoRoot, entry);
  const done = (status: ProvisionedModel['status'], sourceFrom: FileOrigin | null): ProvisionedModel => ({
    id: entry.id,
    onnxPath: paths.onnx,
    labelsPath: paths.labels,
    status,
    sourceFrom,
    ms: performance.now() - start,
  });

  const side = inputSide(entry);
  if (isUpToDate(entry, paths, side)) {
    log(`${entry.id}: up to date (${path.relative(repoRoot, paths.onnx)})`);
    return done('up-to-date', null);
  }

  const generatedDir = path.dirname(paths.onnx);
  // Sources are kept so that a new converter version re-converts without downloading again.
  const source = await obtain(entry, entry.source, { ...lookup, cacheDir: path.join(generatedDir, 'sources') });
  // The labels' cache is their final place next to the model.
  const labels = entry.labels ? await obtain(entry, entry.labels, { ...lookup, cacheDir: generatedDir }) : null;
  if (!source.ok || (labels && !labels.ok)) {
    throw missingFilesError(entry, [source, labels].filter((r): r is Missing => r !== null && !r.ok));
  }
  log(`${entry.id}: source ${entry.source.file} from ${source.from} (${source.path}), sha256 verified`);

  let onnx: Uint8Array;
  try {
    onnx = convertTfliteToOnnx(source.bytes, { inputSide: side });
  } catch (error) {
    throw new ModelProvisioningError(`${entry.id}: converting ${entry.source.file} to ONNX failed: ${(error as Error).message}`, { cause: error });
  }
  const mismatches = manifestMismatches(entry, onnx);
  if (mismatches.length > 0) {
    throw new ModelProvisioningError(`${entry.id}: the converted model does not match its manifest entry:\n  - ${mismatches.join('\n  - ')}`);
  }
  writeFileAtomic(paths.onnx, onnx);
  if (labels && paths.labels && labels.path !== paths.labels) writeFileAtomic(paths.labels, labels.bytes);
  const stamp: Stamp = {
    modelId: entry.id,
    sourceSha256: entry.source.sha256,
    labelsSha256: entry.labels?.sha256 ?? null,
    converterVersion: TFLITE_CONVERTER_VERSION,
    inputSide: side,
    onnxSha256: sha256Hex(onnx),
    convertedAt: new Date().toISOString(),
  };
  // written last: a stamp only ever describes a complete model
  writeFileAtomic(paths.stamp, `${JSON.stringify(stamp, null, 2)}\n`);
  log(`${entry.id}: converted to ${path.relative(repoRoot, paths.onnx)} (${(onnx.length / 1e6).toFixed(1)} MB)`);
  return done('converted', source.from);
}

type Missing = Extract<PinnedResult, { ok: false }> & { pin: PinnedFile };

async function obtain(entry: ModelEntry, pin: PinnedFile, lookup: PinnedLookup): Promise<PinnedResult & { pin: PinnedFile }> {
  try {
    return { ...(await obtainPinnedFile(pin, lookup)), pin };
  } catch (error) {
    if (error instanceof PinnedFileMismatchError) throw new ModelProvisioningError(`${entry.id}: ${error.message}`, { cause: error });
    throw error;
  }
}

/** The manifest's input size is the one place that says the side the converted model takes; the converter takes squares. */
function inputSide(entry: ModelEntry): number {
  const [h, w] = entry.input.size;
  if (h !== w) throw new ModelProvisioningError(`${entry.id}: input size [${h}, ${w}] in the manifest is not square; the converter takes one side`);
  return h;
}

/** The generated files exist, match their stamp, and the stamp matches the manifest and this converter. */
function isUpToDate(entry: ModelEntry, paths: ReturnType<typeof modelPaths>, side: number): boolean {
  const stamp = readStamp(paths.stamp);
  if (!stamp || !existsSync(paths.onnx)) return false;
  if (
    stamp.modelId !== entry.id ||
    stamp.sourceSha256 !== entry.source.sha256 ||
    stamp.labelsSha256 !== (entry.labels?.sha256 ?? null) ||
    stamp.converterVersion !== TFLITE_CONVERTER_VERSION ||
    stamp.inputSide !== side
  ) {
    return false;
  }
  if (paths.labels && entry.labels && !(existsSync(paths.labels) && sha256Hex(readFileSync(paths.labels)) === entry.labels.sha256)) return false;
  // hashing 14 MB takes tens of ms and catches a truncated or edited model
  return sha256Hex(readFileSync(paths.onnx)) === stamp.onnxSha256;
}

function readStamp(file: string): Stamp | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Stamp;
  } catch {
    return null;
  }
}

function missingFilesError(entry: ModelEntry, missing: Missing[]): ModelProvisioningError {
  const lines = [`Cannot provision model "${entry.id}": ${missing.map((m) => m.pin.file).join(' and ')} not found.`];
  for (const m of missing) {
    lines.push(`${m.pin.file} (sha256 ${m.pin.sha256}) - looked in:`, ...m.looked.map((where) => `  - ${where}`));
  }
  lines.push(
    `To fix: set ${MIRROR_ENV} to a folder that contains ${missing.map((m) => m.pin.file).join(' and ')} ` +
      `(e.g. the team kit's models/ folder), or connect to the internet so they can be downloaded from ` +
      `${missing.map((m) => m.pin.url).join(' and ')}; then run \`npm run provision\` again.`,
  );
  return new ModelProvisioningError(lines.join('\n'));
}

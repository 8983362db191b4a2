// A compatibility model on disk: a model folder with compat.json (format, config, metadata and where each
// tensor lies) and compat.bin (the float32 tensors, little-endian). Written to temporary names and
// renamed, so a reader never sees half a model. The app ships one in models/compat; a house style taught
// from a lookbook lives in the library folder (house-style/) and takes precedence for that library.
import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '../learning/nn/rng.ts';
import { REPO_ROOT } from '../paths.ts';
import { CompatModel } from './model.ts';
import type { CompatConfig, CompatMeta } from './model.ts';

export const FORMAT = 'stylist-compat/1';
export const MODEL_JSON = 'compat.json';
export const MODEL_BIN = 'compat.bin';
/** The model the app ships (trained on redistributable data only; see models/compat/README.md). */
export const SHIPPED_COMPAT_DIR = path.join(REPO_ROOT, 'models', 'compat');
/** Where a library keeps the house style it was taught. */
export const HOUSE_STYLE_DIRNAME = 'house-style';

interface TensorEntry {
  name: string;
  offset: number;
  length: number;
}

interface ModelFile {
  format: string;
  id: string;
  config: CompatConfig;
  pca: { dim: number; k: number };
  meta: CompatMeta;
  tensors: TensorEntry[];
}

function tensorsOf(model: CompatModel): { name: string; value: Float32Array }[] {
  const { pca } = model.transform;
  return [
    { name: 'pca.mean', value: pca.mean },
    { name: 'pca.components', value: pca.components },
    { name: 'pca.eigenvalues', value: pca.eigenvalues },
    ...model.params().map((p) => ({ name: p.name, value: p.value })),
  ];
}

export function saveModel(model: CompatModel, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const tensors = tensorsOf(model);
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const t of tensors) {
    entries.push({ name: t.name, offset, length: t.value.length });
    offset += t.value.length;
  }
  const all = new Float32Array(offset);
  tensors.forEach((t, i) => all.set(t.value, entries[i]!.offset));
  const file: ModelFile = { format: FORMAT, id: model.id, config: model.config, pca: { dim: model.transform.pca.dim, k: model.transform.pca.k }, meta: model.meta, tensors: entries };
  const write = (name: string, data: string | Uint8Array) => {
    const tmp = path.join(dir, `.${name}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, path.join(dir, name));
  };
  // The weights first: compat.json names a model only once its tensors are in place.
  write(MODEL_BIN, new Uint8Array(all.buffer));
  write(MODEL_JSON, `${JSON.stringify(file, null, 1)}\n`);
}

export function hasModel(dir: string): boolean {
  return fs.existsSync(path.join(dir, MODEL_JSON)) && fs.existsSync(path.join(dir, MODEL_BIN));
}

export function loadModel(dir: string): CompatModel {
  if (!hasModel(dir)) throw new Error(`no outfit model in ${dir} (${MODEL_JSON} + ${MODEL_BIN})`);
  const file = JSON.parse(fs.readFileSync(path.join(dir, MODEL_JSON), 'utf8')) as ModelFile;
  if (file.format !== FORMAT) throw new Error(`${path.join(dir, MODEL_JSON)} is not a ${FORMAT} model (format ${String(file.format)})`);
  const buf = fs.readFileSync(path.join(dir, MODEL_BIN));
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const tensor = (name: string, length: number) => {
    const e = file.tensors.find((t) => t.name === name);
    if (!e || e.length !== length || e.offset + e.length > all.length) throw new Error(`${dir}: tensor ${name} is missing or has the wrong size`);
    return all.slice(e.offset, e.offset + e.length);
  };
  const { dim, k } = file.pca;
  const pca = { dim, k, mean: tensor('pca.mean', dim), components: tensor('pca.components', k * dim), eigenvalues: tensor('pca.eigenvalues', k) };
  const model = new CompatModel(file.config, { pca }, new Rng(1), file.meta);
  for (const p of model.params()) p.value.set(tensor(p.name, p.value.length));
  model.markChanged();
  return model;
}

/**
 * The shipped outfit model beside the backbone's folder: <resources>/models/compat in a packaged app (both are
 * extraResources), models/compat next to models/generated in the source tree.
 */
export function shippedCompatDir(backboneDir: string): string {
  for (const dir of [path.join(backboneDir, 'compat'), path.join(backboneDir, '..', 'compat')]) {
    if (hasModel(dir)) return path.resolve(dir);
  }
  return SHIPPED_COMPAT_DIR;
}

/**
 * The model a library uses: its taught house style if there is one, taught on the features of this backbone
 * (`backboneSha256`, when known), else the shipped model. A house style taught with another backbone reads its
 * items' features wrongly: it is `outdated`, and the shipped model serves until it is taught again.
 */
export function modelDirFor(libraryRoot: string, shippedDir = SHIPPED_COMPAT_DIR, backboneSha256: string | null = null): { dir: string; source: 'house-style' | 'shipped'; outdated: boolean } {
  const house = path.join(libraryRoot, HOUSE_STYLE_DIRNAME);
  if (!hasModel(house)) return { dir: shippedDir, source: 'shipped', outdated: false };
  if (backboneSha256 !== null && readMeta(house).backboneSha256 !== backboneSha256) return { dir: shippedDir, source: 'shipped', outdated: true };
  return { dir: house, source: 'house-style', outdated: false };
}

function readMeta(dir: string): CompatMeta {
  return (JSON.parse(fs.readFileSync(path.join(dir, MODEL_JSON), 'utf8')) as ModelFile).meta;
}

// Where the shipped outfit model is found: beside the backbone's folder, as a packaged app lays out its
// extraResources (<resources>/models and <resources>/models/compat), or as the source tree does.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MODEL_BIN, MODEL_JSON, SHIPPED_COMPAT_DIR, modelDirFor, shippedCompatDir } from '../../../electron/core/compat/store.ts';
import { GENERATED_MODELS_DIR } from '../../../electron/core/paths.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stylist-shipped-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function fakeModel(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(SHIPPED_COMPAT_DIR, MODEL_JSON), path.join(dir, MODEL_JSON));
  fs.copyFileSync(path.join(SHIPPED_COMPAT_DIR, MODEL_BIN), path.join(dir, MODEL_BIN));
}

describe('the shipped outfit model', () => {
  it('is <resources>/models/compat in a packaged app', () => {
    const resources = path.join(root, 'resources');
    fakeModel(path.join(resources, 'models', 'compat'));
    expect(shippedCompatDir(path.join(resources, 'models'))).toBe(path.join(resources, 'models', 'compat'));
  });

  it('is models/compat next to models/generated in the source tree', () => {
    expect(shippedCompatDir(GENERATED_MODELS_DIR)).toBe(SHIPPED_COMPAT_DIR);
  });

  it('is what a library without a house style uses, and a house style wins over it', () => {
    const shipped = path.join(root, 'resources', 'models', 'compat');
    const library = path.join(root, 'library');
    expect(modelDirFor(library, shipped)).toEqual({ dir: shipped, source: 'shipped', outdated: false });
    fakeModel(path.join(library, 'house-style'));
    expect(modelDirFor(library, shipped)).toEqual({ dir: path.join(library, 'house-style'), source: 'house-style', outdated: false });
  });
});

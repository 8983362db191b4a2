// Where tests find the team kit (real photos, the model mirror) and the provisioned model. The kit is read
// in place, never copied: STYLIST_KIT, or ../shared beside the repo.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, GENERATED_MODELS_DIR } from '../../electron/core/paths.ts';

export const KIT_DIR = path.resolve(process.env.STYLIST_KIT ?? path.join(REPO_ROOT, '..', 'shared'));
export const CLOTHING_DIR = path.join(KIT_DIR, 'data', 'clothing-dataset');
export const MODEL_DIR = GENERATED_MODELS_DIR;

export function requireKit(): void {
  if (!fs.existsSync(path.join(CLOTHING_DIR, 'images.csv'))) {
    throw new Error(`the team kit was not found at ${KIT_DIR}: set STYLIST_KIT to its folder`);
  }
}

export function requireModel(): void {
  if (!fs.existsSync(path.join(MODEL_DIR, 'mobilenet_v2_imagenet.onnx'))) {
    throw new Error(`the backbone is not provisioned in ${MODEL_DIR}: run \`npm run provision\` first (the test command does)`);
  }
}

export interface KitPhoto {
  image: string;
  senderId: number;
  label: string;
  file: string;
}

/** The labelled photos of the clothing dataset that exist on disk. */
export function clothingPhotos(): KitPhoto[] {
  requireKit();
  const lines = fs.readFileSync(path.join(CLOTHING_DIR, 'images.csv'), 'utf8').trim().split('\n').slice(1);
  return lines
    .map((line) => {
      const [image, sender, label] = line.split(',');
      return { image: image!, senderId: Number(sender), label: label!, file: path.join(CLOTHING_DIR, 'images', `${image}.jpg`) };
    })
    .filter((p) => fs.existsSync(p.file));
}

export function tempDir(prefix = 'stylist-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

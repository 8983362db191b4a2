// Backbone features of the clothing dataset for training and evaluating the item heads. Each photo has
// two views, as at import: its embedding and its centre embedding (both outputs of one backbone pass); for
// training, the same of the photo flipped left-right (augmentation). Both come from embedFiles and its cache.
// The data folder is resolved first, so the caches do not depend on how it was spelled.
import path from 'node:path';
import { loadClothingDataset } from '../datasets/clothing-dataset.ts';
import type { ClothingPhoto } from '../datasets/clothing-dataset.ts';
import { embedFiles } from '../datasets/embed-files.ts';

export interface PhotoViews {
  /** Backbone embedding of the photo as imported. */
  embedding: Float32Array;
  /** Backbone centre embedding (the `centre` output: the same pooling over the centre of the photo). */
  centre: Float32Array;
}

export interface FeaturePhoto extends ClothingPhoto, PhotoViews {
  /** The same views of the photo flipped left-right; null unless asked for. */
  mirrored: PhotoViews | null;
}

type Progress = (what: string) => (done: number, total: number) => void;

export async function loadDatasetFeatures(dataDir: string, modelPath: string, options: { mirror?: boolean; onProgress?: Progress } = {}): Promise<FeaturePhoto[]> {
  const photos = loadClothingDataset(path.resolve(dataDir));
  const files = photos.map((p) => p.file);
  const plain = await embedFiles(files, { modelPath, onProgress: options.onProgress?.('embedding') });
  const mirrored = options.mirror ? await embedFiles(files, { modelPath, mirror: true, onProgress: options.onProgress?.('embedding (mirrored)') }) : null;
  return photos.flatMap((p, i) => {
    const e = plain.embeddings[i];
    const c = plain.centres[i];
    if (!e || !c) return [];
    const me = mirrored?.embeddings[i];
    const mc = mirrored?.centres[i];
    return [{ ...p, embedding: e, centre: c, mirrored: me && mc ? { embedding: me, centre: mc } : null }];
  });
}

// Small libraries without the image model: items with random (seeded) embeddings and tiny stand-in files whose
// bytes hash to the item's name, stored through the same LibraryFiles and ItemsRepo the importer uses.
import crypto from 'node:crypto';
import type { GarmentType } from '../../shared/api.ts';
import type { Core } from '../../electron/core/core.ts';
import type { Rng } from '../../electron/core/learning/nn/rng.ts';
import { sha256Hex } from '../../electron/core/library/library-files.ts';
import type { NewItem } from '../../electron/core/library/items-repo.ts';

const TYPES: GarmentType[] = ['top', 'bottom', 'shoes', 'dress', 'outerwear'];

export async function addSyntheticItems(core: Core, personId: number, count: number, rng: Rng): Promise<number[]> {
  const { files, repo } = core.services;
  const items: NewItem[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = crypto.randomBytes(32);
    const sha256 = sha256Hex(bytes);
    await files.writeAtomic(files.mediaPath('original', sha256, 'jpg')!, bytes);
    await files.writeAtomic(files.mediaPath('thumb', sha256)!, bytes);
    items.push({
      sha256,
      fileName: `synthetic-${i}.jpg`,
      ext: 'jpg',
      width: 10,
      height: 10,
      type: TYPES[i % TYPES.length]!,
      typeConfidence: 0.5,
      tags: [{ label: 'jersey', p: 0.5 }],
      colors: [{ hex: '#112233', name: 'navy', share: 1 }],
      embedding: Float32Array.from({ length: 1280 }, () => Math.max(0, rng.normal())),
    });
  }
  return repo.insertBatch(personId, items, []);
}

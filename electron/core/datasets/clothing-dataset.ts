// The CC0 clothing dataset of the team kit: real photos of people's own clothes, split by the person who
// took them (never by photo: one person's photos share a floor and a light). Test people: sender_id % 5 == 0.
import fs from 'node:fs';
import path from 'node:path';
import { parseCsvRecords } from './csv.ts';

export interface ClothingPhoto {
  image: string;
  senderId: number;
  label: string;
  kids: boolean;
  file: string;
  split: 'train' | 'test';
}

export function loadClothingDataset(dir: string): ClothingPhoto[] {
  const csv = path.join(dir, 'images.csv');
  if (!fs.existsSync(csv)) throw new Error(`no images.csv in ${dir}: pass the clothing dataset's folder (the kit's data/clothing-dataset)`);
  return parseCsvRecords(fs.readFileSync(csv, 'utf8'), ['image', 'sender_id', 'label'])
    .map(({ record }) => {
      const senderId = Number(record.sender_id);
      return {
        image: record.image!,
        senderId,
        label: record.label!,
        kids: record.kids === 'True',
        file: path.join(dir, 'images', `${record.image}.jpg`),
        split: senderId % 5 === 0 ? ('test' as const) : ('train' as const),
      };
    })
    .filter((p) => fs.existsSync(p.file));
}

// Where the trained heads live: models/heads/ in the source tree (beside models/generated, which holds the
// backbone), or heads/ inside the backbone's own folder (where a packaged app would carry them).
import fs from 'node:fs';
import path from 'node:path';
import { HEADS_FILE } from './files.ts';

export function locateHeads(backbonePath: string): string | null {
  const dir = path.dirname(backbonePath);
  for (const candidate of [path.join(dir, 'heads', HEADS_FILE), path.join(dir, '..', 'heads', HEADS_FILE)]) {
    if (fs.existsSync(candidate)) return path.resolve(candidate);
  }
  return null;
}

// "Teach the house style" through the real core: a lookbook folder (a slice of the team kit's lookbook, in a
// temporary folder beside the kit's images, never in the repo) is read, embedded and trained on with
// progress; the library then uses the house style.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, openView, shot } from './fixtures.ts';
import { KIT_DIR } from '../helpers/kit.ts';

const LOOKBOOK = path.join(KIT_DIR, 'data', 'lookbook-dev');
const OUTFITS = 120;

/** The first OUTFITS outfits of the kit's lookbook as a lookbook folder of their own (images linked, not copied). */
function smallLookbook(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stylist-lookbook-'));
  const [outfitHeader, ...outfitRows] = fs.readFileSync(path.join(LOOKBOOK, 'outfits.csv'), 'utf8').trim().split('\n');
  const ids = [...new Set(outfitRows.map((r) => r.split(',')[0]!))].slice(0, OUTFITS);
  const keep = outfitRows.filter((r) => ids.includes(r.split(',')[0]!));
  const items = new Set(keep.map((r) => r.split(',')[1]!.trim()));
  const [itemHeader, ...itemRows] = fs.readFileSync(path.join(LOOKBOOK, 'items.csv'), 'utf8').trim().split('\n');
  fs.writeFileSync(path.join(dir, 'outfits.csv'), [outfitHeader, ...keep].join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'items.csv'), [itemHeader, ...itemRows.filter((r) => items.has(r.split(',')[0]!))].join('\n') + '\n');
  fs.symlinkSync(path.join(LOOKBOOK, 'images'), path.join(dir, 'images'));
  return dir;
}

test('teach the house style from a lookbook folder, with progress; the library then uses it', async ({ page, app }) => {
  test.skip(!fs.existsSync(path.join(LOOKBOOK, 'outfits.csv')), `the kit's lookbook is not at ${LOOKBOOK}`);
  test.setTimeout(600_000);
  void app;
  await openView(page, 'House style');
  const info = page.getByTestId('style-info');
  await expect(info).toContainText('Shipped with the app');
  await page.getByLabel('Lookbook folder').fill(smallLookbook());
  await page.getByRole('button', { name: 'Teach the house style' }).click();
  const progress = page.getByTestId('style-progress');
  await expect(progress.getByRole('progressbar', { name: 'House style progress' })).toBeVisible();
  // Record the phases the progress goes through.
  const phases = new Set<string>();
  for (;;) {
    const heading = (await progress.getByRole('heading').first().textContent()) ?? '';
    phases.add(heading);
    if (/learned|failed|cancelled/.test(heading)) break;
    if (/Learning the house style/.test(heading)) await shot(page, 'house-style-training');
    await page.waitForTimeout(250);
  }
  await expect(progress.getByRole('heading')).toHaveText('House style learned', { timeout: 1000 });
  expect([...phases].some((p) => /Looking at every garment|Learning the house style/.test(p))).toBe(true);
  await expect(info).toContainText('Your house style');
  await shot(page, 'house-style');
});

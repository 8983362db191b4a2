// The walking skeleton as a person meets it: a real photo from the kit goes in through the window, shows
// in the wardrobe, comes back in a suggested outfit, and a like is recorded in the library.
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { test, expect } from './fixtures.ts';
import { clothingPhotos } from '../helpers/kit.ts';

const testPeople = clothingPhotos().filter((p) => p.senderId % 5 === 0);
const first = (label: string) => testPeople.find((p) => p.label === label)!;

test('import a real photo, see it in a suggested outfit, like it', async ({ page, app }) => {
  const top = first('T-Shirt');
  const bottom = first('Pants');
  const shoes = first('Shoes');

  await page.getByRole('tab', { name: /import/i }).or(page.getByRole('button', { name: /^import/i })).first().click();
  await page.getByTestId('import-file-input').setInputFiles([top.file, bottom.file, shoes.file]);
  await expect(page.getByTestId('import-progress')).toContainText(/3\s*(of|\/)\s*3/);

  await page.getByRole('tab', { name: /wardrobe/i }).or(page.getByRole('button', { name: /^wardrobe/i })).first().click();
  const cards = page.getByTestId('item-card');
  await expect(cards).toHaveCount(3);

  // The ImageNet prior only guesses types; correct them as a person would.
  const want: Record<string, string> = { [path.basename(top.file)]: 'top', [path.basename(bottom.file)]: 'bottom', [path.basename(shoes.file)]: 'shoes' };
  const db = new BetterSqlite3(path.join(app.libraryDir, 'library.db'), { readonly: true });
  const rows = db.prepare('SELECT id, file_name AS fileName FROM items').all() as { id: number; fileName: string }[];
  for (let i = 0; i < 3; i++) {
    const card = cards.nth(i);
    const select = card.getByRole('combobox');
    const label = (await card.getAttribute('data-file-name')) ?? (await card.textContent()) ?? '';
    const name = Object.keys(want).find((n) => label.includes(n)) ?? rows[i]!.fileName;
    await select.selectOption(want[name]!);
  }

  await page.getByRole('tab', { name: /suggest/i }).or(page.getByRole('button', { name: /^suggest/i })).first().click();
  const outfit = page.getByTestId('outfit-card').first();
  await expect(outfit).toBeVisible();
  await expect(outfit.locator('img')).toHaveCount(3);
  // Every photo in the outfit really loaded from the library.
  for (const img of await outfit.locator('img').all()) {
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
  }
  fs.mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: 'test-results/screenshots/skeleton-suggestion.png' });

  await page.getByTestId('like-button').first().click();
  await expect.poll(() => db.prepare("SELECT count(*) AS n FROM judgements WHERE verdict = 'like'").get()).toEqual({ n: 1 });
  const judged = JSON.parse((db.prepare('SELECT item_ids_json AS ids FROM judgements').get() as { ids: string }).ids) as number[];
  expect(judged.sort()).toEqual(rows.map((r) => r.id).sort());
  db.close();
});

// First run, import and the wardrobe as a person meets them, through the real core and the real model:
// real kit photos (one broken file among them) picked and dropped, progress and failures, correcting types
// in the grid and on an item's page, filters, several garments archived / removed / retyped with undo,
// archiving with a reason, and cancelling an import.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, openView, shot } from './fixtures.ts';
import { clothingPhotos } from '../helpers/kit.ts';

test.describe.configure({ mode: 'serial' });

const people = clothingPhotos().filter((p) => p.senderId % 5 === 0);
const photos = (label: string, n: number, skip = 0) => people.filter((p) => p.label === label).slice(skip, skip + n).map((p) => p.file);
const tees = photos('T-Shirt', 3);
const pants = photos('Pants', 2);
const shoes = photos('Shoes', 2);
const dress = photos('Dress', 1);
const coat = photos('Outwear', 1);
const picked = [...tees, ...pants, ...shoes, ...dress, ...coat];
const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'stylist-broken-')), 'broken-photo.jpg');
fs.writeFileSync(broken, Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7)]));
const base = (file: string) => path.basename(file);
const card = (page: Page, file: string) => page.locator(`[data-testid="item-card"][data-file-name="${base(file)}"]`);

test('first run: an empty wardrobe says what to do, in light and dark', async ({ page, app }) => {
  void app;
  await expect(page.getByText('Import photos of your clothes')).toBeVisible();
  await expect(page.getByText('Check the types the stylist is unsure of.', { exact: false })).toBeVisible();
  await shot(page, 'first-run');
  await page.getByRole('button', { name: 'Use the dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await shot(page, 'first-run-dark');
  await page.getByRole('button', { name: 'Use the light theme' }).click();
  await page.getByText('Import photos of your clothes').locator('..').getByRole('button', { name: /import photos/i }).click();
  await expect(page.getByTestId('import-dropzone')).toBeVisible();
});

test('import: real photos picked with a broken file among them; progress with rate and ETA; the failure and why', async ({ page, app }) => {
  test.setTimeout(240_000);
  void app;
  await openView(page, 'Import');
  // Record what the progress line says while the import runs (it may be quick).
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { progressSeen: string[] }).progressSeen = seen;
    new MutationObserver(() => {
      const detail = document.querySelector('.progress__detail')?.textContent;
      if (detail && seen.at(-1) !== detail) seen.push(detail);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByTestId('import-file-input').setInputFiles([...picked, broken]);
  await expect(page.getByRole('heading', { name: 'Import finished' })).toBeVisible({ timeout: 180_000 });
  await expect(page.getByTestId('import-progress')).toContainText(`${picked.length + 1} of ${picked.length + 1} photos`);
  const failures = page.getByTestId('import-failures');
  await expect(failures).toContainText('broken-photo.jpg');
  await expect(failures.locator('.failures__error')).not.toBeEmpty();
  const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
  expect(seen.some((s) => /images\/s · (about .* left|almost done|estimating…)/.test(s))).toBe(true);
  await expect(page.locator('.stats__item', { hasText: 'Imported' }).locator('dd')).toHaveText(String(picked.length));
  await shot(page, 'import');
  await page.getByRole('button', { name: 'View wardrobe' }).click();
  await expect(page.getByTestId('item-card')).toHaveCount(picked.length);
});

/** Drops files on an element the way a file manager does (a DataTransfer of File objects). */
async function drop(page: Page, target: ReturnType<Page['locator']>, files: string[]) {
  const payload = files.map((f) => ({ name: base(f), data: fs.readFileSync(f).toString('base64') }));
  await target.evaluate((el, payload) => {
    const transfer = new DataTransfer();
    for (const { name, data } of payload) transfer.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], name, { type: 'image/jpeg' }));
    for (const type of ['dragenter', 'dragover', 'drop']) el.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
  }, payload);
}

test('import: photos dropped on the drop zone, and anywhere in the window', async ({ page, app }) => {
  void app;
  await openView(page, 'Import');
  const [skirt] = photos('Skirt', 1);
  await drop(page, page.getByTestId('import-dropzone'), [skirt!]);
  await expect(page.getByRole('heading', { name: 'Import finished' })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('import-progress')).toContainText('1 of 1 photo');
  await openView(page, 'Wardrobe');
  await expect(card(page, skirt!)).toBeVisible();

  // Dropped on the wardrobe: the import starts and the Import view shows it.
  const [hat] = photos('Hat', 1);
  await drop(page, page.getByTestId('wardrobe-grid'), [hat!]);
  await expect(page.getByRole('heading', { name: 'Import', level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Import finished' })).toBeVisible({ timeout: 60_000 });
  await openView(page, 'Wardrobe');
  await expect(card(page, hat!)).toBeVisible();
  // The hat is not part of the outfits here: it goes.
  await card(page, hat!).getByLabel(`Select ${base(hat!)}`).check();
  await page.getByTestId('selection-bar').getByRole('button', { name: 'Remove' }).click();
  await expect(card(page, hat!)).toHaveCount(0);
});

test('correct a type in the grid, and on the item page with its confidence', async ({ page, app }) => {
  await openView(page, 'Wardrobe');
  const all = async () => (await app.call('items.list', { personId: 1, limit: 100 })).items;
  const itemOf = async (file: string) => (await all()).find((i) => i.fileName === base(file))!;
  const predicted = new Map((await all()).map((i) => [i.fileName, i.type]));
  // Every garment as the person knows it (where the stylist guessed right, choosing the same type changes nothing).
  const want = [...tees.map((f) => [f, 'top']), ...pants.map((f) => [f, 'bottom']), ...shoes.map((f) => [f, 'shoes']), [dress[0]!, 'dress']] as [string, string][];
  for (const [file, type] of want) await card(page, file).getByRole('combobox').selectOption(type);
  await expect.poll(async () => (await all()).filter((i) => want.some(([f, t]) => base(f) === i.fileName && t === i.type)).length).toBe(want.length);
  // A type the person chose is theirs from now on.
  for (const item of await all()) {
    const wanted = want.find(([f]) => base(f) === item.fileName)?.[1];
    if (wanted && predicted.get(item.fileName) !== wanted) expect(item.typeSource).toBe('user');
  }
  // And a correction the person makes on a card that was guessed right (this pair of trousers is worn as shorts: still a bottom).
  await card(page, pants[0]!).getByRole('combobox').selectOption('dress');
  await expect.poll(async () => (await itemOf(pants[0]!)).type).toBe('dress');
  await card(page, pants[0]!).getByRole('combobox').selectOption('bottom');
  await expect.poll(async () => [(await itemOf(pants[0]!)).type, (await itemOf(pants[0]!)).typeSource]).toEqual(['bottom', 'user']);

  // The coat on its own page: what the stylist guessed, and how sure it was; then the correction.
  await card(page, coat[0]!).getByRole('button', { name: `Open ${base(coat[0]!)}` }).click();
  const view = page.getByTestId('item-view');
  await expect(view.getByTestId('type-confidence')).toHaveText(/Predicted, \d+% sure|Not recognised/);
  await expect(view.getByRole('img', { name: new RegExp(base(coat[0]!)) }).first()).toBeVisible();
  await expect.poll(() => view.locator('.item-view__photo img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  // Whatever the guess, the person's word is kept: set it (through another type if the guess was already right).
  if ((await itemOf(coat[0]!)).type === 'outerwear') {
    await view.getByLabel('Type').selectOption('top');
    await expect(view.getByRole('heading', { level: 1 })).toHaveText('Top');
  }
  await view.getByLabel('Type').selectOption('outerwear');
  await expect(view.getByTestId('type-confidence')).toHaveText('Set by you');
  await expect(view.getByRole('heading', { level: 1 })).toHaveText('Outerwear');
  await shot(page, 'item');
  const outerwear = (await app.call('items.list', { personId: 1, type: 'outerwear' })).items;
  expect(outerwear.map((i) => [i.fileName, i.typeSource])).toEqual([[base(coat[0]!), 'user']]);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('wardrobe-grid')).toBeVisible();
});

test('more like this: the garments most like one, from its page', async ({ page, app }) => {
  const tee = (await app.call('items.list', { personId: 1, limit: 100 })).items.find((i) => i.fileName === base(tees[0]!))!;
  const onPage = await app.call('items.similar', { itemId: tee.id, k: 8, personId: 1 });
  const inGrid = await app.call('items.similar', { itemId: tee.id, k: 60, personId: 1 });
  expect(onPage.length).toBeGreaterThan(0);
  await openView(page, 'Wardrobe');
  await card(page, tees[0]!).getByRole('button', { name: `Open ${base(tees[0]!)}` }).click();
  const view = page.getByTestId('item-view');
  await expect(view.locator('.similar-strip li')).toHaveCount(onPage.filter((i) => i.id !== tee.id).length);
  await view.getByRole('button', { name: 'More like this' }).click();
  await expect(page.getByRole('heading', { name: 'More like this', level: 1 })).toBeVisible();
  await expect(page.getByTestId('item-card')).toHaveCount(inGrid.length);
  await expect(page.getByTestId('item-card').first()).toHaveAttribute('data-file-name', inGrid[0]!.fileName);
  await shot(page, 'more-like-this');
  await page.getByRole('button', { name: 'Whole wardrobe' }).click();
  await expect(page.getByRole('heading', { name: 'Wardrobe', level: 1 })).toBeVisible();
});

test('filter by type and colour; several garments archived, removed and retyped, each with undo', async ({ page, app }) => {
  await openView(page, 'Wardrobe');
  const cards = page.getByTestId('item-card');
  const tops = (await app.call('items.list', { personId: 1, type: 'top' })).total;
  await page.getByRole('radio', { name: `Tops, ${tops}` }).check();
  await expect(cards).toHaveCount(tops);
  await page.getByRole('radio', { name: /^All, / }).check();
  // The colours the wardrobe really has are offered; choosing one narrows the grid to garments of it.
  const colour = page.getByLabel('Colour', { exact: true });
  const firstColour = await colour.locator('option').nth(1).getAttribute('value');
  await colour.selectOption(firstColour!);
  const withColour = (await app.call('items.list', { personId: 1, color: firstColour! })).total;
  await expect(cards).toHaveCount(withColour);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  const total = picked.length + 1;
  await expect(cards).toHaveCount(total);

  // Archive two tops as donated, then undo.
  await card(page, tees[0]!).getByLabel(`Select ${base(tees[0]!)}`).check();
  await card(page, tees[1]!).getByLabel(`Select ${base(tees[1]!)}`).check();
  const bar = page.getByTestId('selection-bar');
  await expect(bar).toContainText('2 items selected');
  await bar.getByLabel('Archive reason').selectOption('donated');
  await shot(page, 'wardrobe-selection');
  await bar.getByRole('button', { name: 'Archive' }).click();
  await expect(cards).toHaveCount(total - 2);
  expect((await app.call('items.list', { personId: 1, archived: true })).items.map((i) => i.archiveReason)).toEqual(['donated', 'donated']);
  await page.getByTestId('toasts').getByRole('button', { name: 'Undo' }).click();
  await expect(cards).toHaveCount(total);

  // Remove one with the Delete key, then undo.
  await card(page, pants[1]!).getByLabel(`Select ${base(pants[1]!)}`).check();
  await page.keyboard.press('Delete');
  await expect(cards).toHaveCount(total - 1);
  await page.getByTestId('toasts').getByRole('button', { name: 'Undo' }).click();
  await expect(cards).toHaveCount(total);

  // Retype two at once.
  const skirt = photos('Skirt', 1)[0]!;
  await card(page, skirt).getByLabel(`Select ${base(skirt)}`).check();
  await card(page, pants[0]!).getByLabel(`Select ${base(pants[0]!)}`).check();
  await bar.getByLabel('New type').selectOption('bottom');
  await bar.getByRole('button', { name: 'Set type' }).click();
  await expect(bar).toBeHidden();
  await expect.poll(async () => (await app.call('items.list', { personId: 1, type: 'bottom', limit: 100 })).items.map((i) => i.fileName)).toEqual(expect.arrayContaining([base(skirt), ...pants.map(base)]));
  await shot(page, 'wardrobe');
});

test('archive a garment with a reason from its page; it shows under Archived', async ({ page, app }) => {
  void app;
  await openView(page, 'Wardrobe');
  await card(page, tees[2]!).getByRole('button', { name: `Open ${base(tees[2]!)}` }).click();
  const view = page.getByTestId('item-view');
  await view.getByLabel('Reason').selectOption('sold');
  await view.getByRole('button', { name: 'Archive' }).click();
  await expect(view.getByRole('heading', { name: 'Archived: sold' })).toBeVisible();
  await view.getByRole('button', { name: 'Back', exact: true }).click();
  await page.getByLabel('Archived', { exact: true }).check();
  await expect(page.getByTestId('item-card')).toHaveCount(1);
  await expect(card(page, tees[2]!)).toContainText('sold');
});

test('cancel a running import', async ({ page, app }) => {
  test.setTimeout(180_000);
  await openView(page, 'Import');
  // Enough photos that the import is still running when Cancel is pressed, even on a quiet machine.
  const many = [...photos('Longsleeve', 120), ...photos('T-Shirt', 120, 3)];
  expect(many.length).toBeGreaterThan(200);
  await page.getByTestId('import-file-input').setInputFiles(many);
  await page.getByRole('button', { name: 'Cancel import' }).click();
  await expect(page.getByRole('heading', { name: 'Import cancelled' })).toBeVisible({ timeout: 120_000 });
  const longsleeves = (await app.call('items.list', { personId: 1, limit: 1000 })).items.filter((i) => many.some((f) => base(f) === i.fileName));
  expect(longsleeves.length).toBeLessThan(many.length);
});

// Suggestions through the real core and real kit photos: outfit cards top to bottom, like / dislike / next
// with the keyboard (the shortcuts are shown), why this outfit, locking a garment, building around an item,
// and the saved (liked) looks. (The model indicator is covered with the model versions, in people.spec.ts.)
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, openView, shot, waitForImport } from './fixtures.ts';
import type { Served } from './fixtures.ts';
import { clothingPhotos } from '../helpers/kit.ts';

test.describe.configure({ mode: 'serial' });

const kit = clothingPhotos().filter((p) => p.senderId % 5 === 0);
const photos = (label: string, n: number) => kit.filter((p) => p.label === label).slice(0, n).map((p) => p.file);
const wardrobe = { top: [...photos('T-Shirt', 2), ...photos('Shirt', 1)], bottom: [...photos('Pants', 2), ...photos('Shorts', 1)], shoes: photos('Shoes', 3) };

/** The kit photos in the wardrobe of "Me", typed as a person would have corrected them (set up through the API). */
async function prepare(app: Served, page: Page) {
  await expect(page.getByTestId('person-switcher')).toHaveValue('1');
  if ((await app.call('items.list', { personId: 1 })).total > 0) return;
  const { jobId } = await app.call('import.paths', { personId: 1, paths: Object.values(wardrobe).flat() });
  expect((await waitForImport(app, jobId)).imported).toBe(9);
  const items = (await app.call('items.list', { personId: 1, limit: 100 })).items;
  for (const [type, files] of Object.entries(wardrobe) as ['top' | 'bottom' | 'shoes', string[]][]) {
    for (const file of files) await app.call('items.setType', { itemId: items.find((i) => i.fileName === path.basename(file))!.id, type });
  }
  await page.reload();
}

const card = (page: Page) => page.getByTestId('outfit-card');
const idsOnCard = async (page: Page) => (await card(page).getByRole('img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).src.match(/thumb\/([0-9a-f]{64})/)?.[1])));

test('an outfit card shows the garments top to bottom, why it was chosen, and the shortcuts', async ({ page, app }) => {
  await prepare(app, page);
  await openView(page, 'Suggestions');
  await expect(card(page)).toBeVisible();
  const imgs = card(page).getByRole('img');
  await expect(imgs).toHaveCount(3);
  for (const img of await imgs.all()) await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
  // Top to bottom: top, bottom, shoes.
  const types = await card(page).locator('.outfit-card__type').allTextContents();
  expect(types).toEqual(['Top', 'Bottom', 'Shoes']);
  const why = page.getByRole('region', { name: 'Why this outfit' });
  await expect(why).toContainText('Top + Bottom');
  await expect(why.locator('.why__pair')).toHaveCount(3);
  for (const [button, key] of [['like-button', 'L'], ['dislike-button', 'D'], ['next-button', 'N']] as const) {
    await expect(page.getByTestId(button).locator('kbd')).toHaveText(key);
    await expect(page.getByTestId(button)).toHaveAttribute('aria-keyshortcuts', key);
  }
  await shot(page, 'suggestions');
});

test('like with L, dislike with D, next with N: each verdict is recorded for the outfit shown', async ({ page, app }) => {
  await openView(page, 'Suggestions');
  await expect(card(page)).toBeVisible();
  const subtitle = page.locator('.view-header__subtitle');
  await expect(subtitle).toHaveText(/^Outfit 1 of \d+$/);
  const first = await idsOnCard(page);
  await page.keyboard.press('l');
  await expect(subtitle).toHaveText(/^Outfit 2 of/);
  const second = await idsOnCard(page);
  await page.keyboard.press('d');
  await expect(subtitle).toHaveText(/^Outfit 3 of/);
  await page.keyboard.press('n');
  await expect(subtitle).toHaveText(/^Outfit 4 of/);
  const judgements = await app.call('items.outfits', { personId: 1 });
  const shaOf = (j: (typeof judgements)[number]) => j.items.map((i) => i.sha256);
  expect(judgements.map((j) => j.judgement.verdict)).toEqual(['dislike', 'like']);
  expect(shaOf(judgements[1]!)).toEqual(first);
  expect(shaOf(judgements[0]!)).toEqual(second);
});

test('lock a garment (key 1): the next outfits keep it; unlock', async ({ page, app }) => {
  void app;
  await openView(page, 'Suggestions');
  await expect(card(page)).toBeVisible();
  const [top] = await idsOnCard(page);
  await page.keyboard.press('1');
  await expect(card(page).getByRole('button', { name: 'Unlock top' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('built-around')).toContainText('Top');
  for (let i = 0; i < 3; i++) {
    expect((await idsOnCard(page))[0]).toBe(top);
    await page.keyboard.press('n');
  }
  await shot(page, 'suggestions-locked');
  await page.getByTestId('built-around').getByRole('button', { name: 'Suggest freely' }).click();
  await expect(page.getByTestId('built-around')).toBeHidden();
});

test('build around an item from its page: every suggestion holds it', async ({ page, app }) => {
  const shoes = (await app.call('items.list', { personId: 1, type: 'shoes' })).items[0]!;
  await openView(page, 'Wardrobe');
  await page.getByRole('button', { name: `Open ${shoes.fileName}` }).click();
  await page.getByRole('button', { name: 'Build outfits around this' }).click();
  await expect(page.getByRole('heading', { name: 'Suggestions', level: 1 })).toBeVisible();
  await expect(page.getByTestId('built-around')).toContainText('Shoes');
  for (let i = 0; i < 3; i++) {
    await expect(card(page)).toBeVisible();
    expect(await idsOnCard(page)).toContain(shoes.sha256);
    await page.keyboard.press('n');
  }
  await shot(page, 'build-around');
});

test('saved looks: the liked outfit, and taking it out', async ({ page, app }) => {
  await openView(page, 'Suggestions');
  await page.getByRole('tab', { name: 'Saved looks' }).click();
  const saved = page.getByTestId('saved-looks');
  await expect(saved.getByTestId('look')).toHaveCount(1);
  await expect(saved.getByTestId('look').getByRole('img')).toHaveCount(3);
  await shot(page, 'saved-looks');
  await saved.getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByText('No saved looks yet')).toBeVisible();
  expect((await app.call('items.outfits', { personId: 1, verdict: 'like' })).length).toBe(0);
  await page.getByTestId('toasts').getByRole('button', { name: 'Undo' }).click();
  await expect.poll(async () => (await app.call('items.outfits', { personId: 1, verdict: 'like' })).length).toBe(1);
});

test('once the model has learned from a like, one suggestion in two is a question about one garment', async ({ page, app }) => {
  // The earlier tests left a like and dislikes: wait for the person's model to take them in.
  await expect.poll(async () => (await app.call('personal.status', { personId: 1 })).state, { timeout: 30_000 }).toBe('idle');
  expect((await app.call('items.outfits', { personId: 1, verdict: 'like' })).length).toBeGreaterThan(0);
  await openView(page, 'Suggestions');
  await expect(card(page)).toBeVisible();
  await expect(page.getByRole('region', { name: 'A question' })).toHaveCount(0);
  await page.getByTestId('next-button').click();
  const note = page.getByRole('region', { name: 'A question' });
  await expect(note).toBeVisible();
  await expect(note).toContainText(/Would you wear this (top|bottom|shoes)\?/);
  await expect(page.getByRole('region', { name: 'Why this outfit' })).toHaveCount(0);
  // The garment the question is about is marked on the card, and named by the note.
  const asked = card(page).locator('[data-asked]');
  await expect(asked).toHaveCount(1);
  const type = (await asked.locator('.outfit-card__type').textContent())!.toLowerCase();
  await expect(note).toContainText(`Would you wear this ${type}?`);
  // Marked in its own way (dashed), not as a locked garment (a solid ring), and labelled.
  await expect(asked).toContainText('Not sure yet');
  expect(await asked.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('dashed');
  await shot(page, 'question');
});

test('"Not this" on a garment, or Shift and its number: a dislike that names the garment, learned from', async ({ page, app }) => {
  await openView(page, 'Suggestions');
  await expect(card(page)).toBeVisible();
  const subtitle = page.locator('.view-header__subtitle');
  const at = Number((await subtitle.textContent())!.match(/^Outfit (\d+)/)![1]);
  const shoesSha = (await idsOnCard(page))[2];
  await card(page).getByRole('button', { name: /^Not this shoes/ }).click();
  await expect(page.getByText('Disliked: not the shoes.', { exact: true }).first()).toBeVisible();
  await expect(subtitle).toHaveText(new RegExp(`^Outfit ${at + 1} of`));
  const topSha = (await idsOnCard(page))[0];
  await page.keyboard.press('Shift+Digit1');
  await expect(page.getByText('Disliked: not the top.', { exact: true }).first()).toBeVisible();
  const [second, first] = await app.call('items.outfits', { personId: 1, verdict: 'dislike', limit: 2 });
  const named = (j: typeof first) => j!.items.find((i) => i.id === j!.judgement.blamedItemId)?.sha256;
  expect(named(first)).toBe(shoesSha);
  expect(named(second)).toBe(topSha);
  // A plain dislike is followed by the question which garment was wrong; answering names it.
  const thirdSha = await idsOnCard(page);
  await page.keyboard.press('d');
  const ask = page.getByRole('region', { name: 'Which garment was wrong?' });
  await expect(ask).toBeVisible();
  await shot(page, 'name-dislike');
  await ask.getByRole('button', { name: 'Not the bottom' }).click();
  await expect(ask).toHaveCount(0);
  await expect(page.getByText('Noted: not the bottom.', { exact: true }).first()).toBeVisible();
  const [third] = await app.call('items.outfits', { personId: 1, verdict: 'dislike', limit: 1 });
  expect(third!.items.map((i) => i.sha256)).toEqual(thirdSha);
  expect(third!.items.find((i) => i.id === third!.judgement.blamedItemId)?.sha256).toBe(thirdSha[1]);
  // All are learned from: the person's model takes them in.
  await expect.poll(async () => (await app.call('personal.status', { personId: 1 })).state, { timeout: 30_000 }).toBe('idle');
  const used = (await app.call('personal.status', { personId: 1 })).judgementsUsed;
  expect(used).toBe((await app.call('judgements.list', { personId: 1 })).length);
});

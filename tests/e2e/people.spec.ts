// People through the real core: create, rename, archive and delete (with undo) people and catalogues; switch
// person from anywhere; a person's page with their liked looks, the learning curve and model versions, and
// rolling back a version (which undoes the verdicts made after it).
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, openView, shot, waitForImport } from './fixtures.ts';
import type { Served } from './fixtures.ts';
import { clothingPhotos } from '../helpers/kit.ts';

test.describe.configure({ mode: 'serial' });

const kit = clothingPhotos().filter((p) => p.senderId % 5 === 0);
const photos = (label: string, n: number, skip = 0) => kit.filter((p) => p.label === label).slice(skip, skip + n).map((p) => p.file);

async function stock(app: Served, personId: number, byType: Record<'top' | 'bottom' | 'shoes' | 'dress', string[]>) {
  const { jobId } = await app.call('import.paths', { personId, paths: Object.values(byType).flat() });
  await waitForImport(app, jobId);
  const items = (await app.call('items.list', { personId, limit: 100 })).items;
  for (const [type, files] of Object.entries(byType) as ['top' | 'bottom' | 'shoes' | 'dress', string[]][]) {
    for (const file of files) await app.call('items.setType', { itemId: items.find((i) => i.fileName === path.basename(file))!.id, type });
  }
}

const switcher = (page: Page) => page.getByTestId('person-switcher');
const peopleList = (page: Page) => page.getByRole('list', { name: 'People' });
const personPage = (page: Page) => page.getByTestId('person-page');

test('create, rename, archive and delete people and catalogues; the switcher follows', async ({ page, app }) => {
  await expect(switcher(page)).toHaveValue('1');
  await stock(app, 1, { top: photos('T-Shirt', 2), bottom: photos('Pants', 2), shoes: photos('Shoes', 2), dress: [] });
  await openView(page, 'People');
  const form = page.getByRole('form', { name: 'Add a person or catalogue' });
  await form.getByLabel('New person or catalogue').fill('Client Bea');
  await form.getByRole('button', { name: 'Add' }).click();
  await expect(personPage(page).getByRole('heading', { name: 'Client Bea', exact: true })).toBeVisible();
  await form.getByLabel('New person or catalogue').fill('Spring stock');
  await form.getByRole('radio', { name: 'Catalogue' }).check();
  await form.getByRole('button', { name: 'Add' }).click();
  await expect(personPage(page).getByRole('heading', { name: 'Spring stock', exact: true })).toBeVisible();
  await expect(personPage(page)).toContainText('Catalogue');

  // Rename Bea.
  await peopleList(page).getByRole('button', { name: /Client Bea/ }).click();
  await personPage(page).getByRole('button', { name: 'Rename' }).click();
  await personPage(page).getByLabel('New name').fill('Bea Martin');
  await personPage(page).getByRole('button', { name: 'Save' }).click();
  await expect(personPage(page).getByRole('heading', { name: 'Bea Martin', exact: true })).toBeVisible();
  await expect(switcher(page).locator('option')).toContainText(['Bea Martin']);

  // Archive the catalogue: it leaves the switcher; it is listed again under "Show archived" and comes back.
  await peopleList(page).getByRole('button', { name: /Spring stock/ }).click();
  await personPage(page).getByRole('button', { name: 'Archive' }).click();
  await expect(switcher(page).locator('option', { hasText: 'Spring stock' })).toHaveCount(0);
  await expect(personPage(page).getByRole('button', { name: 'Unarchive' })).toBeVisible();
  await personPage(page).getByRole('button', { name: 'Unarchive' }).click();
  await expect(switcher(page).locator('option', { hasText: 'Spring stock' })).toHaveCount(1);

  // Delete it, then undo.
  await personPage(page).getByRole('button', { name: 'Delete' }).click();
  await expect(peopleList(page).getByRole('button', { name: /Spring stock/ })).toHaveCount(0);
  await page.getByTestId('toasts').getByRole('button', { name: 'Undo' }).click();
  await expect(peopleList(page).getByRole('button', { name: /Spring stock/ })).toHaveCount(1);
  expect((await app.call('people.list', { includeArchived: true })).map((p) => p.name).sort()).toEqual(['Bea Martin', 'Me', 'Spring stock']);
});

test('switch person from anywhere: the open view follows the chosen wardrobe', async ({ page, app }) => {
  const bea = (await app.call('people.list', {})).find((p) => p.name === 'Bea Martin')!;
  await stock(app, bea.id, { top: photos('Blouse', 1), bottom: photos('Skirt', 1), shoes: photos('Shoes', 1, 5), dress: photos('Dress', 1) });
  await page.reload();
  await openView(page, 'Settings');
  await switcher(page).selectOption({ label: 'Bea Martin' });
  await expect(page.getByRole('button', { name: 'Bea Martin’s wardrobe' })).toBeVisible();
  await openView(page, 'Wardrobe');
  await expect(page.getByTestId('item-card')).toHaveCount(4);
  // From an item's page, switching person goes to the other wardrobe (the item is not theirs).
  await page.getByTestId('item-card').first().getByRole('button', { name: /^Open / }).click();
  await expect(page.getByTestId('item-view')).toBeVisible();
  await switcher(page).selectOption({ label: 'Me' });
  await expect(page.getByTestId('wardrobe-grid')).toBeVisible();
  await expect(page.getByTestId('item-card')).toHaveCount(6);
  // The choice is remembered.
  await page.reload();
  await expect(switcher(page)).toHaveValue('1');
});

test('a person\'s page: liked looks, the learning curve and model versions; roll back a version', async ({ page, app }) => {
  test.setTimeout(240_000);
  await expect(switcher(page)).not.toHaveValue('');
  if ((await app.call('items.list', { personId: 1 })).total === 0) {
    await stock(app, 1, { top: photos('T-Shirt', 2), bottom: photos('Pants', 2), shoes: photos('Shoes', 2), dress: [] });
  }
  const probe = await fetch(`${new URL(app.pageUrl).origin}/api/personal.versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-stylist-token': new URLSearchParams(new URL(app.pageUrl).hash.slice(1)).get('token')! },
    body: JSON.stringify({ personId: 1 }),
  }).then((r) => r.json() as Promise<{ ok: boolean; error?: { message: string } }>);
  // The personal models are another engineer's work: until the core answers, this flow cannot run.
  test.skip(!probe.ok && /unknown method|not a function/.test(probe.error?.message ?? ''), `personal.versions is not answered by the core yet (${probe.error?.message ?? ''})`);
  expect(probe.ok).toBe(true);
  await page.reload();

  // Judge outfits with the keyboard; each verdict schedules a fine-tune of Me's model.
  await switcher(page).selectOption({ label: 'Me' });
  await openView(page, 'Suggestions');
  for (const key of ['l', 'd', 'l']) {
    await expect(page.getByTestId('outfit-card')).toBeVisible();
    await page.keyboard.press(key);
    await expect.poll(async () => (await app.call('personal.status', { personId: 1 })).state, { timeout: 60_000 }).toBe('idle');
    await expect.poll(async () => (await app.call('personal.status', { personId: 1 })).versionId !== null, { timeout: 60_000 }).toBe(true);
  }
  await expect(page.getByTestId('model-indicator')).toContainText(/Your model, version \d+/);
  const versions = await app.call('personal.versions', { personId: 1 });
  expect(versions.length).toBeGreaterThanOrEqual(2);

  // The People view opens on the person whose wardrobe is open.
  await openView(page, 'People');
  const me = personPage(page);
  await expect(me.getByRole('heading', { name: 'Me', exact: true })).toBeVisible();
  await expect(me.getByTestId('look')).toHaveCount(2);
  await expect(me.getByTestId('learning-curve')).toBeVisible();
  await expect(me.getByTestId('model-versions').locator('li')).toHaveCount(versions.length);
  await shot(page, 'people');

  // Roll back to the first version: later versions are set aside and the verdicts after it undone.
  const first = versions[0]!;
  await me.getByTestId('model-versions').locator('li', { hasText: `Version ${first.id}` }).getByRole('button', { name: 'Roll back to this' }).click();
  await expect(me.getByTestId('model-confirm')).toContainText(`Roll back to version ${first.id}?`);
  await me.getByTestId('model-confirm').getByRole('button', { name: 'Roll back' }).click();
  await expect(me.getByTestId('model-versions').locator('li', { hasText: `Version ${first.id}` })).toContainText('in use');
  await expect(me.getByTestId('model-versions').getByText('rolled back').first()).toBeVisible();
  const after = await app.call('personal.versions', { personId: 1 });
  expect(after.find((v) => v.current)?.id).toBe(first.id);
  expect((await app.call('judgements.list', { personId: 1 })).length).toBe(first.judgementsUsed);
  await shot(page, 'people-rolled-back');
});

// Settings, and moving a library, through the real core: what the library is and runs on; export the library
// (progress, then a download through the bridge), a CSV of the items, a backup; and the exported zip imported
// into another, empty library served by a second core (a new computer), with everything back: people,
// garments with their corrected types and photos, liked looks. A zip that is not a library is refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect, openView, serve, shot, waitForImport } from './fixtures.ts';
import { clothingPhotos } from '../helpers/kit.ts';

test.describe.configure({ mode: 'serial' });

const kit = clothingPhotos().filter((p) => p.senderId % 5 === 0);
const photos = (label: string, n: number) => kit.filter((p) => p.label === label).slice(0, n).map((p) => p.file);
const downloads = fs.mkdtempSync(path.join(os.tmpdir(), 'stylist-downloads-'));
let exported = '';

test('settings: the library, the models, export with a download, CSV, backup', async ({ page, app }) => {
  test.setTimeout(180_000);
  await expect(page.getByTestId('person-switcher')).toHaveValue('1');
  await app.call('people.rename', { personId: 1, name: 'Anna' });
  const files = { top: photos('T-Shirt', 2), bottom: photos('Pants', 1), shoes: photos('Shoes', 1) };
  const { jobId } = await app.call('import.paths', { personId: 1, paths: Object.values(files).flat() });
  await waitForImport(app, jobId);
  const items = (await app.call('items.list', { personId: 1 })).items;
  for (const [type, list] of Object.entries(files) as ['top' | 'bottom' | 'shoes', string[]][]) {
    for (const f of list) await app.call('items.setType', { itemId: items.find((i) => i.fileName === path.basename(f))!.id, type });
  }
  const liked = [items.find((i) => i.fileName === path.basename(files.top[0]!))!.id, items.find((i) => i.fileName === path.basename(files.bottom[0]!))!.id, items.find((i) => i.fileName === path.basename(files.shoes[0]!))!.id];
  await app.call('judgements.record', { personId: 1, itemIds: liked, verdict: 'like' });
  await page.reload();

  await openView(page, 'Settings');
  await expect(page.getByTestId('library-path')).toHaveText(fs.realpathSync(app.libraryDir));
  await expect(page.getByText('Image model runs on')).toBeVisible();
  await expect(page.getByText(/CPU|Not loaded yet/).first()).toBeVisible();

  // Export: progress, then the zip offered for download.
  await page.getByRole('button', { name: 'Export library' }).click();
  const job = page.getByTestId('library-job');
  await expect(job).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(job).toContainText('Export finished');
  const download = page.waitForEvent('download');
  await job.getByRole('link', { name: 'Download' }).click();
  exported = path.join(downloads, (await download).suggestedFilename());
  await (await download).saveAs(exported);
  expect(fs.statSync(exported).size).toBeGreaterThan(100_000);
  expect(path.basename(exported)).toMatch(/^stylist-library-.*\.zip$/);
  await shot(page, 'settings');

  // A CSV of Anna's wardrobe.
  await page.getByRole('button', { name: 'Anna’s wardrobe' }).click();
  const csvResult = page.getByTestId('file-result').filter({ hasText: '.csv' });
  await expect(csvResult).toContainText('4 garments');
  const csvDownload = page.waitForEvent('download');
  await csvResult.getByRole('link', { name: 'Download' }).click();
  const csvFile = path.join(downloads, 'items.csv');
  await (await csvDownload).saveAs(csvFile);
  const csv = fs.readFileSync(csvFile, 'utf8');
  expect(csv.split('\r\n')[0]).toBe('\uFEFFitem_id,file_name,type,type_source,type_confidence,colours,tags,people,archived,sha256,created_at');
  for (const f of Object.values(files).flat()) expect(csv).toContain(path.basename(f));

  // A backup into the library's backups/ folder.
  await job.getByRole('button', { name: 'Clear' }).click();
  await page.getByRole('button', { name: 'Back up now' }).click();
  await expect(page.getByTestId('library-job')).toContainText('Backup finished', { timeout: 120_000 });
  const backups = fs.readdirSync(path.join(app.libraryDir, 'backups'));
  expect(backups.some((f) => /^stylist-backup-.*\.zip$/.test(f))).toBe(true);
  await expect(page.getByTestId('library-job')).toContainText(path.join('backups', backups.find((f) => f.endsWith('.zip'))!));
});

test('import the exported library into an empty one: people, garments, types, photos and likes come back', async ({ page }) => {
  test.setTimeout(180_000);
  expect(exported).not.toBe('');
  const other = await serve();
  try {
    await page.goto(other.pageUrl);
    await expect(page.getByTestId('person-switcher')).toHaveValue('1');
    await openView(page, 'Settings');
    await page.getByTestId('library-import-input').setInputFiles(exported);
    const summary = page.getByTestId('library-import-summary');
    await expect(summary).toBeVisible({ timeout: 120_000 });
    await expect(summary.locator('.stats__item', { hasText: 'People added' }).locator('dd')).toHaveText('1');
    await expect(summary.locator('.stats__item', { hasText: 'Garments added' }).locator('dd')).toHaveText('4');
    await expect(summary.locator('.stats__item', { hasText: 'Looks added' }).locator('dd')).toHaveText('1');
    await expect(summary).toContainText('backed up first');
    await summary.scrollIntoViewIfNeeded();
    await shot(page, 'library-import');

    // Anna is in the switcher; her wardrobe shows with photos and the types she set; her liked look is there.
    await page.getByTestId('person-switcher').selectOption({ label: 'Anna' });
    await openView(page, 'Wardrobe');
    await expect(page.getByTestId('item-card')).toHaveCount(4);
    for (const img of await page.getByTestId('item-card').getByRole('img').all()) {
      await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
    }
    const anna = (await other.call('people.list', {})).find((p) => p.name === 'Anna')!;
    const types = (await other.call('items.list', { personId: anna.id })).items.map((i) => `${i.type}/${i.typeSource}`).sort();
    expect(types).toEqual(['bottom/user', 'shoes/user', 'top/user', 'top/user'].sort());
    await openView(page, 'Suggestions');
    await page.getByRole('tab', { name: 'Saved looks' }).click();
    await expect(page.getByTestId('saved-looks').getByTestId('look')).toHaveCount(1);

    // The same zip again adds nothing.
    await openView(page, 'Settings');
    await page.getByTestId('library-import-input').setInputFiles(exported);
    await expect(page.getByTestId('library-import-summary').locator('.stats__item', { hasText: 'Already here' }).locator('dd')).toHaveText('4', { timeout: 120_000 });
    await expect(page.getByTestId('library-import-summary').locator('.stats__item', { hasText: 'Garments added' }).locator('dd')).toHaveText('0');
  } finally {
    await other.stop();
  }
});

test('a zip that is not a library is refused, and the library is unchanged', async ({ page, app }) => {
  const notOurs = path.join(downloads, 'holiday-photos.zip');
  fs.writeFileSync(notOurs, Buffer.from('PK\u0005\u0006'.padEnd(22, '\0'), 'binary'));
  const before = (await app.call('items.list', { personId: 1 })).total;
  await openView(page, 'Settings');
  await page.getByLabel('Or the zip’s path on this computer').fill(notOurs);
  await page.getByLabel('Or the zip’s path on this computer').press('Enter');
  const job = page.getByTestId('library-job');
  await expect(job).toHaveAttribute('data-state', 'failed');
  await expect(job.getByRole('alert')).toContainText('not a Desktop Stylist library export');
  await expect(job.getByRole('alert')).toContainText('Your library was not changed.');
  expect((await app.call('items.list', { personId: 1 })).total).toBe(before);
});

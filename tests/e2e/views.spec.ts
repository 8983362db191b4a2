// Every view of the window, at 1280x800 and 1920x1080, light and dark, over a library of drawn garments (made
// here with sharp: the README's screenshots come from this file, and kit photos may not be copied into the
// repo): text fits, nothing spills sideways, every control has a name for screen readers, and every control
// can be reached with Tab.
//   STYLIST_UPDATE_DOCS=1 npx playwright test tests/e2e/views.spec.ts   also writes docs/screenshots/*.png
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { GarmentType } from '../../shared/api.ts';
import { REPO_ROOT } from '../../electron/core/paths.ts';
import { test, expect, openView, waitForImport, SCREENSHOTS } from './fixtures.ts';
import type { Served } from './fixtures.ts';
import { PALETTE, drawnJpeg } from './drawn-garments.ts';

test.describe.configure({ mode: 'serial' });

const DOCS = path.join(REPO_ROOT, 'docs', 'screenshots');
const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];

/** Anna's wardrobe: [type, variant, colour index, file name]. */
const ANNA: [GarmentType, number, number, string][] = [
  ['top', 0, 1, 'cream-tee.jpg'], ['top', 1, 0, 'navy-shirt.jpg'], ['top', 2, 6, 'blush-jumper.jpg'], ['top', 0, 4, 'black-tee.jpg'], ['top', 1, 9, 'white-shirt.jpg'], ['top', 2, 8, 'forest-jumper.jpg'],
  ['bottom', 0, 5, 'denim-trousers.jpg'], ['bottom', 1, 7, 'camel-skirt.jpg'], ['bottom', 2, 0, 'navy-shorts.jpg'], ['bottom', 0, 4, 'black-trousers.jpg'], ['bottom', 1, 2, 'olive-skirt.jpg'],
  ['shoes', 0, 9, 'white-trainers.jpg'], ['shoes', 1, 3, 'rust-boots.jpg'], ['shoes', 0, 4, 'black-trainers.jpg'], ['shoes', 1, 7, 'camel-boots.jpg'],
  ['dress', 0, 3, 'rust-dress.jpg'], ['dress', 0, 0, 'navy-dress.jpg'],
  ['outerwear', 0, 7, 'camel-coat.jpg'], ['outerwear', 0, 2, 'olive-coat.jpg'],
];

let drawnDir = '';

async function drawAll(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stylist-drawn-'));
  for (const [type, variant, color, name] of ANNA) fs.writeFileSync(path.join(dir, name), await drawnJpeg(type, variant, PALETTE[color]!));
  return dir;
}

/** Anna (a client) with her drawn wardrobe typed, a sold coat, three liked looks and one disliked; two more people and a catalogue. */
async function buildLibrary(app: Served, page: Page) {
  await expect(page.getByTestId('person-switcher')).toHaveValue('1');
  await app.call('people.rename', { personId: 1, name: 'Anna Leclerc' });
  await app.call('people.create', { name: 'Marco Rossi' });
  await app.call('people.create', { name: 'Chloé Martin' });
  await app.call('people.create', { name: 'Atelier stock', kind: 'catalogue' });
  drawnDir = await drawAll();
  const { jobId } = await app.call('import.paths', { personId: 1, paths: ANNA.map(([, , , name]) => path.join(drawnDir, name)) });
  expect((await waitForImport(app, jobId)).imported).toBe(ANNA.length);
  const items = (await app.call('items.list', { personId: 1, limit: 100 })).items;
  const id = (name: string) => items.find((i) => i.fileName === name)!.id;
  for (const [type, , , name] of ANNA) await app.call('items.setType', { itemId: id(name), type });
  await app.call('items.archive', { personId: 1, itemIds: [id('olive-coat.jpg')], reason: 'sold' });
  for (const [verdict, names] of [
    ['like', ['cream-tee.jpg', 'denim-trousers.jpg', 'white-trainers.jpg']],
    ['dislike', ['blush-jumper.jpg', 'navy-shorts.jpg', 'rust-boots.jpg']],
    ['like', ['navy-shirt.jpg', 'camel-skirt.jpg', 'camel-boots.jpg']],
    ['like', ['camel-coat.jpg', 'black-tee.jpg', 'black-trousers.jpg', 'white-trainers.jpg']],
  ] as const) {
    await app.call('judgements.record', { personId: 1, itemIds: names.map(id), verdict });
    // Each verdict is learned from before the next (the model versions of the People view).
    await expect.poll(async () => (await app.call('personal.status', { personId: 1 })).state, { timeout: 60_000 }).toBe('idle');
  }
}

async function save(page: Page, name: string, size: { width: number }, docs = false) {
  const dir = path.join(SCREENSHOTS, 'views');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${size.width}.png`);
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  if (docs && process.env.STYLIST_UPDATE_DOCS === '1') {
    fs.mkdirSync(DOCS, { recursive: true });
    fs.copyFileSync(file, path.join(DOCS, `${name}.png`));
  }
}

/** Text that does not fit its box, or anything that makes the window scroll sideways. */
async function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth + 1) problems.push(`the window scrolls sideways (${doc.scrollWidth} > ${window.innerWidth})`);
    const main = document.querySelector('main')!;
    if (main.scrollWidth > main.clientWidth + 1) problems.push(`the view is wider than its column (${main.scrollWidth} > ${main.clientWidth})`);
    const boxes = document.querySelectorAll<HTMLElement>('button, a.button, .chip > span, .badge, .tabs__tab, h1, h2, h3, .field__label, .model-pill, .sidebar__link, dt');
    for (const el of boxes) {
      if (!el.offsetParent || el.closest('.visually-hidden')) continue;
      if (el.scrollWidth > el.clientWidth + 1) problems.push(`text overflows ${el.tagName.toLowerCase()} "${el.textContent?.trim().slice(0, 40)}" (${el.scrollWidth} > ${el.clientWidth})`);
      const r = el.getBoundingClientRect();
      if (r.right > window.innerWidth + 1) problems.push(`${el.tagName.toLowerCase()} "${el.textContent?.trim().slice(0, 40)}" goes past the right edge`);
    }
    return problems;
  });
}

/** Controls with no accessible name, from Chromium's own accessibility tree. */
async function unnamed(page: Page): Promise<string[]> {
  const tree = await page.locator('body').ariaSnapshot();
  return tree.split('\n').filter((line) => /^\s*- (button|link|combobox|textbox|checkbox|radio|tab|switch|slider|spinbutton|searchbox)(\s*\[[^\]]*\])*:?\s*$/.test(line));
}

/** Tabs through the window from the top; every visible, enabled control in the Tab order must be reached. */
async function unreachable(page: Page): Promise<{ controls: number; missed: string[] }> {
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    for (const el of document.querySelectorAll<HTMLElement>('[data-reached], [data-expected]')) {
      delete el.dataset.reached;
      delete el.dataset.expected;
    }
    delete document.body.dataset.reached;
  });
  const expected = await page.evaluate(() => {
    // In the Tab order: not tabindex -1, not disabled, has a box; of a radio group only the checked radio
    // (the others are reached with the arrow keys).
    const tabbable = (el: HTMLElement) => {
      if (el.tabIndex < 0 || (el as HTMLButtonElement).disabled) return false;
      const input = el as HTMLInputElement;
      if (input.type === 'radio' && !input.checked && document.querySelector(`input[type="radio"][name="${CSS.escape(input.name)}"]:checked`)) return false;
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0;
    };
    const all = [...document.querySelectorAll<HTMLElement>('button, a[href], input, select, textarea, [tabindex]')].filter(tabbable);
    for (const el of all) el.dataset.expected = 'yes';
    return all.length;
  });
  for (let i = 0; i < expected + 5; i++) {
    await page.keyboard.press('Tab');
    await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (el && el !== document.body) el.dataset.reached = 'yes';
    });
  }
  const missed = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('[data-expected="yes"]')]
      .filter((el) => el.dataset.reached !== 'yes')
      .map((el) => `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}"`),
  );
  return { controls: expected, missed };
}

interface ViewCheck {
  name: string;
  open: (page: Page) => Promise<void>;
  docs?: boolean;
}

const VIEWS: ViewCheck[] = [
  {
    name: 'wardrobe',
    docs: true,
    open: async (page) => {
      await openView(page, 'Wardrobe');
      await expect(page.getByTestId('item-card')).toHaveCount(ANNA.length - 1);
      await waitForImages(page);
    },
  },
  {
    name: 'item',
    docs: true,
    open: async (page) => {
      await openView(page, 'Wardrobe');
      await page.getByRole('button', { name: 'Open camel-coat.jpg' }).click();
      await expect(page.getByTestId('item-view').getByTestId('look')).toHaveCount(1);
      await waitForImages(page);
    },
  },
  {
    name: 'suggestions',
    docs: true,
    open: async (page) => {
      await openView(page, 'Suggestions');
      await expect(page.getByTestId('outfit-card')).toBeVisible();
      await waitForImages(page);
    },
  },
  {
    name: 'saved-looks',
    open: async (page) => {
      await openView(page, 'Suggestions');
      await page.getByRole('tab', { name: 'Saved looks' }).click();
      await expect(page.getByTestId('look')).toHaveCount(3);
      await waitForImages(page);
    },
  },
  {
    name: 'import',
    docs: true,
    open: async (page) => {
      // Into the new client's wardrobe: four drawn photos and a file that is not a photo.
      await page.getByTestId('person-switcher').selectOption({ label: 'New client' });
      await openView(page, 'Import');
      const files = [];
      for (const [i, type] of (['top', 'bottom', 'shoes', 'dress'] as const).entries()) {
        const file = path.join(drawnDir, `client-${type}.jpg`);
        fs.writeFileSync(file, await drawnJpeg(type, i + 1, PALETTE[(i * 3 + 2) % PALETTE.length]!));
        files.push(file);
      }
      const broken = path.join(drawnDir, 'scan-0001.jpg');
      fs.writeFileSync(broken, 'not a photo');
      await page.getByTestId('import-file-input').setInputFiles([...files, broken]);
      await expect(page.getByRole('heading', { name: 'Import finished' })).toBeVisible({ timeout: 60_000 });
    },
  },
  {
    name: 'people',
    docs: true,
    open: async (page) => {
      await openView(page, 'People');
      await expect(page.getByTestId('learning-curve')).toBeVisible();
      await waitForImages(page);
    },
  },
  {
    name: 'house-style',
    docs: true,
    open: async (page) => {
      await openView(page, 'House style');
      await expect(page.getByTestId('style-info')).toContainText('Shipped with the app');
    },
  },
  {
    name: 'settings',
    docs: true,
    open: async (page) => {
      await openView(page, 'Settings');
      await expect(page.getByTestId('library-path')).not.toHaveText('…');
    },
  },
];

async function waitForImages(page: Page) {
  await expect.poll(() => page.locator('main img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0))).toBe(true);
}

test('a library of drawn garments, people and verdicts (set up through the API)', async ({ page, app }) => {
  test.setTimeout(300_000);
  await buildLibrary(app, page);
});

test('first run: the wardrobe of someone new says what to do', async ({ page, app }) => {
  void app;
  await page.getByTestId('person-switcher').waitFor();
  await page.getByRole('button', { name: 'Add a person' }).click();
  await page.getByRole('form', { name: 'Add a person' }).getByLabel('Name').fill('New client');
  await page.getByRole('form', { name: 'Add a person' }).getByRole('button', { name: 'Add' }).click();
  await expect(page.getByText('Import photos of your clothes')).toBeVisible();
  await save(page, 'first-run', SIZES[0]!, true);
});

for (const size of SIZES) {
  for (const view of VIEWS) {
    test(`${view.name} at ${size.width}x${size.height}: text fits, every control named${size.width === 1280 ? ' and reachable with Tab' : ''}`, async ({ page, app }) => {
      void app;
      test.setTimeout(120_000);
      await page.setViewportSize(size);
      await page.getByTestId('person-switcher').selectOption({ label: 'Anna Leclerc' });
      await view.open(page);
      await page.mouse.move(0, size.height - 1);
      expect(await overflow(page)).toEqual([]);
      expect(await unnamed(page)).toEqual([]);
      await save(page, view.name, size, view.docs && size.width === 1280);
      if (size.width === 1280) {
        const tab = await unreachable(page);
        expect(tab.controls).toBeGreaterThan(8);
        expect(tab.missed).toEqual([]);
      }
    });
  }
}

test('dark theme', async ({ page, app }) => {
  void app;
  await page.getByTestId('person-switcher').selectOption({ label: 'Anna Leclerc' });
  await page.getByRole('button', { name: 'Use the dark theme' }).click();
  for (const view of VIEWS.filter((v) => ['wardrobe', 'suggestions', 'people'].includes(v.name))) {
    await view.open(page);
    await page.mouse.move(0, 799);
    expect(await overflow(page)).toEqual([]);
    await save(page, `${view.name}-dark`, SIZES[0]!, view.name !== 'people');
  }
});

// A wardrobe of 5,000 garments in the real window over the real core: the grid keeps only the rows in view
// in the page, fetches further pages as it scrolls, scrolls smoothly (frame times measured in Chromium), and
// the keyboard reaches the last garment.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GarmentType } from '../../shared/api.ts';
import { openCore } from '../../electron/core/core.ts';
import type { NewItem } from '../../electron/core/library/items-repo.ts';
import { sha256Hex } from '../../electron/core/library/library-files.ts';
import { MODEL_DIR } from '../helpers/kit.ts';
import { test, expect, serve, shot } from './fixtures.ts';
import type { RunningCore } from './fixtures.ts';
import { DRAWN_TYPES, PALETTE, drawnJpeg, drawnThumb } from './drawn-garments.ts';

const COUNT = 5000;
let core: RunningCore;

/** A library of COUNT drawn garments, written the way the importer stores them (without running the model). */
async function bigLibrary(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stylist-e2e-big-'));
  const lib = openCore({ libraryDir: dir, modelDir: MODEL_DIR, shell: 'browser', version: 'e2e' });
  try {
    const { files, repo, people } = lib.services;
    const person = people.create('Boutique stock');
    const drawings: { type: GarmentType; color: (typeof PALETTE)[number]; jpeg: Buffer; thumb: Buffer }[] = [];
    for (const type of DRAWN_TYPES) {
      for (const [i, color] of PALETTE.entries()) drawings.push({ type, color, jpeg: await drawnJpeg(type, i, color), thumb: await drawnThumb(type, i, color) });
    }
    let batch: NewItem[] = [];
    for (let n = 0; n < COUNT; n++) {
      const d = drawings[n % drawings.length]!;
      // The same drawing with a different trailer after the JPEG's end: a distinct photo (hash) that still shows.
      const bytes = Buffer.concat([d.jpeg, Buffer.from(`#${n}`)]);
      const sha256 = sha256Hex(bytes);
      files.writeAtomic(files.mediaPath('original', sha256, 'jpg')!, bytes);
      files.writeAtomic(files.mediaPath('thumb', sha256)!, d.thumb);
      batch.push({
        sha256, fileName: `stock-${String(n + 1).padStart(4, '0')}.jpg`, ext: 'jpg', width: 260, height: 340, type: d.type, typeConfidence: 0.9,
        tags: [], colors: [{ hex: d.color.fill, name: d.color.name, share: 1 }], embedding: Float32Array.from({ length: 1280 }, () => Math.random()),
      });
      if (batch.length === 500) {
        repo.insertBatch(person.id, batch, []);
        batch = [];
      }
    }
    if (batch.length) repo.insertBatch(person.id, batch, []);
  } finally {
    await lib.close();
  }
  return dir;
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  core = await serve(await bigLibrary());
});
test.afterAll(async () => {
  await core?.stop();
});

test(`a ${COUNT.toLocaleString('en')}-item wardrobe scrolls smoothly with only the rows in view in the page`, async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(core.pageUrl);
  const grid = page.getByTestId('wardrobe-grid');
  await expect(page.getByText(`${COUNT.toLocaleString('en')} items`)).toBeVisible();
  await expect(grid.getByTestId('item-card').first()).toBeVisible();
  const inPage = await grid.getByTestId('item-card').count();
  expect(inPage).toBeGreaterThan(5);
  expect(inPage).toBeLessThan(120);
  await shot(page, 'wardrobe-5000');

  // Scroll as a wheel or a trackpad does, 160 px a frame, and then fling to the end a screenful a frame,
  // measuring every frame and counting the cards in the page as we go.
  const scroll = (perFrame: number | 'screen', frames: number) =>
    grid.evaluate(
      async (el, { perFrame, frames }) => {
        const times: number[] = [];
        let most = 0;
        let last = performance.now();
        const started = last;
        for (let i = 0; i < frames && el.scrollTop + el.clientHeight < el.scrollHeight - 1 && last - started < 60_000; i++) {
          const before = el.scrollTop;
          el.scrollTop += perFrame === 'screen' ? el.clientHeight : perFrame;
          // At the end (a fraction of a pixel short of the test above, with some zoom levels) it stops moving.
          if (perFrame !== 0 && el.scrollTop === before) break;
          // A frame that does not come within a second counts as a second-long frame: a stalled compositor (seen once
          // in a full CI run, not reproduced) then shows in the figures instead of hanging the test.
          await Promise.race([new Promise(requestAnimationFrame), new Promise((resolve) => setTimeout(resolve, 1000))]);
          const now = performance.now();
          times.push(now - last);
          last = now;
          most = Math.max(most, el.querySelectorAll('[data-testid="item-card"]').length);
        }
        times.sort((a, b) => a - b);
        return { frames: times.length, median: times[times.length >> 1]!, p95: times[Math.floor(times.length * 0.95)]!, most };
      },
      { perFrame, frames },
    );
  // The same page standing still, for the frame time this machine manages anyway (the CPU is shared).
  const idle = await scroll(0, 120);
  const wheel = await scroll(160, 400);
  const fling = await scroll('screen', 10_000);
  for (const [name, run] of [['idle', idle], ['wheel', wheel], ['fling', fling]] as const) {
    console.log(`grid ${name}: ${run.frames} frames, median ${run.median.toFixed(1)} ms, p95 ${run.p95.toFixed(1)} ms, at most ${run.most} cards in the page`);
    expect(run.most).toBeLessThan(120);
  }
  // Smooth while scrolling by wheel: the median frame within one and a half display frames (25 ms) of the page
  // standing still; a fling that shows a whole screen of new photos every frame stays under the 100 ms at
  // which scrolling feels stuck. (Chromium here has no GPU and shares two cores with training runs.)
  expect(wheel.median).toBeLessThan(idle.median + 25);
  expect(fling.median).toBeLessThan(100);

  // At the bottom, the last garments arrive (their page is fetched on demand).
  await expect(grid.locator('[data-testid="item-card"][data-file-name="stock-0001.jpg"]')).toBeVisible();
  await shot(page, 'wardrobe-5000-end');
});

test('the keyboard reaches the last of 5,000 garments (End) and opens it', async ({ page }) => {
  await page.goto(core.pageUrl);
  const grid = page.getByTestId('wardrobe-grid');
  await grid.getByRole('button', { name: /^Open / }).first().focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('End');
  await expect(page.locator(':focus')).toHaveAttribute('aria-label', 'Open stock-0001.jpg');
  await page.keyboard.press('Home');
  await expect(page.locator(':focus')).toHaveAttribute('aria-label', `Open stock-${COUNT}.jpg`);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('item-view')).toBeVisible();
  await expect(page.getByTestId('item-view').getByRole('heading', { level: 1 })).toBeVisible();
});


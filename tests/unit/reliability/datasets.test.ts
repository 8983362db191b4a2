// Lookbook and CSV import with broken files made in a temp folder: every malformed row is reported with its
// file and line (line numbers stay right across quoted line breaks, CRLF and a BOM), and nothing is returned
// unless the whole lookbook reads. A seeded fuzz of the CSV reader over the kit's real lookbook CSV.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv, parseCsvRecords } from '../../../electron/core/datasets/csv.ts';
import { LookbookError, loadLookbook } from '../../../electron/core/datasets/lookbook.ts';
import { Rng } from '../../../electron/core/learning/nn/rng.ts';
import { openCore } from '../../../electron/core/core.ts';
import { call } from '../../helpers/api-call.ts';
import { KIT_DIR, MODEL_DIR, requireModel, tempDir } from '../../helpers/kit.ts';
import { contentChecksum } from '../../helpers/library-check.ts';

const LOOKBOOK_DIR = path.join(KIT_DIR, 'data', 'lookbook-dev');
const ITEMS_HEADER = 'item_id,image,role,color';
const GOOD_ITEMS = [ITEMS_HEADER, 't1,images/t1.jpg,top,RED', 'b1,images/b1.jpg,bottom,BLUE', 's1,images/s1.jpg,shoes,"BLACK, matte"'];
const GOOD_OUTFITS = ['outfit_id,item_id', '1,t1', '1,b1', '1,s1'];

function lookbook(items: string[] | string | null, outfits: string[] | string | null = GOOD_OUTFITS, eol = '\n'): string {
  const dir = tempDir('stylist-lookbook-');
  const write = (name: string, rows: string[] | string | null) => rows !== null && fs.writeFileSync(path.join(dir, name), Array.isArray(rows) ? rows.join(eol) + eol : rows);
  write('items.csv', items);
  write('outfits.csv', outfits);
  return dir;
}

function problemOf(dir: string): string {
  try {
    loadLookbook(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(LookbookError);
    return (error as Error).message;
  }
  throw new Error('the broken lookbook loaded');
}

let cases = 0;
describe('lookbook import with broken files', () => {
  it('loads a good one, with CRLF line ends and a BOM too', () => {
    for (const dir of [lookbook(GOOD_ITEMS), lookbook(GOOD_ITEMS, GOOD_OUTFITS, '\r\n'), lookbook('\ufeff' + GOOD_ITEMS.join('\n'))]) {
      const lb = loadLookbook(dir);
      expect([...lb.items.keys()]).toEqual(['t1', 'b1', 's1']);
      expect(lb.items.get('s1')!.attributes).toEqual({ color: 'BLACK, matte' });
      expect(lb.outfits).toEqual([{ outfitId: '1', itemIds: ['t1', 'b1', 's1'] }]);
      cases++;
    }
  });

  it.each([
    ['a missing items.csv', null, GOOD_OUTFITS, /items\.csv is missing/],
    ['a missing outfits.csv', GOOD_ITEMS, null, /outfits\.csv is missing/],
    ['an empty items.csv', '', GOOD_OUTFITS, /items\.csv line 1: the file is empty/],
    ['a missing column', ['item_id,image', 't1,a.jpg'], GOOD_OUTFITS, /items\.csv line 1: missing column: role/],
    ['a row with too few fields', [...GOOD_ITEMS.slice(0, 2), 'b1,images/b1.jpg', GOOD_ITEMS[3]!], GOOD_OUTFITS, /items\.csv line 3: expected 4 fields, found 2/],
    ['an unclosed quote', [...GOOD_ITEMS, 'x1,images/x1.jpg,top,"RED'], GOOD_OUTFITS, /items\.csv line 5: a quoted field is not closed/],
    ['a bad row after a quoted line break', [GOOD_ITEMS[0]!, 't1,images/t1.jpg,top,"two\nlines"', 'b1,images/b1.jpg,trousers,BLUE'], ['outfit_id,item_id', '1,t1'], /items\.csv line 4: role "trousers"/],
    ['an outfit with an unknown item', GOOD_ITEMS, [...GOOD_OUTFITS, '2,nope'], /outfits\.csv line 5: item nope is not in items\.csv/],
    ['an outfit row with an empty id', GOOD_ITEMS, [...GOOD_OUTFITS, ',t1'], /outfits\.csv line 5: outfit_id and item_id are both required/],
  ])('reports %s with its line, and returns nothing', (_what, items, outfits, message) => {
    expect(problemOf(lookbook(items, outfits))).toMatch(message);
    cases++;
  });

  it('reports every malformed row at once: duplicate ids, bad roles, image paths outside the folder, empty ids', () => {
    const message = problemOf(
      lookbook([
        ITEMS_HEADER,
        't1,images/t1.jpg,top,RED',
        't1,images/t1b.jpg,top,RED',
        'x2,images/x2.jpg,hat,RED',
        'x3,../../etc/passwd,top,RED',
        'x4,/etc/passwd,shoes,RED',
        ',images/x5.jpg,top,RED',
        'x6,,top,RED',
      ], ['outfit_id,item_id', '1,t1']),
    );
    expect(message).toMatch(/has 6 malformed rows; nothing was imported/);
    for (const line of [3, 4, 5, 6, 7, 8]) expect(message).toContain(`items.csv line ${line}:`);
    cases++;
  });

  it('loads the kit lookbook (read in place)', () => {
    if (!fs.existsSync(path.join(LOOKBOOK_DIR, 'items.csv'))) return;
    const lb = loadLookbook(LOOKBOOK_DIR);
    expect(lb.items.size).toBeGreaterThan(1000);
    expect(lb.outfits.length).toBeGreaterThan(1000);
    cases++;
  });
});

describe('teaching a house style from a broken lookbook, through the API', () => {
  it('fails with the row named, and leaves the library as it was (no half-written house style)', { timeout: 60_000 }, async () => {
    requireModel();
    const libraryDir = tempDir();
    const core = openCore({ libraryDir, modelDir: MODEL_DIR, shell: 'browser', version: 'test' });
    try {
      await call(core, 'people.create', { name: 'Ann' });
      const before = contentChecksum(core.services.db);
      const broken = lookbook([...GOOD_ITEMS, 'x1,images/x1.jpg,hat,RED']);
      const started = await core.dispatch('style.teach', { lookbookDir: broken });
      let error = started.ok ? null : started.error.message;
      if (started.ok) {
        const { jobId } = started.value as { jobId: string };
        for (let p = await call(core, 'style.status', { jobId }); ; p = await call(core, 'style.status', { jobId })) {
          if (p.state !== 'running') {
            expect(p.state).toBe('failed');
            error = p.error;
            break;
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      expect(error).toMatch(/items\.csv line 5: role "hat"/);
      expect(contentChecksum(core.services.db)).toBe(before);
      expect(fs.existsSync(path.join(libraryDir, 'house-style')) ? fs.readdirSync(path.join(libraryDir, 'house-style')) : []).toEqual([]);
      cases++;
    } finally {
      await core.close();
    }
  });
});

describe('CSV reader fuzz', () => {
  it('a mutated real CSV either parses with increasing line numbers or fails with a CsvError at a real line', () => {
    const source = fs.existsSync(path.join(LOOKBOOK_DIR, 'items.csv'))
      ? fs.readFileSync(path.join(LOOKBOOK_DIR, 'items.csv'), 'utf8').split('\n').slice(0, 120).join('\n')
      : GOOD_ITEMS.join('\n');
    const rng = new Rng(99);
    const alphabet = ['"', ',', '\n', '\r', '\r\n', '""', 'x', '\ufeff', ' '];
    const N = 600;
    let parsed = 0;
    const wrong: string[] = [];
    const lineOk = (line: number, lines: number) => line >= 1 && line <= lines;
    for (let i = 0; i < N; i++) {
      let text = source;
      for (let k = 1 + rng.int(6); k > 0; k--) {
        const at = rng.int(text.length + 1);
        text = rng.next() < 0.3 ? text.slice(0, at) + text.slice(at + 1 + rng.int(20)) : text.slice(0, at) + rng.pick(alphabet) + text.slice(at);
      }
      const physicalLines = text.split(/\r\n|\r|\n/).length;
      try {
        const rows = parseCsv(text);
        parsed++;
        if (rows.some((r, j) => j > 0 && r.line <= rows[j - 1]!.line) || (rows.length && !lineOk(rows.at(-1)!.line, physicalLines))) wrong.push(`case ${i}: row lines out of order or past the end`);
        try {
          parseCsvRecords(text, ['item_id']);
        } catch (error) {
          if (!(error instanceof CsvError) || !lineOk(error.line, physicalLines)) wrong.push(`case ${i}: records: ${String(error)}`);
        }
      } catch (error) {
        if (!(error instanceof CsvError) || !lineOk(error.line, physicalLines)) wrong.push(`case ${i}: ${String(error)}`);
      }
    }
    expect(wrong).toEqual([]);
    console.log(`[reliability] datasets: ${cases} broken-lookbook cases reported with their lines; CSV fuzz: ${N} mutated files, ${parsed} parsed, ${N - parsed} refused with a line number`);
  });
});

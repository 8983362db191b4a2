// @vitest-environment jsdom
// The People view (create, rename, archive, delete with undo, catalogues, model versions), House style and
// Settings (theme, export with a download, import with its summary or refusal, CSV).
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { HouseStyleProgress, LibraryJobProgress, ModelVersion, Person } from '../../../shared/api.ts';
import { App } from '../../../renderer/src/App.tsx';
import { createFakeApi, type FakeApi } from './fake-api.ts';
import { resetWindowBetweenTests } from './window-reset.ts';

const ANNA: Person = { id: 1, name: 'Anna', kind: 'person', createdAt: '2025-01-01T00:00:00Z', archived: false, usesCatalogueId: null };
const SHOP: Person = { id: 2, name: 'Boutique', kind: 'catalogue', createdAt: '2025-01-02T00:00:00Z', archived: false, usesCatalogueId: null };

resetWindowBetweenTests();

function peopleCore(extra: Parameters<typeof createFakeApi>[0] = {}): FakeApi {
  let people = [ANNA, SHOP];
  const deleted = new Map<number, Person>();
  const update = (id: number, change: Partial<Person>) => {
    people = people.map((p) => (p.id === id ? { ...p, ...change } : p));
    return people.find((p) => p.id === id)!;
  };
  return createFakeApi({
    'people.list': ({ includeArchived }) => people.filter((p) => includeArchived || !p.archived),
    'people.create': ({ name, kind }) => {
      const person: Person = { id: people.length + 10, name, kind: kind ?? 'person', createdAt: '2025-05-05T00:00:00Z', archived: false, usesCatalogueId: null };
      people = [...people, person];
      return person;
    },
    'people.rename': ({ personId, name }) => update(personId, { name }),
    'people.setArchived': ({ personId, archived }) => update(personId, { archived }),
    'people.useCatalogue': ({ personId, catalogueId }) => update(personId, { usesCatalogueId: catalogueId }),
    'people.delete': ({ personId }) => {
      const p = people.find((x) => x.id === personId)!;
      deleted.set(personId, p);
      people = people.filter((x) => x.id !== personId);
      return p;
    },
    'people.restore': ({ personId }) => {
      const p = deleted.get(personId)!;
      people = [...people, p];
      return p;
    },
    ...extra,
  });
}

async function openPeople(api: FakeApi) {
  render(<App api={api} initialView="people" />);
  return screen.findByTestId('person-page');
}

describe('people', () => {
  it('adds a person and a catalogue, and the switcher offers them', async () => {
    const api = peopleCore();
    await openPeople(api);
    const form = screen.getByRole('form', { name: 'Add a person or catalogue' });
    fireEvent.change(within(form).getByLabelText('New person or catalogue'), { target: { value: 'Client Cleo' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(screen.getByRole('heading', { name: 'Client Cleo' })).toBeTruthy());
    fireEvent.change(within(form).getByLabelText('New person or catalogue'), { target: { value: 'Spring stock' } });
    fireEvent.click(within(form).getByLabelText('Catalogue'));
    fireEvent.click(within(form).getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(api.callsTo('people.create').at(-1)).toEqual({ name: 'Spring stock', kind: 'catalogue' }));
    const options = Array.from((screen.getByTestId('person-switcher') as HTMLSelectElement).options).map((o) => o.textContent);
    expect(options).toEqual(expect.arrayContaining(['Anna', 'Client Cleo', 'Spring stock']));
  });

  it('renames, draws on a catalogue, archives, and opens another person', async () => {
    const api = peopleCore();
    const page = await openPeople(api);
    fireEvent.click(within(page).getByRole('button', { name: 'Rename' }));
    fireEvent.change(within(page).getByLabelText('New name'), { target: { value: 'Anna B.' } });
    fireEvent.click(within(page).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(within(screen.getByTestId('person-page')).getByRole('heading', { name: 'Anna B.' })).toBeTruthy());
    expect((screen.getByTestId('person-switcher') as HTMLSelectElement).selectedOptions[0]!.textContent).toBe('Anna B.');

    fireEvent.change(within(page).getByLabelText('Also suggest from catalogue'), { target: { value: '2' } });
    await waitFor(() => expect(api.callsTo('people.useCatalogue')).toEqual([{ personId: 1, catalogueId: 2 }]));

    // The open person cannot be archived; another can.
    expect(within(page).getByRole('button', { name: 'Archive' })).toHaveProperty('disabled', true);
    fireEvent.click(within(screen.getByRole('list', { name: 'People' })).getByRole('button', { name: /Boutique/ }));
    const shop = await screen.findByRole('heading', { name: 'Boutique' });
    const shopPage = shop.closest('[data-testid="person-page"]') as HTMLElement;
    fireEvent.click(within(shopPage).getByRole('button', { name: 'Open catalogue' }));
    await waitFor(() => expect((screen.getByTestId('person-switcher') as HTMLSelectElement).value).toBe('2'));
  });

  it('deletes a person, and Undo restores them', async () => {
    const api = peopleCore();
    await openPeople(api);
    fireEvent.click(within(screen.getByRole('list', { name: 'People' })).getByRole('button', { name: /Boutique/ }));
    const page = (await screen.findByRole('heading', { name: 'Boutique' })).closest('[data-testid="person-page"]') as HTMLElement;
    fireEvent.click(within(page).getByRole('button', { name: 'Delete' }));
    const toast = await screen.findByText('Boutique deleted.');
    expect(within(screen.getByRole('list', { name: 'People' })).queryByRole('button', { name: /Boutique/ })).toBeNull();
    fireEvent.click(within(toast.parentElement!).getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(within(screen.getByRole('list', { name: 'People' })).getByRole('button', { name: /Boutique/ })).toBeTruthy());
    expect(api.callsTo('people.restore')).toEqual([{ personId: 2 }]);
  });

  it('says there is no personal model before the first versions', async () => {
    const page = await openPeople(peopleCore());
    const panel = within(page).getByTestId('model-panel');
    await waitFor(() => expect(panel.textContent).toContain('No personal model yet'));
    expect(within(panel).getByRole('button', { name: 'Reset to the general model' })).toHaveProperty('disabled', true);
  });

  it('charts how the model learned and rolls back a version, after asking', async () => {
    let versions: ModelVersion[] = [
      { id: 1, createdAt: '2025-01-01T00:00:00Z', judgementsUsed: 4, metrics: { training_ms: 800, likes: 2 }, current: false, rolledBack: false },
      { id: 2, createdAt: '2025-01-02T00:00:00Z', judgementsUsed: 9, metrics: { training_ms: 900, likes: 5 }, current: true, rolledBack: false },
    ];
    const api = peopleCore({
      'judgements.list': () => Array.from({ length: 9 }, (_, i) => ({ id: i + 1, personId: 1, itemIds: [1, 2, 3], verdict: i % 2 ? 'dislike' : 'like', createdAt: '2025-01-01T00:00:00Z' })),
      'personal.versions': () => versions,
      'personal.rollback': ({ versionId }) => {
        versions = versions.map((v) => ({ ...v, current: v.id === versionId, rolledBack: v.id > versionId }));
        return versions;
      },
      'personal.reset': () => (versions = versions.map((v) => ({ ...v, current: false, rolledBack: true }))),
    });
    const page = await openPeople(api);
    const panel = within(page).getByTestId('model-panel');
    const curve = await within(panel).findByTestId('learning-curve');
    expect(curve.querySelectorAll('circle')).toHaveLength(2);
    expect(curve.textContent).toContain('Verdicts each version of the model learned from');
    fireEvent.click(within(panel).getByRole('button', { name: 'Roll back to this' }));
    const confirm = within(panel).getByTestId('model-confirm');
    expect(confirm.textContent).toContain('Roll back to version 1? The 5 verdicts made after it will be undone.');
    expect(api.callsTo('personal.rollback')).toEqual([]);
    fireEvent.click(within(confirm).getByRole('button', { name: 'Roll back' }));
    const list = within(panel).getByTestId('model-versions');
    await waitFor(() => expect(within(list).getByText('rolled back')).toBeTruthy());
    expect(api.callsTo('personal.rollback')).toEqual([{ personId: 1, versionId: 1 }]);
    expect(within(list).getAllByText('in use')).toHaveLength(1);

    fireEvent.click(within(panel).getByRole('button', { name: 'Reset to the general model' }));
    fireEvent.click(within(within(panel).getByTestId('model-confirm')).getByRole('button', { name: 'Reset' }));
    await waitFor(() => expect(api.callsTo('personal.reset')).toEqual([{ personId: 1 }]));
  });
});

function libraryJob(over: Partial<LibraryJobProgress>): LibraryJobProgress {
  return { jobId: 'job-1', kind: 'export', state: 'running', phase: 'writing', done: 0, total: 100, rate: 0, etaSeconds: null, file: null, summary: null, error: null, ...over };
}

describe('settings', () => {
  it('shows where the library is and what the models run on, and switches the theme', async () => {
    render(<App api={createFakeApi()} initialView="settings" />);
    expect((await screen.findByTestId('library-path')).textContent).toBe('/tmp/library');
    await waitFor(() => expect(screen.getByText(/Shipped · clothing-dataset/)).toBeTruthy());
    fireEvent.click(screen.getByLabelText('Dark'));
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(window.localStorage.getItem('stylist.theme')).toBe('dark');
    fireEvent.click(screen.getByLabelText('As the system'));
    expect(document.documentElement.dataset.theme).toBeUndefined();
    // The one-click toggle in the top bar.
    fireEvent.click(screen.getByRole('button', { name: /Use the dark theme/ }));
    expect(document.documentElement.dataset.theme).toBe('dark');
  });

  it('exports the library with progress, then offers the zip for download', async () => {
    let polls = 0;
    const file = { path: '/tmp/library/exports/stylist-library-x.zip', fileName: 'stylist-library-x.zip', bytes: 123456, downloadable: true };
    const api = createFakeApi({
      'library.export': () => ({ jobId: 'job-1' }),
      'library.status': () => (++polls < 2 ? libraryJob({ done: 40, rate: 1000, etaSeconds: 3 }) : libraryJob({ state: 'done', phase: 'done', done: 100, file })),
    });
    render(<App api={api} initialView="settings" pollMs={2} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Export library' }));
    const link = await screen.findByRole('link', { name: 'Download' });
    expect(link.getAttribute('href')).toBe('/download/stylist-library-x.zip');
    expect(link.getAttribute('download')).toBe('stylist-library-x.zip');
    expect(screen.getByTestId('library-job').textContent).toContain('Export finished');
    expect(screen.getByText('/tmp/library/exports/stylist-library-x.zip')).toBeTruthy();
  });

  it('imports a library zip from the picker, shows what came in, and reloads the people', async () => {
    const api = createFakeApi({
      'library.import': () => ({ jobId: 'job-2' }),
      'library.status': () =>
        libraryJob({
          jobId: 'job-2',
          kind: 'import',
          state: 'done',
          phase: 'done',
          summary: { peopleAdded: 2, peopleMerged: 1, itemsAdded: 14, itemsKnown: 3, judgementsAdded: 5, skipped: [{ file: 'odd.jpg', error: 'its photo is not in the zip' }], backupPath: '/tmp/library/backups/b.db' },
        }),
    });
    render(<App api={api} initialView="settings" pollMs={2} />);
    await screen.findByTestId('library-path');
    const peopleLoads = api.callsTo('people.list').length;
    const zip = new File([new Uint8Array([80, 75, 5, 6])], 'anna.zip', { type: 'application/zip' });
    fireEvent.change(screen.getByTestId('library-import-input'), { target: { files: [zip] } });
    const summary = await screen.findByTestId('library-import-summary');
    expect(api.callsTo('library.import')).toEqual([{ file: { name: 'anna.zip', dataBase64: 'UEsFBg==' } }]);
    expect(summary.textContent).toContain('Garments added14');
    expect(summary.textContent).toContain('odd.jpg');
    expect(summary.textContent).toContain('/tmp/library/backups/b.db');
    await waitFor(() => expect(api.callsTo('people.list').length).toBeGreaterThan(peopleLoads));
  });

  it('shows the garments of a merged library being updated for the image model, and reloads once it is done', async () => {
    let merged = false;
    let polls = 0;
    const api = createFakeApi({
      'library.import': () => ({ jobId: 'job-3' }),
      'library.status': () => ((merged = true), libraryJob({ jobId: 'job-3', kind: 'import', state: 'done', phase: 'done', summary: { peopleAdded: 1, peopleMerged: 0, itemsAdded: 30, itemsKnown: 0, judgementsAdded: 0, skipped: [], backupPath: '/tmp/b.db' } })),
      // The update at open (run 1) ended before; the merge starts run 2.
      'library.modelUpdate': () =>
        !merged ? { run: 1, state: 'done', total: 5, done: 5, failed: 0 } : ++polls < 3 ? { run: 2, state: 'running', total: 30, done: 10 * polls, failed: 0 } : { run: 2, state: 'done', total: 30, done: 30, failed: 0 },
    });
    render(<App api={api} initialView="settings" pollMs={2} />);
    await screen.findByTestId('library-path');
    // Run 1 is seen done (the views reload once, and the note asks once more): then no polling while nothing runs.
    await waitFor(() => expect(api.callsTo('library.modelUpdate').length).toBeGreaterThanOrEqual(2));
    await new Promise((r) => setTimeout(r, 30));
    const fixed = api.callsTo('library.modelUpdate').length;
    await new Promise((r) => setTimeout(r, 30));
    expect(api.callsTo('library.modelUpdate')).toHaveLength(fixed);
    const peopleLoads = api.callsTo('people.list').length;
    fireEvent.change(screen.getByTestId('library-import-input'), { target: { files: [new File([new Uint8Array([80, 75, 5, 6])], 'old.zip')] } });
    const bar = await screen.findByRole('progressbar', { name: 'Updating garments for the new image model' });
    expect(bar.getAttribute('aria-valuemax')).toBe('30');
    await waitFor(() => expect(screen.queryByRole('progressbar', { name: 'Updating garments for the new image model' })).toBeNull());
    // Reloaded after the merge and again after run 2, and then it settles.
    await waitFor(() => expect(api.callsTo('people.list').length).toBeGreaterThan(peopleLoads));
    await new Promise((r) => setTimeout(r, 50));
    const settled = api.callsTo('library.modelUpdate').length;
    await new Promise((r) => setTimeout(r, 50));
    expect(api.callsTo('library.modelUpdate')).toHaveLength(settled);
  });

  it('shows why an import was refused', async () => {
    const refusal = 'This library was exported by a newer version of Desktop Stylist (library schema 3; this version reads up to 2). Update the app to import it. Your library was not changed.';
    const api = createFakeApi({
      'library.import': () => ({ jobId: 'job-3' }),
      'library.status': () => libraryJob({ jobId: 'job-3', kind: 'import', state: 'failed', phase: 'reading', error: refusal }),
    });
    render(<App api={api} initialView="settings" pollMs={2} />);
    const input = await screen.findByLabelText('Or the zip’s path on this computer');
    fireEvent.change(input, { target: { value: '/tmp/new.zip' } });
    fireEvent.click(within(input.closest('form')!).getByRole('button', { name: 'Import' }));
    expect((await screen.findByRole('alert', {}, { timeout: 2000 })).textContent).toBe(refusal);
    expect(api.callsTo('library.import')).toEqual([{ path: '/tmp/new.zip' }]);
  });

  it('writes a CSV of the wardrobe and offers it', async () => {
    const api = createFakeApi({
      'items.exportCsv': ({ personId }) => ({ path: '/tmp/library/exports/items.csv', fileName: 'items.csv', bytes: 300, downloadable: true, rows: personId ? 12 : 40 }),
    });
    render(<App api={api} initialView="settings" />);
    fireEvent.click(await screen.findByRole('button', { name: 'Me’s wardrobe' }));
    expect(await screen.findByText('12 garments in items.csv')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Download' }).getAttribute('href')).toBe('/download/items.csv');
  });
});

describe('house style', () => {
  it('teaches from a lookbook folder with progress and validation, then shows the new model', async () => {
    let polls = 0;
    let taught = false;
    const progress = (over: Partial<HouseStyleProgress>): HouseStyleProgress => ({ jobId: 'style-1', state: 'running', phase: 'embedding', done: 10, total: 40, fraction: 0.2, validation: null, error: null, ...over });
    const api = createFakeApi({
      'style.teach': () => ({ jobId: 'style-1' }),
      'style.status': () => {
        polls++;
        if (polls < 2) return progress({});
        taught = true;
        return progress({ state: 'done', phase: 'done', fraction: 1, done: 40, validation: { aucSwap: 0.71, aucRandom: 0.83, fitb: 0.42 } });
      },
      'style.info': () => ({ source: taught ? 'house-style' : 'shipped', id: taught ? 'house-1' : 'shipped-1', trainedOn: taught ? 'lookbook' : 'clothing-dataset', createdAt: '2025-01-01T00:00:00Z', houseStyleOutdated: false }),
    });
    render(<App api={api} initialView="style" pollMs={2} />);
    fireEvent.change(await screen.findByLabelText('Lookbook folder'), { target: { value: ' /data/lookbook ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Teach the house style' }));
    const panel = await screen.findByTestId('style-progress');
    await waitFor(() => expect(panel.textContent).toContain('House style learned'));
    expect(api.callsTo('style.teach')).toEqual([{ lookbookDir: '/data/lookbook' }]);
    expect(panel.textContent).toContain('0.71');
    await waitFor(() => expect(screen.getByTestId('style-info').textContent).toContain('Your house style'));
  });
});

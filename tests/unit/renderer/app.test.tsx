// @vitest-environment jsdom
import { StrictMode } from 'react';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Person } from '../../../shared/api.ts';
import { App } from '../../../renderer/src/App.tsx';
import { PERSON_STORAGE_KEY } from '../../../renderer/src/state/people.ts';
import { createFakeApi, Fail } from './fake-api.ts';
import { resetWindowBetweenTests } from './window-reset.ts';

const ANNA: Person = { id: 1, name: 'Anna', kind: 'person', createdAt: '2025-01-01', archived: false, usesCatalogueId: null };
const BEA: Person = { id: 2, name: 'Bea', kind: 'person', createdAt: '2025-01-02', archived: false, usesCatalogueId: null };

resetWindowBetweenTests();

describe('people', () => {
  it('creates "Me" once when the library has nobody, even in StrictMode', async () => {
    const api = createFakeApi({ 'people.list': () => [] });
    render(
      <StrictMode>
        <App api={api} />
      </StrictMode>,
    );
    const switcher = (await screen.findByTestId('person-switcher')) as HTMLSelectElement;
    expect(switcher.selectedOptions[0]?.textContent).toBe('Me');
    expect(api.callsTo('people.create')).toEqual([{ name: 'Me' }]);
    await waitFor(() => expect(api.callsTo('items.list')[0]).toMatchObject({ personId: 99 }));
  });

  it('switches person from the header, remembers the choice and reloads the wardrobe', async () => {
    const api = createFakeApi({ 'people.list': () => [ANNA, BEA] });
    render(<App api={api} />);
    const switcher = (await screen.findByTestId('person-switcher')) as HTMLSelectElement;
    expect(screen.getByLabelText('Wardrobe of')).toBe(switcher);
    expect(switcher.value).toBe('1');
    fireEvent.change(switcher, { target: { value: '2' } });
    await waitFor(() => expect(api.callsTo('items.list').at(-1)).toMatchObject({ personId: 2 }));
    expect(window.localStorage.getItem(PERSON_STORAGE_KEY)).toBe('2');
    cleanup();

    render(<App api={api} />);
    expect(((await screen.findByTestId('person-switcher')) as HTMLSelectElement).value).toBe('2');
  });

  it('adds a person from the header', async () => {
    const api = createFakeApi({ 'people.list': () => [ANNA], 'people.create': ({ name }) => ({ ...BEA, name }) });
    render(<App api={api} />);
    await screen.findByTestId('person-switcher');
    fireEvent.click(screen.getByRole('button', { name: 'Add a person' }));
    const form = screen.getByRole('form', { name: 'Add a person' });
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: '  Client Bea ' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Add' }));
    await waitFor(() => expect((screen.getByTestId('person-switcher') as HTMLSelectElement).value).toBe('2'));
    expect(api.callsTo('people.create')).toEqual([{ name: 'Client Bea' }]);
    expect(screen.queryByRole('form', { name: 'Add a person' })).toBeNull();
  });
});

describe('error banner', () => {
  it('shows API errors and can be dismissed', async () => {
    const api = createFakeApi({ 'items.list': () => new Fail('internal', 'database is locked') });
    render(<App api={api} />);
    const banner = await screen.findByTestId('error-banner');
    expect(banner.getAttribute('role')).toBe('alert');
    expect(banner.textContent).toContain('database is locked');
    expect(screen.getByText('The wardrobe could not be loaded.')).toBeTruthy();
    fireEvent.click(within(banner).getByRole('button', { name: /dismiss/i }));
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });

  it('collects several errors and dismisses them all at once', async () => {
    const api = createFakeApi({
      'app.info': () => new Fail('unavailable', 'backbone not provisioned'),
      'items.list': () => new Fail('internal', 'database is locked'),
    });
    render(<App api={api} />);
    await waitFor(() => expect(screen.getByTestId('error-banner').textContent).toContain('backbone not provisioned'));
    await waitFor(() => expect(screen.getByTestId('error-banner').textContent).toContain('database is locked'));
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss all' }));
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });

  it('offers a retry when the library cannot be opened', async () => {
    let fail = true;
    const api = createFakeApi({ 'people.list': () => (fail ? new Fail('unauthorized', 'bad token') : [ANNA]) });
    render(<App api={api} />);
    expect((await screen.findByTestId('error-banner')).textContent).toContain('bad token');
    expect(screen.getByText('Could not open the library')).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(((await screen.findByTestId('person-switcher')) as HTMLSelectElement).value).toBe('1');
  });
});

describe('navigation', () => {
  it('switches views from the sidebar and marks the current one', async () => {
    render(<App api={createFakeApi()} />);
    const nav = await screen.findByRole('navigation', { name: 'Views' });
    const wardrobe = within(nav).getByRole('button', { name: 'Wardrobe' });
    expect(wardrobe.getAttribute('aria-current')).toBe('page');
    fireEvent.click(within(nav).getByRole('button', { name: 'Suggestions' }));
    expect(await screen.findByRole('heading', { name: 'Suggestions', level: 1 })).toBeTruthy();
    expect(wardrobe.getAttribute('aria-current')).toBeNull();
  });
});

describe('garments updated for new image models', () => {
  it('shows the background update with its progress, then what it could not update, and reloads the wardrobe', async () => {
    let polls = 0;
    const api = createFakeApi({
      'people.list': () => [ANNA],
      'library.modelUpdate': () =>
        ++polls < 3 ? { run: 1, state: 'running', total: 120, done: 40 * polls, failed: 0 } : { run: 1, state: 'done', total: 120, done: 120, failed: 2 },
    });
    render(<App api={api} pollMs={5} />);
    const bar = await screen.findByRole('progressbar', { name: 'Updating garments for the new image model' });
    expect(bar.getAttribute('aria-valuemax')).toBe('120');
    await screen.findByText('2 garments could not be updated for the new image model: their photos could not be read.');
    expect(screen.queryByRole('progressbar', { name: 'Updating garments for the new image model' })).toBeNull();
    await waitFor(() => expect(api.callsTo('items.list').length).toBeGreaterThanOrEqual(2));
  });

  it('shows nothing when no update ran', async () => {
    const api = createFakeApi({ 'people.list': () => [ANNA], 'library.modelUpdate': () => null });
    render(<App api={api} pollMs={5} />);
    await waitFor(() => expect(api.callsTo('library.modelUpdate')).toHaveLength(1));
    expect(screen.queryByText(/image model/)).toBeNull();
  });
});

describe('house style taught with an earlier image model', () => {
  it('says the shipped model serves until it is taught again', async () => {
    const api = createFakeApi({
      'people.list': () => [ANNA],
      'style.info': () => ({ source: 'shipped', id: 'shipped-1', trainedOn: 'clothing-dataset', createdAt: '2025-01-01T00:00:00Z', houseStyleOutdated: true }),
    });
    render(<App api={api} initialView="style" />);
    const note = await screen.findByText(/Your house style was taught with an earlier image model/);
    expect(note.textContent).toContain('until you teach it again');
  });
});

// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Item } from '../../../shared/api.ts';
import { App } from '../../../renderer/src/App.tsx';
import { createFakeApi, emptyCounts, Fail, makeItem } from './fake-api.ts';
import { resetWindowBetweenTests } from './window-reset.ts';

resetWindowBetweenTests();

describe('wardrobe', () => {
  it('says what to do when the wardrobe is empty, and leads to the import view', async () => {
    const api = createFakeApi();
    render(<App api={api} />);
    expect(await screen.findByText('Import photos of your clothes')).toBeTruthy();
    expect(screen.queryByTestId('wardrobe-grid')).toBeNull();
    const emptyState = screen.getByText('Import photos of your clothes').closest('.empty-state') as HTMLElement;
    fireEvent.click(within(emptyState).getByRole('button', { name: /import photos/i }));
    expect(await screen.findByTestId('import-dropzone')).toBeTruthy();
  });

  it('shows each item with its photo, type and colours, and filters by type', async () => {
    const items = [makeItem(1, 'top'), makeItem(2, 'shoes', { colors: [{ hex: '#aa2211', name: 'brick red', share: 1 }] })];
    const api = createFakeApi({
      'items.list': ({ type }) => {
        const shown = type ? items.filter((i) => i.type === type) : items;
        return { items: shown, total: shown.length };
      },
      'items.counts': () => ({ ...emptyCounts(items), byType: { ...emptyCounts(items).byType, dress: 0 } }),
    });
    render(<App api={api} />);
    const grid = await screen.findByTestId('wardrobe-grid');
    const cards = within(grid).getAllByTestId('item-card');
    expect(cards).toHaveLength(2);
    expect(within(cards[0]!).getByRole('img').getAttribute('src')).toBe(`/media/thumb/${items[0]!.sha256}`);
    expect((within(cards[0]!).getByLabelText('Type of top-1.jpg') as HTMLSelectElement).value).toBe('top');
    expect(within(cards[1]!).getByText('brick red')).toBeTruthy();
    expect(api.callsTo('items.list')[0]).toMatchObject({ personId: 1, offset: 0 });
    expect(api.callsTo('items.list')[0]).not.toHaveProperty('type');

    // Types the wardrobe has are offered, with their counts.
    expect(screen.getByRole('radio', { name: 'All, 2' })).toBeTruthy();
    expect(screen.queryByRole('radio', { name: /Dresses/ })).toBeNull();
    fireEvent.click(screen.getByRole('radio', { name: 'Shoes, 1' }));
    await waitFor(() => expect(within(screen.getByTestId('wardrobe-grid')).getAllByTestId('item-card')).toHaveLength(1));
    expect(api.callsTo('items.list').at(-1)).toMatchObject({ personId: 1, type: 'shoes' });

    fireEvent.click(screen.getByRole('radio', { name: 'Tops, 1' }));
    await waitFor(() => expect(api.callsTo('items.list').at(-1)).toMatchObject({ type: 'top' }));
  });

  it('shows an archived garment’s reason rather than asking to check its type', async () => {
    const item = makeItem(8, 'top', { typeConfidence: 0.3, archiveReason: 'sold' });
    const api = createFakeApi({ 'items.list': () => ({ items: [item], total: 1 }) });
    render(<App api={api} />);
    const card = await screen.findByTestId('item-card');
    expect(within(card).getByText('sold')).toBeTruthy();
    expect(within(card).queryByText('Check type')).toBeNull();
  });

  it('corrects an item’s type with items.setType', async () => {
    const item = makeItem(7, 'unknown', { typeConfidence: 0.3 });
    const api = createFakeApi({
      'items.list': () => ({ items: [item], total: 1 }),
      'items.setType': ({ itemId, type }): Item => ({ ...item, id: itemId, type, typeSource: 'user', typeConfidence: 1 }),
    });
    render(<App api={api} />);
    const card = await screen.findByTestId('item-card');
    expect(within(card).getByText('Check type')).toBeTruthy();
    fireEvent.change(within(card).getByLabelText('Type of unknown-7.jpg'), { target: { value: 'bottom' } });
    await waitFor(() => expect(within(screen.getByTestId('item-card')).queryByText('Check type')).toBeNull());
    expect(api.callsTo('items.setType')).toEqual([{ itemId: 7, type: 'bottom' }]);
    expect((within(screen.getByTestId('item-card')).getByLabelText('Type of unknown-7.jpg') as HTMLSelectElement).value).toBe('bottom');
  });

  it('keeps the old type and shows the error when the correction fails', async () => {
    const api = createFakeApi({
      'items.list': () => ({ items: [makeItem(7, 'top')], total: 1 }),
      'items.setType': () => new Fail('not_found', 'item 7 is gone'),
    });
    render(<App api={api} />);
    const select = (await screen.findByLabelText('Type of top-7.jpg')) as HTMLSelectElement;
    fireEvent.change(select, { target: { value: 'shoes' } });
    expect((await screen.findByTestId('error-banner')).textContent).toContain('item 7 is gone');
    expect((screen.getByLabelText('Type of top-7.jpg') as HTMLSelectElement).value).toBe('top');
  });
});

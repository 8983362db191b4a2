// @vitest-environment jsdom
// The wardrobe at scale (virtualised, paged on demand), its filters, multi-select with undo, and an item's page.
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Item } from '../../../shared/api.ts';
import { App } from '../../../renderer/src/App.tsx';
import { createFakeApi, deferred, emptyCounts, makeItem, makeOutfit, type FakeApi } from './fake-api.ts';
import { resetWindowBetweenTests } from './window-reset.ts';

resetWindowBetweenTests();

/** A core holding `items` for person 1, honouring type, colour, tag, archived, offset and limit. */
function wardrobeCore(items: Item[], extra: Parameters<typeof createFakeApi>[0] = {}): FakeApi {
  const archived = new Map<number, string>();
  const removed = new Set<number>();
  const visible = (input: { archived?: boolean }) => items.filter((i) => !removed.has(i.id) && archived.has(i.id) === Boolean(input.archived));
  return createFakeApi({
    'items.list': (input) => {
      const shown = visible(input)
        .filter((i) => !input.type || i.type === input.type)
        .filter((i) => !input.color || i.colors.some((c) => c.name === input.color))
        .filter((i) => !input.tag || i.tags.some((t) => t.label === input.tag))
        .map((i) => ({ ...i, archiveReason: (archived.get(i.id) as Item['archiveReason']) ?? null }));
      const offset = input.offset ?? 0;
      return { items: shown.slice(offset, offset + (input.limit ?? 200)), total: shown.length };
    },
    'items.counts': (input) => ({ ...emptyCounts(visible(input)), byColor: [{ name: 'navy', hex: '#1f2a44', count: 2 }], byTag: [{ label: 'jersey', count: 1 }] }),
    'items.archive': ({ itemIds, reason }) => {
      for (const id of itemIds) {
        if (reason) archived.set(id, reason);
        else archived.delete(id);
      }
      return { changed: itemIds.length };
    },
    'items.remove': ({ itemIds }) => {
      for (const id of itemIds) removed.add(id);
      return { changed: itemIds.length };
    },
    'items.restore': ({ itemIds }) => {
      for (const id of itemIds) removed.delete(id);
      return { changed: itemIds.length };
    },
    'items.setType': ({ itemId, type }) => {
      const item = items.find((i) => i.id === itemId)!;
      Object.assign(item, { type, typeSource: 'user', typeConfidence: 1 });
      return item;
    },
    'items.get': ({ itemId }) => ({ ...items.find((i) => i.id === itemId)!, archiveReason: (archived.get(itemId) as Item['archiveReason']) ?? null }),
    ...extra,
  });
}

const cards = () => screen.queryAllByTestId('item-card');

describe('a large wardrobe', () => {
  it('renders only the rows in view of 5,000 items and fetches further pages as the grid scrolls', async () => {
    const all = Array.from({ length: 5000 }, (_, i) => makeItem(i + 1, 'top'));
    const api = wardrobeCore(all);
    render(<App api={api} />);
    const grid = await screen.findByTestId('wardrobe-grid');
    await waitFor(() => expect(cards().length).toBeGreaterThan(0));
    expect(cards().length).toBeLessThan(60);
    expect(api.callsTo('items.list')).toHaveLength(1);
    expect(screen.getByText('5,000 items')).toBeTruthy();

    // Scroll far down: the page holding those rows is asked for, and only rows near there are in the page.
    act(() => {
      grid.scrollTop = 300_000;
      fireEvent.scroll(grid);
    });
    await waitFor(() => expect(api.callsTo('items.list').some((c) => (c.offset ?? 0) >= 3000)).toBe(true));
    await waitFor(() => expect(cards().some((c) => Number(c.dataset.itemId) > 3000)).toBe(true));
    expect(cards().length).toBeLessThan(60);
    expect(cards().some((c) => c.dataset.itemId === '1')).toBe(false);
  });

  it('moves between cards with the arrow keys, one card in the Tab order', async () => {
    render(<App api={wardrobeCore(Array.from({ length: 30 }, (_, i) => makeItem(i + 1, 'top')))} />);
    await waitFor(() => expect(cards().length).toBeGreaterThan(5));
    const openButtons = screen.getAllByRole('button', { name: /^Open / });
    expect(openButtons.filter((b) => b.tabIndex === 0)).toHaveLength(1);
    openButtons[0]!.focus();
    fireEvent.keyDown(openButtons[0]!, { key: 'ArrowRight' });
    await waitFor(() => expect(document.activeElement?.getAttribute('aria-label')).toBe('Open top-2.jpg'));
    // X selects the focused card.
    fireEvent.keyDown(document.activeElement!, { key: 'x' });
    expect(await screen.findByTestId('selection-bar')).toBeTruthy();
  });

  it('End focuses the last garment even when its page arrives many frames later', async () => {
    const all = Array.from({ length: 500 }, (_, i) => makeItem(i + 1, 'top'));
    const base = wardrobeCore(all);
    const lastPage = deferred<void>();
    const api = wardrobeCore(all, {
      'items.list': async (input) => {
        if ((input.offset ?? 0) > 0) await lastPage.promise; // a slow fetch on a busy machine
        return base.handlers['items.list']!(input);
      },
    });
    render(<App api={api} />);
    await waitFor(() => expect(cards().length).toBeGreaterThan(5));
    const first = screen.getAllByRole('button', { name: /^Open / })[0]!;
    first.focus();
    fireEvent.keyDown(first, { key: 'End' });
    const grid = screen.getByTestId('wardrobe-grid');
    // jsdom has no scrolling: do what the browser does for scrollToIndex (to the bottom, then a scroll event).
    act(() => {
      grid.scrollTop = 1_000_000;
      fireEvent.scroll(grid);
    });
    await waitFor(() => expect(api.callsTo('items.list').some((c) => (c.offset ?? 0) > 0)).toBe(true));
    await new Promise((r) => setTimeout(r, 400)); // well over ten frames
    lastPage.resolve();
    await waitFor(() => expect(document.activeElement?.getAttribute('aria-label')).toBe('Open top-500.jpg'));
  });
});

describe('filters', () => {
  it('filters by colour, tag and the archive through items.list', async () => {
    const items = [
      makeItem(1, 'top', { tags: [{ label: 'jersey', p: 0.6 }] }),
      makeItem(2, 'bottom', { colors: [{ hex: '#1f2a44', name: 'navy', share: 1 }] }),
      makeItem(3, 'shoes', { colors: [{ hex: '#553311', name: 'brown', share: 1 }] }),
    ];
    const api = wardrobeCore(items);
    render(<App api={api} />);
    await waitFor(() => expect(cards()).toHaveLength(3));
    fireEvent.change(screen.getByLabelText('Colour'), { target: { value: 'navy' } });
    await waitFor(() => expect(cards()).toHaveLength(2));
    expect(api.callsTo('items.list').at(-1)).toMatchObject({ color: 'navy' });
    fireEvent.change(screen.getByLabelText('Tag'), { target: { value: 'jersey' } });
    await waitFor(() => expect(cards()).toHaveLength(1));
    expect(api.callsTo('items.list').at(-1)).toMatchObject({ color: 'navy', tag: 'jersey' });
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(cards()).toHaveLength(3));
    fireEvent.click(screen.getByLabelText('Archived'));
    expect(await screen.findByText('Nothing archived')).toBeTruthy();
    expect(api.callsTo('items.list').at(-1)).toMatchObject({ archived: true });
  });
});

describe('several garments at once', () => {
  it('archives a selection with a reason, and Undo brings it back', async () => {
    const api = wardrobeCore([makeItem(1, 'top'), makeItem(2, 'bottom'), makeItem(3, 'shoes')]);
    render(<App api={api} />);
    await waitFor(() => expect(cards()).toHaveLength(3));
    fireEvent.click(screen.getByLabelText('Select top-1.jpg'));
    fireEvent.click(screen.getByLabelText('Select shoes-3.jpg'));
    const bar = screen.getByTestId('selection-bar');
    expect(bar.textContent).toContain('2 items selected');
    fireEvent.change(within(bar).getByLabelText('Archive reason'), { target: { value: 'donated' } });
    fireEvent.click(within(bar).getByRole('button', { name: 'Archive' }));
    await waitFor(() => expect(cards()).toHaveLength(1));
    expect(api.callsTo('items.archive')).toEqual([{ personId: 1, itemIds: [1, 3], reason: 'donated' }]);
    const toast = await screen.findByText('2 items archived (donated).');
    fireEvent.click(within(toast.parentElement!).getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(cards()).toHaveLength(3));
    expect(api.callsTo('items.archive').at(-1)).toEqual({ personId: 1, itemIds: [1, 3], reason: null });
  });

  it('removes the selection with Delete, and Undo restores it', async () => {
    const api = wardrobeCore([makeItem(1, 'top'), makeItem(2, 'bottom')]);
    render(<App api={api} />);
    await waitFor(() => expect(cards()).toHaveLength(2));
    fireEvent.click(screen.getByLabelText('Select bottom-2.jpg'));
    fireEvent.keyDown(screen.getByLabelText('Select bottom-2.jpg'), { key: 'Delete' });
    await waitFor(() => expect(cards()).toHaveLength(1));
    expect(api.callsTo('items.remove')).toEqual([{ personId: 1, itemIds: [2] }]);
    fireEvent.click(within((await screen.findByText('1 item removed.')).parentElement!).getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(cards()).toHaveLength(2));
    expect(api.callsTo('items.restore')).toEqual([{ personId: 1, itemIds: [2] }]);
  });

  it('retypes a selection, Escape clears it', async () => {
    const api = wardrobeCore([makeItem(1, 'unknown'), makeItem(2, 'unknown'), makeItem(3, 'top')]);
    render(<App api={api} />);
    await waitFor(() => expect(cards()).toHaveLength(3));
    fireEvent.click(screen.getByLabelText('Select unknown-1.jpg'));
    fireEvent.click(screen.getByLabelText('Select unknown-2.jpg'), { shiftKey: true });
    const bar = screen.getByTestId('selection-bar');
    fireEvent.change(within(bar).getByLabelText('New type'), { target: { value: 'dress' } });
    fireEvent.click(within(bar).getByRole('button', { name: 'Set type' }));
    await waitFor(() => expect(api.callsTo('items.setType')).toEqual([{ itemId: 1, type: 'dress' }, { itemId: 2, type: 'dress' }]));
    fireEvent.click(await screen.findByLabelText('Select top-3.jpg'));
    expect(screen.getByTestId('selection-bar')).toBeTruthy();
    fireEvent.keyDown(screen.getByLabelText('Select top-3.jpg'), { key: 'Escape' });
    expect(screen.queryByTestId('selection-bar')).toBeNull();
  });
});

describe('an item’s page', () => {
  let tee: Item;
  beforeEach(() => {
    tee = makeItem(5, 'top', { typeConfidence: 0.42, tags: [{ label: 'jersey, T-shirt', p: 0.61 }], fileName: 'tee.jpg' });
  });

  async function openItem(api: FakeApi) {
    render(<App api={api} />);
    fireEvent.click(await screen.findByRole('button', { name: 'Open tee.jpg' }));
    return screen.findByTestId('item-view');
  }

  it('shows the photo, the type with its confidence, colours, tags and judged outfits', async () => {
    const outfit = makeOutfit([tee, makeItem(6, 'bottom'), makeItem(7, 'shoes')]);
    const api = wardrobeCore([tee], {
      'items.outfits': ({ itemId }) => (itemId === 5 ? [{ judgement: { id: 9, personId: 1, itemIds: [5, 6, 7], verdict: 'like', createdAt: '2025-03-01T10:00:00Z' }, items: outfit.items }] : []),
    });
    const view = await openItem(api);
    expect(within(view).getByRole('heading', { level: 1 }).textContent).toBe('Top');
    expect(within(view).getAllByRole('img', { name: 'Top, tee.jpg' })[0]!.getAttribute('src')).toBe(`/media/original/${tee.sha256}`);
    expect(within(view).getByTestId('type-confidence').textContent).toBe('Predicted, 42% sure');
    expect(within(view).getByText('navy')).toBeTruthy();
    expect(within(view).getByText('jersey, T-shirt')).toBeTruthy();
    const look = within(view).getByTestId('look');
    expect(look.textContent).toContain('Liked');
    expect(within(look).getAllByRole('img')).toHaveLength(3);
    expect(api.callsTo('items.outfits')).toEqual([{ personId: 1, itemId: 5, limit: 50 }]);
    await waitFor(() => expect(within(view).getByText('No similar garments in this wardrobe.')).toBeTruthy());
    expect(api.callsTo('items.similar')).toEqual([{ itemId: 5, k: 8, personId: 1 }]);
  });

  it('says which garment a judged dislike named', async () => {
    const outfit = makeOutfit([tee, makeItem(6, 'bottom'), makeItem(7, 'shoes')]);
    const api = wardrobeCore([tee], {
      'items.outfits': () => [{ judgement: { id: 9, personId: 1, itemIds: [5, 6, 7], verdict: 'dislike', blamedItemId: 7, createdAt: '2025-03-01T10:00:00Z' }, items: outfit.items }],
    });
    const look = within(await openItem(api)).getByTestId('look');
    expect(look.textContent).toContain('Disliked: not the shoes');
    const marked = look.querySelectorAll('[data-blamed]');
    expect(marked).toHaveLength(1);
    expect(marked[0]!.querySelector('img')!.getAttribute('alt')).toContain('Shoes');
  });

  it('corrects the type, archives with a reason and goes back with Escape', async () => {
    const api = wardrobeCore([tee, makeItem(6, 'bottom')]);
    const view = await openItem(api);
    fireEvent.change(within(view).getByLabelText('Type'), { target: { value: 'dress' } });
    await waitFor(() => expect(within(screen.getByTestId('item-view')).getByTestId('type-confidence').textContent).toBe('Set by you'));
    expect(api.callsTo('items.setType')).toEqual([{ itemId: 5, type: 'dress' }]);
    fireEvent.change(within(view).getByLabelText('Reason'), { target: { value: 'lost' } });
    fireEvent.click(within(view).getByRole('button', { name: 'Archive' }));
    await waitFor(() => expect(within(screen.getByTestId('item-view')).getByRole('heading', { name: 'Archived: lost' })).toBeTruthy());
    expect(api.callsTo('items.archive')).toEqual([{ personId: 1, itemIds: [5], reason: 'lost' }]);
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(await screen.findByTestId('wardrobe-grid')).toBeTruthy();
  });

  it('builds outfits around the garment', async () => {
    const api = wardrobeCore([tee], { 'outfits.suggest': ({ pinned }) => (pinned?.includes(5) ? [makeOutfit([tee, makeItem(6, 'bottom'), makeItem(7, 'shoes')])] : []) });
    const view = await openItem(api);
    fireEvent.click(within(view).getByRole('button', { name: /Build outfits around this/ }));
    expect(await screen.findByTestId('outfit-card')).toBeTruthy();
    expect(api.callsTo('outfits.suggest').at(-1)).toMatchObject({ personId: 1, pinned: [5] });
    expect(screen.getByTestId('built-around').textContent).toContain('Top');
    expect(within(screen.getByTestId('outfit-card')).getByRole('button', { name: 'Unlock top' })).toHaveProperty('disabled', true);
  });

  it('shows similar garments, and "more like this" lists them in the grid', async () => {
    const similar = [makeItem(8, 'top', { fileName: 'tee-2.jpg' }), makeItem(9, 'top', { fileName: 'tee-3.jpg' })];
    const api = wardrobeCore([tee, ...similar], { 'items.similar': (input) => (input.itemId === 5 ? similar : []) });
    const view = await openItem(api);
    await waitFor(() => expect(within(view).getByRole('button', { name: 'Open tee-2.jpg' })).toBeTruthy());
    fireEvent.click(within(view).getByRole('button', { name: 'More like this' }));
    expect(await screen.findByRole('heading', { name: 'More like this' })).toBeTruthy();
    await waitFor(() => expect(cards().map((c) => c.dataset.fileName)).toEqual(['tee-2.jpg', 'tee-3.jpg']));
    expect(api.callsTo('items.similar').at(-1)).toEqual({ itemId: 5, k: 60, personId: 1 });
  });
});

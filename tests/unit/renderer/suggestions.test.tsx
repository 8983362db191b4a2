// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { App } from '../../../renderer/src/App.tsx';
import { createFakeApi, deferred, Fail, makeItem, makeOutfit, progress, type FakeApi } from './fake-api.ts';
import { resetWindowBetweenTests } from './window-reset.ts';

const OUTFIT_A = makeOutfit([makeItem(11, 'top'), makeItem(12, 'bottom'), makeItem(13, 'shoes')], 0.81);
const OUTFIT_B = makeOutfit([makeItem(21, 'outerwear'), makeItem(22, 'dress'), makeItem(23, 'shoes')], 0.64);

resetWindowBetweenTests();

async function openSuggestions(api: FakeApi) {
  render(<App api={api} initialView="suggestions" />);
  return screen.findByTestId('outfit-card');
}

function press(key: string, target: Element | Window = window) {
  fireEvent.keyDown(target, { key });
}

describe('suggestions', () => {
  it('shows one outfit, garments top to bottom with photos, and why it was chosen', async () => {
    const api = createFakeApi({ 'outfits.suggest': () => [OUTFIT_A, OUTFIT_B] });
    const card = await openSuggestions(api);
    expect(api.callsTo('outfits.suggest')[0]).toMatchObject({ personId: 1 });
    const photos = within(card).getAllByRole('img');
    expect(photos.map((img) => img.getAttribute('src'))).toEqual(OUTFIT_A.items.map((i) => `/media/thumb/${i.sha256}`));
    expect(within(card).getAllByRole('listitem', { hidden: false }).length).toBeGreaterThanOrEqual(3);
    expect(screen.getByText('Outfit 1 of 2')).toBeTruthy();

    const why = screen.getByRole('region', { name: 'Why this outfit' });
    expect(why.textContent).toContain('0.81');
    expect(why.textContent).toContain('Top + Bottom');
    expect(why.textContent).toContain('Bottom + Shoes');

    // The shortcuts are written on the buttons.
    expect(within(screen.getByTestId('like-button')).getByText('L')).toBeTruthy();
    expect(within(screen.getByTestId('dislike-button')).getByText('D')).toBeTruthy();
    expect(within(screen.getByTestId('next-button')).getByText('N')).toBeTruthy();
  });

  it('shows a question as such: the garment it is about is marked and named, and the answer is recorded like any other', async () => {
    const asked = OUTFIT_A.items.find((i) => i.type === 'bottom')!;
    const question = { ...OUTFIT_A, question: { aboutItemId: asked.id } };
    const api = createFakeApi({ 'outfits.suggest': () => [question, OUTFIT_B] });
    const card = await openSuggestions(api);
    const note = screen.getByRole('region', { name: 'A question' });
    expect(note.textContent).toContain('Would you wear this bottom?');
    expect(screen.queryByRole('region', { name: 'Why this outfit' })).toBeNull();
    const marked = card.querySelectorAll('[data-asked]');
    expect(marked).toHaveLength(1);
    expect(marked[0]!.querySelector('img')!.getAttribute('src')).toBe(`/media/thumb/${asked.sha256}`);
    // Labelled on the card, and not styled as a locked garment.
    expect(marked[0]!.textContent).toContain('Not sure yet');
    expect(card.textContent!.match(/Not sure yet/g)).toHaveLength(1);
    expect(marked[0]!.classList.contains('outfit-card__garment--locked')).toBe(false);
    fireEvent.keyDown(window, { key: 'd' });
    await waitFor(() => expect(api.callsTo('judgements.record')).toEqual([{ personId: 1, itemIds: OUTFIT_A.items.map((i) => i.id), verdict: 'dislike' }]));
    // The next card is a best guess again.
    await screen.findByRole('region', { name: 'Why this outfit' });
  });

  it('"Not this" on a garment, or Shift and its number, dislikes the outfit because of that garment', async () => {
    const api = createFakeApi({ 'outfits.suggest': () => [OUTFIT_A, OUTFIT_B] });
    const card = await openSuggestions(api);
    const bottom = OUTFIT_A.items.find((i) => i.type === 'bottom')!;
    fireEvent.click(within(card).getByRole('button', { name: /^Not this bottom/ }));
    await waitFor(() => expect(api.callsTo('judgements.record')).toEqual([{ personId: 1, itemIds: [11, 12, 13], verdict: 'dislike', blamedItemId: bottom.id }]));
    await screen.findByText('Outfit 2 of 2');
    expect((await screen.findAllByText('Disliked: not the bottom.')).length).toBeGreaterThan(0);
    // Shift + the third garment's key (by position, whatever the character it types).
    fireEvent.keyDown(window, { key: '#', code: 'Digit3', shiftKey: true });
    await waitFor(() => expect(api.callsTo('judgements.record')).toHaveLength(2));
    expect(api.callsTo('judgements.record')[1]).toEqual({ personId: 1, itemIds: [21, 22, 23], verdict: 'dislike', blamedItemId: 23 });
  });

  it('after a dislike that named nothing, asks which garment was wrong; naming it (and undoing that) goes to judgements.blame', async () => {
    const api = createFakeApi({
      'outfits.suggest': () => [OUTFIT_A, OUTFIT_B, OUTFIT_A],
      'judgements.record': ({ personId, itemIds, verdict }) => ({ id: 55, personId, itemIds, verdict, createdAt: '2025-01-01T00:00:00Z' }),
    });
    await openSuggestions(api);
    expect(screen.queryByTestId('name-dislike')).toBeNull();
    press('d');
    const ask = await screen.findByRole('region', { name: 'Which garment was wrong?' });
    // The garments of the outfit just disliked (the card now shows the next one).
    expect(within(ask).getAllByRole('button', { name: /^Not the / }).map((b) => b.textContent)).toEqual(['Not the top', 'Not the bottom', 'Not the shoes']);
    fireEvent.click(within(ask).getByRole('button', { name: 'Not the bottom' }));
    await waitFor(() => expect(api.callsTo('judgements.blame')).toEqual([{ personId: 1, judgementId: 55, blamedItemId: 12 }]));
    expect(screen.queryByTestId('name-dislike')).toBeNull();
    fireEvent.click(await screen.findByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(api.callsTo('judgements.blame')[1]).toEqual({ personId: 1, judgementId: 55, blamedItemId: null }));
    // Skip dismisses; a like, or a dislike that names its garment, asks nothing.
    press('d');
    fireEvent.click(within(await screen.findByRole('region', { name: 'Which garment was wrong?' })).getByRole('button', { name: 'Skip' }));
    expect(screen.queryByTestId('name-dislike')).toBeNull();
    press('l');
    await waitFor(() => expect(api.callsTo('judgements.record')).toHaveLength(3));
    expect(screen.queryByTestId('name-dislike')).toBeNull();
  });

  it('L likes and D dislikes the shown outfit (its item ids), then moves on', async () => {
    const api = createFakeApi({ 'outfits.suggest': () => [OUTFIT_A, OUTFIT_B] });
    await openSuggestions(api);

    press('l');
    await waitFor(() => expect(screen.getByText('Outfit 2 of 2')).toBeTruthy());
    expect(api.callsTo('judgements.record')).toEqual([{ personId: 1, itemIds: [11, 12, 13], verdict: 'like' }]);
    expect(within(screen.getByTestId('outfit-card')).getAllByRole('img')[1]?.getAttribute('alt')).toContain('Dress');

    press('D');
    await waitFor(() => expect(api.callsTo('judgements.record')).toHaveLength(2));
    expect(api.callsTo('judgements.record')[1]).toEqual({ personId: 1, itemIds: [21, 22, 23], verdict: 'dislike' });
    // Past the last card, fresh suggestions are asked for.
    await waitFor(() => expect(api.callsTo('outfits.suggest')).toHaveLength(2));
    await screen.findByText('Outfit 1 of 2');
  });

  it('N skips without recording; buttons do the same as the keys', async () => {
    const api = createFakeApi({ 'outfits.suggest': () => [OUTFIT_A, OUTFIT_B] });
    await openSuggestions(api);
    press('n');
    await screen.findByText('Outfit 2 of 2');
    expect(api.callsTo('judgements.record')).toHaveLength(0);

    fireEvent.click(screen.getByTestId('like-button'));
    await waitFor(() => expect(api.callsTo('judgements.record')).toEqual([{ personId: 1, itemIds: [21, 22, 23], verdict: 'like' }]));
  });

  it('ignores shortcuts typed into fields, with modifiers, or while a verdict is being saved', async () => {
    const gate = deferred<void>();
    const api = createFakeApi({
      'outfits.suggest': () => [OUTFIT_A, OUTFIT_B],
      'judgements.record': async (input) => {
        await gate.promise;
        return { id: 5, ...input, createdAt: 'now' };
      },
    });
    await openSuggestions(api);

    const field = document.createElement('input');
    document.body.appendChild(field);
    press('l', field);
    fireEvent.keyDown(window, { key: 'l', ctrlKey: true });
    fireEvent.keyDown(screen.getByTestId('person-switcher'), { key: 'd' });
    expect(api.callsTo('judgements.record')).toHaveLength(0);
    field.remove();

    press('l');
    press('l'); // a second press while the first is in flight must not record twice
    await waitFor(() => expect(api.callsTo('judgements.record')).toHaveLength(1));
    expect((screen.getByTestId('like-button') as HTMLButtonElement).disabled).toBe(true);
    gate.resolve();
    await screen.findByText('Outfit 2 of 2');
    expect(api.callsTo('judgements.record')).toHaveLength(1);
  });

  it('keeps the card and shows the error when the verdict cannot be saved', async () => {
    const api = createFakeApi({
      'outfits.suggest': () => [OUTFIT_A, OUTFIT_B],
      'judgements.record': () => new Fail('internal', 'disk full'),
    });
    await openSuggestions(api);
    press('l');
    expect((await screen.findByTestId('error-banner')).textContent).toContain('disk full');
    expect(screen.getByText('Outfit 1 of 2')).toBeTruthy();
  });

  it('explains what is missing when there are not enough garments for an outfit', async () => {
    const api = createFakeApi({
      'outfits.suggest': () => [],
      'items.list': ({ type }) => ({ items: [], total: type === 'top' ? 3 : type === 'shoes' ? 2 : 0 }),
    });
    render(<App api={api} initialView="suggestions" />);
    await screen.findByText('Not enough clothes for an outfit yet');
    const needs = await screen.findByRole('list', { name: 'What the wardrobe has' });
    expect(needs.textContent).toContain('Tops: 3');
    expect(needs.textContent).toContain('Bottoms: 0');
    expect(screen.queryByTestId('outfit-card')).toBeNull();
    expect(screen.queryByTestId('like-button')).toBeNull();
    press('l');
    expect(api.callsTo('judgements.record')).toHaveLength(0);

    fireEvent.click(screen.getByRole('button', { name: 'Import photos' }));
    expect(await screen.findByTestId('import-dropzone')).toBeTruthy();
  });

  it('refreshes an empty list when an import adds garments', async () => {
    const gate = deferred<void>();
    let imported = false;
    const api = createFakeApi({
      'outfits.suggest': () => (imported ? [OUTFIT_A, OUTFIT_B] : []),
      'import.files': () => ({ jobId: 'job-1' }),
      'import.status': async () => {
        await gate.promise;
        imported = true;
        return progress('job-1', { state: 'done', total: 1, done: 1, imported: 1 });
      },
    });
    render(<App api={api} initialView="import" importOptions={{ pollMs: 5 }} />);
    fireEvent.change(await screen.findByTestId('import-file-input'), {
      target: { files: [new File(['x'], 'a.jpg', { type: 'image/jpeg' })] },
    });
    const nav = screen.getByRole('navigation', { name: 'Views' });
    fireEvent.click(within(nav).getByRole('button', { name: /suggestions/i }));
    await screen.findByText('Not enough clothes for an outfit yet');
    gate.resolve();
    expect(await screen.findByTestId('outfit-card')).toBeTruthy();
  });

  it('does not pull the shown card away when an import finishes in the background', async () => {
    const gate = deferred<void>();
    let finished = false;
    const api = createFakeApi({
      'outfits.suggest': () => [OUTFIT_A, OUTFIT_B],
      'import.files': () => ({ jobId: 'job-1' }),
      'import.status': async () => {
        await gate.promise;
        finished = true;
        return progress('job-1', { state: 'done', total: 1, done: 1, imported: 1 });
      },
      'items.list': () => ({ items: [], total: 0 }),
    });
    render(<App api={api} initialView="import" importOptions={{ pollMs: 5 }} />);
    fireEvent.change(await screen.findByTestId('import-file-input'), {
      target: { files: [new File(['x'], 'a.jpg', { type: 'image/jpeg' })] },
    });
    fireEvent.click(within(screen.getByRole('navigation', { name: 'Views' })).getByRole('button', { name: /suggestions/i }));
    await screen.findByTestId('outfit-card');
    press('n');
    await screen.findByText('Outfit 2 of 2');
    gate.resolve();
    await waitFor(() => expect(finished).toBe(true));
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.getByText('Outfit 2 of 2')).toBeTruthy();
    expect(api.callsTo('outfits.suggest')).toHaveLength(1);
  });
});

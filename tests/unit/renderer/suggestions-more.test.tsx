// @vitest-environment jsdom
// Suggestions beyond like / dislike: locking a garment, undoing a verdict, saved looks, the model indicator.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { JudgedOutfit } from '../../../shared/api.ts';
import { App } from '../../../renderer/src/App.tsx';
import { createFakeApi, makeItem, makeOutfit } from './fake-api.ts';
import { resetWindowBetweenTests } from './window-reset.ts';

const TOP = makeItem(11, 'top');
const OUTFIT_A = makeOutfit([TOP, makeItem(12, 'bottom'), makeItem(13, 'shoes')], 0.81);
const OUTFIT_B = makeOutfit([TOP, makeItem(14, 'bottom'), makeItem(15, 'shoes')], 0.7);
const LIKED: JudgedOutfit = { judgement: { id: 41, personId: 1, itemIds: [11, 12, 13], verdict: 'like', createdAt: '2025-02-03T09:00:00Z' }, items: OUTFIT_A.items };

resetWindowBetweenTests();

describe('locking a garment', () => {
  it('keeps a locked garment in the next outfits (button or number key), and unlocks', async () => {
    const api = createFakeApi({ 'outfits.suggest': ({ pinned }) => (pinned?.length ? [OUTFIT_B] : [OUTFIT_A, OUTFIT_B]) });
    render(<App api={api} initialView="suggestions" />);
    const card = await screen.findByTestId('outfit-card');
    const lock = within(card).getByRole('button', { name: /^Lock top/ });
    expect(lock.getAttribute('aria-pressed')).toBe('false');
    expect(lock.getAttribute('aria-keyshortcuts')).toBe('1');
    fireEvent.click(lock);
    await waitFor(() => expect(api.callsTo('outfits.suggest').at(-1)).toMatchObject({ pinned: [11] }));
    await waitFor(() => expect(within(screen.getByTestId('outfit-card')).getByRole('button', { name: 'Unlock top' }).getAttribute('aria-pressed')).toBe('true'));
    expect(screen.getByTestId('built-around').textContent).toContain('Top');
    fireEvent.keyDown(window, { key: '1' });
    await waitFor(() => expect(api.callsTo('outfits.suggest').at(-1)).not.toHaveProperty('pinned'));
  });
});

describe('verdicts', () => {
  it('offers Undo after a like, which takes the judgement back', async () => {
    const api = createFakeApi({
      'outfits.suggest': () => [OUTFIT_A, OUTFIT_B],
      'judgements.record': ({ personId, itemIds, verdict }) => ({ id: 77, personId, itemIds, verdict, createdAt: '2025-01-01T00:00:00Z' }),
      'judgements.undo': ({ personId, judgementId }) => ({ id: judgementId, personId, itemIds: [11, 12, 13], verdict: 'like', createdAt: '2025-01-01T00:00:00Z' }),
    });
    render(<App api={api} initialView="suggestions" />);
    await screen.findByTestId('outfit-card');
    fireEvent.keyDown(window, { key: 'l' });
    const toast = await screen.findByText('Liked: saved to your looks.');
    fireEvent.click(within(toast.parentElement!).getByRole('button', { name: 'Undo' }));
    await waitFor(() => expect(api.callsTo('judgements.undo')).toEqual([{ personId: 1, judgementId: 77 }]));
  });
});

describe('saved looks', () => {
  it('lists liked outfits with their garments, and removes one (undoable)', async () => {
    let looks = [LIKED];
    const api = createFakeApi({
      'outfits.suggest': () => [OUTFIT_A],
      'items.outfits': () => looks,
      'judgements.undo': ({ judgementId }) => {
        looks = [];
        return { ...LIKED.judgement, id: judgementId };
      },
    });
    render(<App api={api} initialView="suggestions" />);
    await screen.findByTestId('outfit-card');
    fireEvent.click(screen.getByRole('tab', { name: 'Saved looks' }));
    const saved = await screen.findByTestId('saved-looks');
    expect(api.callsTo('items.outfits').at(-1)).toMatchObject({ personId: 1, verdict: 'like' });
    expect(within(saved).getAllByRole('img')).toHaveLength(3);
    // The shortcuts are off while the saved looks are shown.
    fireEvent.keyDown(window, { key: 'l' });
    expect(api.callsTo('judgements.record')).toEqual([]);
    fireEvent.click(within(saved).getByRole('button', { name: 'Remove' }));
    expect(await screen.findByText('No saved looks yet')).toBeTruthy();
    expect(api.callsTo('judgements.undo')).toEqual([{ personId: 1, judgementId: 41 }]);
  });
});

describe('model indicator', () => {
  it('says the general model is in use before any version', async () => {
    render(<App api={createFakeApi({ 'outfits.suggest': () => [OUTFIT_A] })} initialView="suggestions" />);
    expect((await screen.findByTestId('model-indicator')).textContent).toContain('General model');
  });

  it('shows the model learning after a verdict, then the version in use', async () => {
    let polls = 0;
    const api = createFakeApi({
      'outfits.suggest': () => [OUTFIT_A, OUTFIT_B],
      'personal.status': ({ personId }) =>
        ++polls < 3
          ? { personId, state: 'updating', versionId: 2, judgementsUsed: 8, lastTrainingMs: 900, lastError: null }
          : { personId, state: 'idle', versionId: 3, judgementsUsed: 9, lastTrainingMs: 1200, lastError: null },
    });
    render(<App api={api} initialView="suggestions" pollMs={2} />);
    expect((await screen.findByTestId('model-indicator')).textContent).toContain('Learning from your verdicts');
    await waitFor(() => expect(screen.getByTestId('model-indicator').textContent).toContain('Your model, version 3'));
    expect(screen.getByTestId('model-indicator').getAttribute('title')).toBe('Learned from 9 verdicts in 1.2 s.');
    // A verdict asks again.
    const before = api.callsTo('personal.status').length;
    fireEvent.keyDown(window, { key: 'l' });
    await waitFor(() => expect(api.callsTo('personal.status').length).toBeGreaterThan(before));
  });
});

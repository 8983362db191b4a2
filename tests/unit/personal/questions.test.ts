// Questions put among the suggestions: the outfit whose answer is about one item, where they go, and what is
// never asked (a judged outfit, the same item twice).
import { describe, expect, it } from 'vitest';
import type { OutfitSuggestion } from '../../../shared/api.ts';
import { outfitKey, pickQuestions, questionsFor, telling, withQuestions } from '../../../electron/core/personal/questions.ts';

describe('questions', () => {
  it('values an answer by how likely the other items are worn and how uncertain its item is', () => {
    // Two likely items and an uncertain one: the answer is about the uncertain one.
    expect(telling([0.95, 0.5, 0.95])).toEqual({ value: 0.95 * 0.95 * 0.25, at: 1 });
    // Three uncertain items: worth less (a dislike blames nobody in particular).
    expect(telling([0.5, 0.5, 0.5]).value).toBeLessThan(telling([0.95, 0.5, 0.95]).value);
    // Three likely ones: little to learn.
    expect(telling([0.95, 0.95, 0.95]).value).toBeLessThan(telling([0.95, 0.5, 0.95]).value);
  });

  it('picks outfits of top, bottom and shoes, never a judged one, never the same item twice, the same for the same seed', () => {
    const items = [
      ...[0.9, 0.5, 0.1].map((probability, i) => ({ id: 10 + i, slot: 'top' as const, probability })),
      ...[0.9, 0.6].map((probability, i) => ({ id: 20 + i, slot: 'bottom' as const, probability })),
      ...[0.9, 0.4].map((probability, i) => ({ id: 30 + i, slot: 'shoes' as const, probability })),
    ];
    const judged = new Set([outfitKey([11, 20, 30])]);
    const picked = pickQuestions(items, judged, 3, 1, 200);
    expect(picked.length).toBeGreaterThan(0);
    for (const q of picked) {
      expect(q.itemIds.map((id) => Math.floor(id / 10))).toEqual([1, 2, 3]);
      expect(q.itemIds).toContain(q.about);
      expect(judged.has(outfitKey(q.itemIds))).toBe(false);
    }
    expect(new Set(picked.map((q) => q.about)).size).toBe(picked.length);
    // The best question (the uncertain top with the two likely items) was judged already: next best, an item at
    // 0.6 or 0.4 with the two likely ones (0.81 x 0.24 each).
    expect([{ itemIds: [10, 21, 30], about: 21 }, { itemIds: [10, 20, 31], about: 31 }]).toContainEqual(picked[0]);
    expect(pickQuestions(items, judged, 3, 1, 200)).toEqual(picked);
    expect(pickQuestions(items.filter((i) => i.slot !== 'shoes'), judged, 3, 1)).toEqual([]);
  });

  it('reads at most 300 garments of a slot, so a large wardrobe costs no more', () => {
    const items = [...Array.from({ length: 1000 }, (_, i) => ({ id: i + 1, type: 'top' })), { id: 2001, type: 'bottom' }, { id: 3001, type: 'shoes' }, { id: 4001, type: 'dress' }];
    const asked: number[][] = [];
    const embeddings = (ids: number[]) => (asked.push(ids), new Map(ids.map((id) => [id, Float32Array.of(id)])));
    const parts = { id: 'p', itemProbability: (_slot: string, e: Float32Array) => (e[0]! % 7) / 7 };
    const questions = questionsFor({ items, embeddings }, [], parts, 2, 5);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.filter((id) => id <= 1000)).toHaveLength(300);
    expect(asked[0]).toContain(2001);
    expect(asked[0]).not.toContain(4001);
    expect(questions).toHaveLength(2);
    expect(questions[0]!.about).not.toBe(questions[1]!.about);
    expect(questionsFor({ items, embeddings }, [], parts, 2, 5)).toEqual(questions);
  });

  it('puts a question in every second place and leaves out a best guess it repeats', () => {
    const outfit = (ids: number[], question?: number): OutfitSuggestion => ({ items: ids.map((id) => ({ id }) as OutfitSuggestion['items'][number]), score: 0, pairScores: [], ...(question ? { question: { aboutItemId: question } } : {}) });
    const best = [outfit([1, 2, 3]), outfit([4, 5, 6]), outfit([7, 8, 9]), outfit([1, 5, 9]), outfit([2, 6, 7])];
    const questions = [outfit([9, 8, 7], 9), outfit([3, 6, 9], 3)];
    const list = withQuestions(best, questions, 6);
    expect(list.map((o) => o.items.map((i) => i.id).join())).toEqual(['1,2,3', '9,8,7', '4,5,6', '3,6,9', '1,5,9', '2,6,7']);
    expect(withQuestions(best, [], 3)).toEqual(best.slice(0, 3));
    expect(withQuestions([], questions, 6)).toEqual(questions);
  });
});

// How a judgement is stored: its row, the columns read, and the row as the API's Judgement.
import type { Judgement } from '../../../shared/api.ts';

export interface JudgementRow {
  id: number;
  person_id: number;
  verdict: 'like' | 'dislike';
  item_ids_json: string;
  blamed_item_id: number | null;
  created_at: string;
}

export const JUDGEMENT_COLUMNS = 'id, person_id, verdict, item_ids_json, blamed_item_id, created_at';

export function toJudgement(r: JudgementRow): Judgement {
  const j: Judgement = { id: r.id, personId: r.person_id, verdict: r.verdict, itemIds: JSON.parse(r.item_ids_json) as number[], createdAt: r.created_at };
  if (r.blamed_item_id !== null) j.blamedItemId = r.blamed_item_id;
  return j;
}

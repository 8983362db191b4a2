// Judgements (like / dislike on an outfit), timestamped and undoable. A person's model is always rebuilt
// from the judgements that stand (not undone), so nothing is learned that the record does not hold.
import type { Database } from 'better-sqlite3';
import type { Judgement } from '../../../shared/api.ts';
import { NotFoundError } from './items-repo.ts';
import type { ItemsRepo } from './items-repo.ts';

interface JudgementRow {
  id: number;
  person_id: number;
  verdict: 'like' | 'dislike';
  item_ids_json: string;
  created_at: string;
}

const COLUMNS = 'id, person_id, verdict, item_ids_json, created_at';

function toJudgement(r: JudgementRow): Judgement {
  return { id: r.id, personId: r.person_id, verdict: r.verdict, itemIds: JSON.parse(r.item_ids_json) as number[], createdAt: r.created_at };
}

export class JudgementsRepo {
  private readonly db: Database;
  private readonly items: ItemsRepo;

  constructor(db: Database, items: ItemsRepo) {
    this.db = db;
    this.items = items;
  }

  record(personId: number, itemIds: number[], verdict: Judgement['verdict']): Judgement {
    if (!this.items.allVisible(personId, itemIds)) throw new NotFoundError(`an item of this outfit in person ${personId}'s wardrobe`);
    const row = this.db
      .prepare(`INSERT INTO judgements (person_id, verdict, item_ids_json) VALUES (?, ?, ?) RETURNING ${COLUMNS}`)
      .get(personId, verdict, JSON.stringify(itemIds)) as JudgementRow;
    return toJudgement(row);
  }

  /** The judgements that stand, oldest first. */
  list(personId: number): Judgement[] {
    const rows = this.db.prepare(`SELECT ${COLUMNS} FROM judgements WHERE person_id = ? AND undone_at IS NULL ORDER BY id`).all(personId) as JudgementRow[];
    return rows.map(toJudgement);
  }

  undo(personId: number, judgementId: number): Judgement {
    const row = this.db
      .prepare(`UPDATE judgements SET undone_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND person_id = ? AND undone_at IS NULL RETURNING ${COLUMNS}`)
      .get(judgementId, personId) as JudgementRow | undefined;
    if (!row) throw new NotFoundError(`judgement ${judgementId} of person ${personId}`);
    return toJudgement(row);
  }
}

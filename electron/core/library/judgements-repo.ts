// Judgements (like / dislike on an outfit), timestamped and undoable. A person's model is always rebuilt
// from the judgements that stand (not undone), so nothing is learned that the record does not hold.
import type { Database } from 'better-sqlite3';
import type { Judgement } from '../../../shared/api.ts';
import { JUDGEMENT_COLUMNS, toJudgement } from './judgement-rows.ts';
import type { JudgementRow } from './judgement-rows.ts';
import { NotFoundError } from './items-repo.ts';
import type { ItemsRepo } from './items-repo.ts';

export class JudgementError extends Error {
  override name = 'JudgementError';
}

/** A garment is named only on a dislike, and only one of its outfit. */
function checkNamed(verdict: Judgement['verdict'], itemIds: readonly number[], blamedItemId: number | null | undefined): void {
  if (blamedItemId != null && (verdict !== 'dislike' || !itemIds.includes(blamedItemId))) {
    throw new JudgementError('only a dislike names a garment, and it must be one of the outfit');
  }
}

export class JudgementsRepo {
  private readonly db: Database;
  private readonly items: ItemsRepo;

  constructor(db: Database, items: ItemsRepo) {
    this.db = db;
    this.items = items;
  }

  /** `blamedItemId`: of a dislike, the garment of the outfit the person said is wrong. */
  record(personId: number, itemIds: number[], verdict: Judgement['verdict'], blamedItemId?: number): Judgement {
    checkNamed(verdict, itemIds, blamedItemId);
    if (!this.items.allVisible(personId, itemIds)) throw new NotFoundError(`an item of this outfit in person ${personId}'s wardrobe`);
    const row = this.db
      .prepare(`INSERT INTO judgements (person_id, verdict, item_ids_json, blamed_item_id) VALUES (?, ?, ?, ?) RETURNING ${JUDGEMENT_COLUMNS}`)
      .get(personId, verdict, JSON.stringify(itemIds), blamedItemId ?? null) as JudgementRow;
    return toJudgement(row);
  }

  /** The judgements that stand, oldest first. */
  list(personId: number): Judgement[] {
    const rows = this.db.prepare(`SELECT ${JUDGEMENT_COLUMNS} FROM judgements WHERE person_id = ? AND undone_at IS NULL ORDER BY id`).all(personId) as JudgementRow[];
    return rows.map(toJudgement);
  }

  /** Names (or, with null, un-names) the garment a standing dislike was about; it must be one of its outfit. */
  blame(personId: number, judgementId: number, blamedItemId: number | null): Judgement {
    const row = this.db.prepare(`SELECT ${JUDGEMENT_COLUMNS} FROM judgements WHERE id = ? AND person_id = ? AND undone_at IS NULL`).get(judgementId, personId) as JudgementRow | undefined;
    if (!row) throw new NotFoundError(`judgement ${judgementId} of person ${personId}`);
    const judgement = toJudgement(row);
    checkNamed(judgement.verdict, judgement.itemIds, blamedItemId);
    return toJudgement(this.db.prepare(`UPDATE judgements SET blamed_item_id = ? WHERE id = ? RETURNING ${JUDGEMENT_COLUMNS}`).get(blamedItemId, judgementId) as JudgementRow);
  }

  undo(personId: number, judgementId: number): Judgement {
    const row = this.db
      .prepare(`UPDATE judgements SET undone_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ? AND person_id = ? AND undone_at IS NULL RETURNING ${JUDGEMENT_COLUMNS}`)
      .get(judgementId, personId) as JudgementRow | undefined;
    if (!row) throw new NotFoundError(`judgement ${judgementId} of person ${personId}`);
    return toJudgement(row);
  }
}

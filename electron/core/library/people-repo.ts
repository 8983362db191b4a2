// People (a stylist's clients, a family, a shop's customers) and catalogues (a boutique's stock): the only
// module that writes SQL for them. Deleting is undoable: a deleted person is hidden until restored or purged.
import type { Database } from 'better-sqlite3';
import type { Person } from '../../../shared/api.ts';
import { NotFoundError } from './items-repo.ts';

interface PersonRow {
  id: number;
  name: string;
  kind: 'person' | 'catalogue';
  created_at: string;
  archived_at: string | null;
  deleted_at: string | null;
  uses_catalogue_id: number | null;
}

const COLUMNS = 'id, name, kind, created_at, archived_at, deleted_at, uses_catalogue_id';

function toPerson(r: PersonRow): Person {
  return { id: r.id, name: r.name, kind: r.kind, createdAt: r.created_at, archived: r.archived_at !== null, usesCatalogueId: r.uses_catalogue_id };
}

export class PeopleRepo {
  private readonly db: Database;

  constructor(db: Database) {
    this.db = db;
  }

  list(options: { includeArchived?: boolean } = {}): Person[] {
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM people WHERE deleted_at IS NULL ${options.includeArchived ? '' : 'AND archived_at IS NULL'} ORDER BY kind DESC, name COLLATE NOCASE, id`)
      .all() as PersonRow[];
    return rows.map(toPerson);
  }

  create(name: string, kind: Person['kind'] = 'person'): Person {
    return toPerson(this.db.prepare(`INSERT INTO people (name, kind) VALUES (?, ?) RETURNING ${COLUMNS}`).get(name, kind) as PersonRow);
  }

  /** The person, if present and not deleted; throws NotFoundError otherwise. */
  get(personId: number): Person {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM people WHERE id = ? AND deleted_at IS NULL`).get(personId) as PersonRow | undefined;
    if (!row) throw new NotFoundError(`person ${personId}`);
    return toPerson(row);
  }

  rename(personId: number, name: string): Person {
    return this.update(personId, 'name = ?', name);
  }

  setArchived(personId: number, archived: boolean): Person {
    return this.update(personId, archived ? "archived_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')" : 'archived_at = NULL');
  }

  setCatalogue(personId: number, catalogueId: number | null): Person {
    if (catalogueId !== null && this.get(catalogueId).kind !== 'catalogue') throw new NotFoundError(`catalogue ${catalogueId}`);
    return this.update(personId, 'uses_catalogue_id = ?', catalogueId);
  }

  delete(personId: number): Person {
    return this.update(personId, "deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')");
  }

  restore(personId: number): Person {
    const changed = this.db.prepare('UPDATE people SET deleted_at = NULL WHERE id = ? AND deleted_at IS NOT NULL').run(personId);
    if (changed.changes === 0) throw new NotFoundError(`deleted person ${personId}`);
    return this.get(personId);
  }

  private update(personId: number, set: string, ...params: unknown[]): Person {
    const row = this.db.prepare(`UPDATE people SET ${set} WHERE id = ? AND deleted_at IS NULL RETURNING ${COLUMNS}`).get(...params, personId) as PersonRow | undefined;
    if (!row) throw new NotFoundError(`person ${personId}`);
    return toPerson(row);
  }
}

// The wardrobe's filter-chip counts (items by type, colour and tag, archived or not), kept by triggers so that
// items.counts reads a few dozen rows instead of joining every item of a wardrobe (120-220 ms on 20,000 items).
// Part of migration 4: once schema 4 has shipped, never change this SQL; a change is a new migration.
//
// wardrobe_facet_counts: per wardrobe owner (a person or a catalogue) and archived state, how many of its
// non-deleted rows have each facet; for colours also the least hex among them (the chip's swatch, as the
// recount's min(hex)). catalogue_overlap_counts: per person, the items counted both in their own wardrobe and
// in the catalogue they draw on, in the same archived state. A person sees own + catalogue - overlap, exactly
// what a recount of their distinct visible items gives.

/** TAG_MIN_P (items-repo.ts) when schema 4 was written: tags below it are neither filters nor counted. */
const TAG_MIN_P = 0.05;

interface Facet {
  facet: 'type' | 'color' | 'tag';
  table: string;
  item: string;
  key: string;
  hex: string;
  where: string;
}

const FACETS: readonly Facet[] = [
  { facet: 'type', table: 'items', item: 'id', key: 'type', hex: 'NULL', where: '' },
  { facet: 'color', table: 'item_colors', item: 'item_id', key: 'name', hex: 'hex', where: '' },
  { facet: 'tag', table: 'item_tags', item: 'item_id', key: 'label', hex: 'NULL', where: `AND p >= ${TAG_MIN_P}` },
];

/** The facets of one item, as (facet, key, hex) rows. */
const facetsOf = (item: string) =>
  FACETS.map((f) => `SELECT '${f.facet}' AS facet, ${f.key} AS key, ${f.hex} AS hex FROM ${f.table} WHERE ${f.item} = ${item} ${f.where}`).join(' UNION ALL ');

const state = (w: string) => `(${w}.archived_at IS NOT NULL)`;

/** Adds (sign 1) or takes away (-1) rows (owner, archived, facet, key, hex) from the owners' counts. */
function ownerDelta(sign: 1 | -1, rows: string): string {
  // Taking away the item that held a colour's least hex: the next least is looked up by name and hex order
  // (item_colors_by_name), stopping at the first item still in that wardrobe and state. The row being taken
  // away is already gone or changed when an AFTER trigger runs, so it is not found again.
  const hex =
    sign === 1
      ? 'hex = CASE WHEN hex IS NULL THEN excluded.hex WHEN excluded.hex IS NULL THEN hex ELSE min(hex, excluded.hex) END'
      : `hex = CASE WHEN facet != 'color' OR hex IS NOT excluded.hex THEN hex ELSE (
           SELECT c.hex FROM item_colors c INDEXED BY item_colors_by_name CROSS JOIN wardrobe w
           WHERE c.name = wardrobe_facet_counts.key AND c.hex IS NOT NULL AND w.person_id = wardrobe_facet_counts.owner_id AND w.item_id = c.item_id
             AND w.deleted_at IS NULL AND ${state('w')} = wardrobe_facet_counts.archived
           ORDER BY c.hex LIMIT 1) END`;
  return `INSERT INTO wardrobe_facet_counts (owner_id, archived, facet, key, n, hex)
    SELECT owner, archived, facet, key, ${sign}, hex FROM (${rows}) WHERE true
    ON CONFLICT DO UPDATE SET n = n + excluded.n, ${hex};`;
}

/** Adds or takes away rows (person, archived, facet, key) from the overlap counts. */
function overlapDelta(sign: 1 | -1, rows: string): string {
  return `INSERT INTO catalogue_overlap_counts (person_id, archived, facet, key, n)
    SELECT viewer, archived, facet, key, ${sign} FROM (${rows}) WHERE true
    ON CONFLICT DO UPDATE SET n = n + excluded.n;`;
}

/**
 * The persons for whom wardrobe row `r` (old or new) and another row of the same item, not deleted, in the
 * same archived state, are the two sides of "own wardrobe and the catalogue drawn on": r's owner if its
 * catalogue holds the item, and each person drawing on r's owner who holds it.
 */
const pairedViewers = (r: string) => `
  SELECT p.id AS viewer FROM people p CROSS JOIN wardrobe o
    WHERE p.id = ${r}.person_id AND p.uses_catalogue_id != p.id AND o.person_id = p.uses_catalogue_id AND o.item_id = ${r}.item_id
      AND o.deleted_at IS NULL AND ${state('o')} = ${state(r)}
  UNION ALL
  SELECT p.id FROM people p INDEXED BY people_by_catalogue CROSS JOIN wardrobe o
    WHERE p.uses_catalogue_id = ${r}.person_id AND p.id != ${r}.person_id AND o.person_id = p.id AND o.item_id = ${r}.item_id
      AND o.deleted_at IS NULL AND ${state('o')} = ${state(r)}`;

/** Statements adding or taking away wardrobe row `r` (when it is not deleted). */
function rowDelta(sign: 1 | -1, r: 'new' | 'old'): string {
  const live = `${r}.deleted_at IS NULL`;
  return [
    ownerDelta(sign, `SELECT ${r}.person_id AS owner, ${state(r)} AS archived, f.facet, f.key, f.hex FROM (${facetsOf(`${r}.item_id`)}) f WHERE ${live}`),
    overlapDelta(sign, `SELECT v.viewer, ${state(r)} AS archived, f.facet, f.key FROM (${pairedViewers(r)}) v, (${facetsOf(`${r}.item_id`)}) f WHERE ${live}`),
  ].join('\n');
}

/** Statements adding or taking away one facet (a SELECT of one row: facet, key, hex) of `item` in every wardrobe holding it. */
function facetDelta(sign: 1 | -1, item: string, facet: string): string {
  return [
    ownerDelta(sign, `SELECT w.person_id AS owner, ${state('w')} AS archived, f.facet, f.key, f.hex FROM wardrobe w, (${facet}) f WHERE w.item_id = ${item} AND w.deleted_at IS NULL`),
    overlapDelta(
      sign,
      `SELECT a.person_id AS viewer, ${state('a')} AS archived, f.facet, f.key FROM wardrobe a CROSS JOIN people p CROSS JOIN wardrobe b, (${facet}) f
         WHERE a.item_id = ${item} AND a.deleted_at IS NULL AND p.id = a.person_id AND p.uses_catalogue_id != p.id
           AND b.person_id = p.uses_catalogue_id AND b.item_id = ${item} AND b.deleted_at IS NULL AND ${state('b')} = ${state('a')}`,
    ),
  ].join('\n');
}

/** The owners' counts recounted from the wardrobes (the migration's starting point; a check compares against it). */
export function recountOwnersSql(): string {
  return FACETS.map(
    (f) => `SELECT w.person_id AS owner_id, ${state('w')} AS archived, '${f.facet}' AS facet, x.${f.key} AS key, count(*) AS n, ${f.hex === 'NULL' ? 'NULL' : `min(x.${f.hex})`} AS hex
      FROM wardrobe w JOIN ${f.table} x ON x.${f.item} = w.item_id ${f.where.replace('p >=', 'x.p >=')} WHERE w.deleted_at IS NULL GROUP BY 1, 2, 4`,
  ).join(' UNION ALL ');
}

/** The overlap counts recounted, for every person or (personExpr) one. */
export function recountOverlapSql(personExpr?: string): string {
  return FACETS.map(
    (f) => `SELECT p.id AS person_id, ${state('a')} AS archived, '${f.facet}' AS facet, x.${f.key} AS key, count(*) AS n
      FROM people p JOIN wardrobe a ON a.person_id = p.id AND a.deleted_at IS NULL
      JOIN wardrobe b ON b.person_id = p.uses_catalogue_id AND b.item_id = a.item_id AND b.deleted_at IS NULL AND ${state('b')} = ${state('a')}
      JOIN ${f.table} x ON x.${f.item} = a.item_id ${f.where.replace('p >=', 'x.p >=')}
      WHERE p.uses_catalogue_id != p.id ${personExpr ? `AND p.id = ${personExpr}` : ''} GROUP BY 1, 2, 4`,
  ).join(' UNION ALL ');
}

/** Tables, indexes, their first contents and the triggers that keep them (after item_colors and item_tags exist and are filled). */
export function facetCountsSchema(): string {
  const colorRow = (r: string) => `SELECT 'color' AS facet, ${r}.name AS key, ${r}.hex AS hex`;
  const tagRow = (r: string) => `SELECT 'tag' AS facet, ${r}.label AS key, NULL AS hex WHERE ${r}.p >= ${TAG_MIN_P}`;
  const typeRow = (r: string) => `SELECT 'type' AS facet, ${r}.type AS key, NULL AS hex`;
  return `
    CREATE TABLE wardrobe_facet_counts (
      owner_id INTEGER NOT NULL,
      archived INTEGER NOT NULL,
      facet TEXT NOT NULL,
      key TEXT NOT NULL,
      n INTEGER NOT NULL,
      hex TEXT,
      PRIMARY KEY (owner_id, archived, facet, key)
    ) WITHOUT ROWID;
    CREATE TABLE catalogue_overlap_counts (
      person_id INTEGER NOT NULL,
      archived INTEGER NOT NULL,
      facet TEXT NOT NULL,
      key TEXT NOT NULL,
      n INTEGER NOT NULL,
      PRIMARY KEY (person_id, archived, facet, key)
    ) WITHOUT ROWID;
    CREATE INDEX item_colors_by_name ON item_colors(name, hex);
    CREATE INDEX people_by_catalogue ON people(uses_catalogue_id);
    INSERT INTO wardrobe_facet_counts (owner_id, archived, facet, key, n, hex) ${recountOwnersSql()};
    INSERT INTO catalogue_overlap_counts (person_id, archived, facet, key, n) ${recountOverlapSql()};

    CREATE TRIGGER wardrobe_counts_insert AFTER INSERT ON wardrobe WHEN new.deleted_at IS NULL BEGIN
      ${rowDelta(1, 'new')}
    END;
    CREATE TRIGGER wardrobe_counts_delete AFTER DELETE ON wardrobe WHEN old.deleted_at IS NULL BEGIN
      ${rowDelta(-1, 'old')}
    END;
    CREATE TRIGGER wardrobe_counts_update AFTER UPDATE OF person_id, item_id, archived_at, deleted_at ON wardrobe
      WHEN old.person_id != new.person_id OR old.item_id != new.item_id OR (old.deleted_at IS NULL) != (new.deleted_at IS NULL)
        OR (old.archived_at IS NULL) != (new.archived_at IS NULL) BEGIN
      ${rowDelta(-1, 'old')}
      ${rowDelta(1, 'new')}
    END;
    -- Facets taken from an item while wardrobes still hold it would be counted wrong by the cascade (the item row
    -- goes first): its wardrobe rows go before it. Likewise a person's rows before the person.
    CREATE TRIGGER items_counts_delete BEFORE DELETE ON items BEGIN
      DELETE FROM wardrobe WHERE item_id = old.id;
    END;
    CREATE TRIGGER people_counts_delete BEFORE DELETE ON people BEGIN
      DELETE FROM wardrobe WHERE person_id = old.id;
    END;
    CREATE TRIGGER people_counts_forget AFTER DELETE ON people BEGIN
      DELETE FROM wardrobe_facet_counts WHERE owner_id = old.id;
      DELETE FROM catalogue_overlap_counts WHERE person_id = old.id;
    END;
    CREATE TRIGGER people_counts_catalogue AFTER UPDATE OF uses_catalogue_id ON people
      WHEN old.uses_catalogue_id IS NOT new.uses_catalogue_id BEGIN
      DELETE FROM catalogue_overlap_counts WHERE person_id = new.id;
      INSERT INTO catalogue_overlap_counts (person_id, archived, facet, key, n) ${recountOverlapSql('new.id')};
    END;
    CREATE TRIGGER items_counts_type AFTER UPDATE OF type ON items WHEN old.type IS NOT new.type BEGIN
      ${facetDelta(-1, 'old.id', typeRow('old'))}
      ${facetDelta(1, 'new.id', typeRow('new'))}
    END;
    CREATE TRIGGER item_colors_counts_insert AFTER INSERT ON item_colors BEGIN
      ${facetDelta(1, 'new.item_id', colorRow('new'))}
    END;
    CREATE TRIGGER item_colors_counts_delete AFTER DELETE ON item_colors BEGIN
      ${facetDelta(-1, 'old.item_id', colorRow('old'))}
    END;
    CREATE TRIGGER item_colors_counts_update AFTER UPDATE ON item_colors BEGIN
      ${facetDelta(-1, 'old.item_id', colorRow('old'))}
      ${facetDelta(1, 'new.item_id', colorRow('new'))}
    END;
    CREATE TRIGGER item_tags_counts_insert AFTER INSERT ON item_tags WHEN new.p >= ${TAG_MIN_P} BEGIN
      ${facetDelta(1, 'new.item_id', tagRow('new'))}
    END;
    CREATE TRIGGER item_tags_counts_delete AFTER DELETE ON item_tags WHEN old.p >= ${TAG_MIN_P} BEGIN
      ${facetDelta(-1, 'old.item_id', tagRow('old'))}
    END;
    CREATE TRIGGER item_tags_counts_update AFTER UPDATE ON item_tags BEGIN
      ${facetDelta(-1, 'old.item_id', tagRow('old'))}
      ${facetDelta(1, 'new.item_id', tagRow('new'))}
    END;
  `;
}

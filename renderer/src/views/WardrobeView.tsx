import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { ArchiveReason, GarmentType, Item, ItemCounts } from '../../../shared/api.ts';
import { useClient } from '../api/context.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { Icon } from '../components/Icon.tsx';
import { ItemCard } from '../components/ItemCard.tsx';
import { Thumb } from '../components/Thumb.tsx';
import { ViewHeader } from '../components/ViewHeader.tsx';
import { VirtualGrid } from '../components/VirtualGrid.tsx';
import { SelectField } from '../components/SelectField.tsx';
import type { SelectOption } from '../components/SelectField.tsx';
import { ARCHIVE_REASON_LABELS, ARCHIVE_REASON_OPTIONS, GARMENT_TYPE_LIST, TYPE_LABELS, plural, typeLabel } from '../lib/format.ts';
import { useLoad } from '../lib/useLoad.ts';
import { useReportError } from '../state/errors.tsx';
import { isTypingTarget } from '../lib/keyboard.ts';
import { useNavigation } from '../state/navigation.tsx';
import { useToast, useUndoToast } from '../state/toasts.tsx';

/** Items fetched per page; the grid asks for the pages its visible rows need. */
export const WARDROBE_PAGE_SIZE = 200;
/** Items "more like this" shows. */
export const SIMILAR_COUNT = 60;

type TypeFilter = GarmentType | 'all';

interface Filters {
  type: TypeFilter;
  color: string | null;
  tag: string | null;
  archived: boolean;
}

const NO_FILTERS: Filters = { type: 'all', color: null, tag: null, archived: false };

interface Pages {
  key: string;
  total: number;
  pages: Map<number, Item[]>;
}

/**
 * The person's garments as a virtualised grid (smooth with thousands), filtered by type, colour, tag and
 * archive; several can be selected to archive, remove (with undo) or retype at once. With `similarTo` it
 * shows the garments most like one item instead.
 */
export function WardrobeView({ personId, libraryVersion, similarTo }: { personId: number; libraryVersion: number; similarTo?: number }) {
  const client = useClient();
  const report = useReportError();
  const toast = useToast();
  const undoToast = useUndoToast();
  const { navigate } = useNavigation();
  const titleId = useId();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [reloadKey, setReloadKey] = useState(0);
  const [data, setData] = useState<Pages | null>(null);
  const [failed, setFailed] = useState(false);
  const [selected, setSelected] = useState<Set<number>>(() => new Set());
  const anchor = useRef<number | null>(null);
  const inFlight = useRef(new Set<string>());
  const similar = similarTo !== undefined;

  const key = JSON.stringify({ personId, filters, reloadKey, libraryVersion, similarTo });
  const keyRef = useRef(key);
  keyRef.current = key;

  const counts = useLoad<ItemCounts>(() => client.call('items.counts', { personId, archived: filters.archived }), [client, personId, filters.archived, libraryVersion, reloadKey], { enabled: !similar });
  const source = useLoad<Item>(() => client.call('items.get', { personId, itemId: similarTo! }), [client, personId, similarTo], { enabled: similar });

  const listInput = useCallback(
    (offset: number) => ({
      personId,
      offset,
      limit: WARDROBE_PAGE_SIZE,
      archived: filters.archived,
      ...(filters.type === 'all' ? {} : { type: filters.type }),
      ...(filters.color ? { color: filters.color } : {}),
      ...(filters.tag ? { tag: filters.tag } : {}),
    }),
    [personId, filters],
  );

  const loadPage = useCallback(
    async (page: number) => {
      const forKey = keyRef.current;
      const flightKey = `${forKey}#${page}`;
      if (inFlight.current.has(flightKey)) return;
      inFlight.current.add(flightKey);
      try {
        const result = await client.call('items.list', listInput(page * WARDROBE_PAGE_SIZE));
        if (keyRef.current !== forKey) return;
        setData((current) => {
          const pages = new Map(current?.key === forKey ? current.pages : []);
          pages.set(page, result.items);
          return { key: forKey, total: result.total, pages };
        });
      } catch (error) {
        if (keyRef.current !== forKey) return;
        setFailed(true);
        report(error);
      } finally {
        inFlight.current.delete(flightKey);
      }
    },
    [client, listInput, report],
  );

  // A new filter, person or library change starts from the first page.
  useEffect(() => {
    setFailed(false);
    if (similar) {
      let active = true;
      client.call('items.similar', { itemId: similarTo!, k: SIMILAR_COUNT, personId }).then(
        (items) => {
          if (active) setData({ key, total: items.length, pages: new Map([[0, items]]) });
        },
        (error: unknown) => {
          if (!active) return;
          setFailed(true);
          report(error);
        },
      );
      return () => {
        active = false;
      };
    }
    void loadPage(0);
    return undefined;
    // `key` changes with every input of the list, and with a reload after an action.
  }, [key, loadPage, similar, similarTo, personId, client, report]);

  useEffect(() => {
    setSelected(new Set());
  }, [personId, filters, similarTo]);

  // While a new list loads, the old one stays on screen (no flash after an action or a type change).
  const current = data;
  const fresh = data?.key === key;
  const loading = !current && !failed;
  const total = current?.total ?? 0;
  const itemAt = useCallback((index: number) => current?.pages.get(Math.floor(index / WARDROBE_PAGE_SIZE))?.[index % WARDROBE_PAGE_SIZE], [current]);

  const onRange = useCallback(
    (first: number, last: number) => {
      if (!current || !fresh || similar) return;
      for (let page = Math.floor(first / WARDROBE_PAGE_SIZE); page <= Math.floor(last / WARDROBE_PAGE_SIZE); page++) {
        if (!current.pages.has(page)) void loadPage(page);
      }
    },
    [current, fresh, loadPage, similar],
  );

  const reloadCounts = counts.reload;
  const replaceItem = useCallback((updated: Item) => {
    setData((d) => {
      if (!d) return d;
      const pages = new Map(d.pages);
      for (const [page, items] of pages) if (items.some((i) => i.id === updated.id)) pages.set(page, items.map((i) => (i.id === updated.id ? updated : i)));
      return { ...d, pages };
    });
    reloadCounts();
  }, [reloadCounts]);

  const loadedItems = useMemo(() => (current ? [...current.pages.values()].flat() : []), [current]);

  const toggle = useCallback(
    (item: Item, range: boolean) => {
      setSelected((sel) => {
        const next = new Set(sel);
        if (range && anchor.current !== null) {
          const ids = loadedItems.map((i) => i.id);
          const a = ids.indexOf(anchor.current);
          const b = ids.indexOf(item.id);
          if (a >= 0 && b >= 0) {
            for (const id of ids.slice(Math.min(a, b), Math.max(a, b) + 1)) next.add(id);
            return next;
          }
        }
        if (next.has(item.id)) next.delete(item.id);
        else next.add(item.id);
        anchor.current = item.id;
        return next;
      });
    },
    [loadedItems],
  );

  const openItem = useCallback((item: Item) => navigate({ view: 'item', itemId: item.id }), [navigate]);

  const refresh = useCallback(() => {
    setSelected(new Set());
    setReloadKey((k) => k + 1);
  }, []);

  // --- Actions on the selection, each undoable.
  const run = useCallback(
    async (action: () => Promise<unknown>, message: string, undo: () => Promise<unknown>) => {
      try {
        await action();
        refresh();
        undoToast(message, undo, refresh);
      } catch (error) {
        report(error);
        refresh();
      }
    },
    [refresh, report, toast],
  );

  const selection = [...selected];
  const selectedItems = loadedItems.filter((i) => selected.has(i.id));

  const archive = (reason: ArchiveReason) =>
    run(() => client.call('items.archive', { personId, itemIds: selection, reason }), `${plural(selection.length, 'item')} archived (${ARCHIVE_REASON_LABELS[reason].toLowerCase()}).`, () =>
      client.call('items.archive', { personId, itemIds: selection, reason: null }),
    );
  const unarchive = () => {
    const byReason = new Map<ArchiveReason, number[]>();
    for (const item of selectedItems) byReason.set(item.archiveReason ?? 'other', [...(byReason.get(item.archiveReason ?? 'other') ?? []), item.id]);
    return run(() => client.call('items.archive', { personId, itemIds: selection, reason: null }), `${plural(selection.length, 'item')} back in the wardrobe.`, async () => {
      for (const [reason, itemIds] of byReason) await client.call('items.archive', { personId, itemIds, reason });
    });
  };
  const remove = () =>
    run(() => client.call('items.remove', { personId, itemIds: selection }), `${plural(selection.length, 'item')} removed.`, () => client.call('items.restore', { personId, itemIds: selection }));
  const retype = (type: GarmentType) => {
    const before = selectedItems.map((i) => [i.id, i.type] as const);
    return run(
      async () => {
        for (const id of selection) await client.call('items.setType', { itemId: id, type });
      },
      `${plural(selection.length, 'item')} set to ${typeLabel(type).toLowerCase()}.`,
      async () => {
        for (const [itemId, old] of before) await client.call('items.setType', { itemId, type: old });
      },
    );
  };

  // Escape clears the selection; Delete removes it; Ctrl/Cmd+A selects everything loaded.
  const viewRef = useRef<HTMLElement>(null);
  const shortcuts = useRef({ remove, clear: () => setSelected(new Set()), all: () => setSelected(new Set(loadedItems.map((i) => i.id))), count: selection.length });
  shortcuts.current = { remove, clear: () => setSelected(new Set()), all: () => setSelected(new Set(loadedItems.map((i) => i.id))), count: selection.length };
  useEffect(() => {
    const view = viewRef.current;
    if (!view) return;
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || isTypingTarget(event.target)) return;
      const s = shortcuts.current;
      if (event.key === 'Escape' && s.count > 0) s.clear();
      else if ((event.key === 'Delete' || event.key === 'Backspace') && s.count > 0) void s.remove();
      else if (event.key.toLowerCase() === 'a' && (event.ctrlKey || event.metaKey)) s.all();
      else return;
      event.preventDefault();
    }
    view.addEventListener('keydown', onKeyDown);
    return () => view.removeEventListener('keydown', onKeyDown);
  }, []);

  const filtered = filters.type !== 'all' || filters.color !== null || filters.tag !== null;
  const wardrobeEmpty = !similar && !loading && current !== null && total === 0 && !filtered && !filters.archived;
  const subtitle = similar
    ? source.value
      ? `Garments most like ${source.value.fileName}`
      : null
    : current
      ? `${plural(total, filters.archived ? 'archived item' : 'item')}${filtered ? ' match' : ''}`
      : null;

  let body;
  if (failed && !current) {
    body = (
      <div className="inline-retry">
        <p>The wardrobe could not be loaded.</p>
        <button type="button" className="button" onClick={refresh}>
          Try again
        </button>
      </div>
    );
  } else if (loading || (!fresh && current?.total === 0)) {
    body = (
      <p className="loading" role="status">
        Loading wardrobe…
      </p>
    );
  } else if (wardrobeEmpty) {
    body = <FirstRun onImport={() => navigate({ view: 'import' })} />;
  } else if (current && total === 0 && similar) {
    body = (
      <EmptyState icon="similar" title="Nothing similar in this wardrobe">
        <p>No other garment of this type looks like it.</p>
      </EmptyState>
    );
  } else if (current && total === 0) {
    body = (
      <EmptyState
        icon="hanger"
        title={
          filters.archived
            ? 'Nothing archived'
            : filters.type !== 'all' && !filters.color && !filters.tag
              ? `No ${TYPE_LABELS[filters.type].many.toLowerCase()} yet`
              : 'Nothing matches these filters'
        }
        actions={
          <button type="button" className="button" onClick={() => setFilters(NO_FILTERS)}>
            Show everything
          </button>
        }
      >
        <p>{filters.archived ? 'Archived garments (sold, donated, lost) show up here.' : 'If a garment was sorted under the wrong type, correct it from its card.'}</p>
      </EmptyState>
    );
  } else if (current) {
    body = (
      <VirtualGrid
        total={total}
        itemAt={itemAt}
        onRange={onRange}
        testId="wardrobe-grid"
        label={similar ? 'Similar garments' : 'Garments'}
        resetKey={JSON.stringify({ personId, filters })}
        renderItem={(item, tabbable) => (
          <ItemCard
            item={item}
            tabbable={tabbable}
            onChanged={replaceItem}
            onOpen={openItem}
            selected={selected.has(item.id)}
            selecting={selected.size > 0}
            onToggleSelected={similar ? undefined : toggle}
          />
        )}
      />
    );
  }

  return (
    <section className="view view--fill" aria-labelledby={titleId} aria-busy={loading} ref={viewRef}>
      <ViewHeader title={similar ? 'More like this' : 'Wardrobe'} titleId={titleId} subtitle={subtitle}>
        {similar ? (
          <button type="button" className="button" onClick={() => navigate({ view: 'wardrobe' })}>
            <Icon name="arrowLeft" />
            Whole wardrobe
          </button>
        ) : wardrobeEmpty ? null : (
          <button type="button" className="button" onClick={() => navigate({ view: 'import' })}>
            <Icon name="upload" />
            Import photos
          </button>
        )}
      </ViewHeader>

      {similar && source.value ? (
        <div className="similar-to">
          <div className="similar-to__thumb">
            <Thumb sha256={source.value.sha256} alt={`${typeLabel(source.value.type)}, ${source.value.fileName}`} />
          </div>
          <p>
            Garments of this wardrobe closest to <strong>{source.value.fileName}</strong> ({typeLabel(source.value.type).toLowerCase()}), most alike first.
          </p>
        </div>
      ) : null}

      {similar || wardrobeEmpty ? null : (
        <FilterBar filters={filters} counts={counts.value} onChange={setFilters} />
      )}

      {selected.size > 0 ? (
        <SelectionBar
          count={selected.size}
          archived={filters.archived}
          onArchive={(reason) => void archive(reason)}
          onUnarchive={() => void unarchive()}
          onRemove={() => void remove()}
          onRetype={(type) => void retype(type)}
          onClear={() => setSelected(new Set())}
          onSelectAll={() => setSelected(new Set(loadedItems.map((i) => i.id)))}
          loaded={loadedItems.length}
        />
      ) : null}

      {body}
    </section>
  );
}

function FirstRun({ onImport }: { onImport: () => void }) {
  return (
    <EmptyState
      icon="hanger"
      title="Import photos of your clothes"
      actions={
        <button type="button" className="button button--primary" onClick={onImport}>
          <Icon name="upload" />
          Import photos
        </button>
      }
    >
      <p>
        Take one photo per garment — tops, bottoms, dresses, shoes, jackets — and drop them in. The stylist sorts them by type and colour; everything stays on
        this computer.
      </p>
      <ol className="first-run__steps">
        <li>
          <strong>Import</strong> photos or whole folders.
        </li>
        <li>
          <strong>Check</strong> the types the stylist is unsure of.
        </li>
        <li>
          <strong>Judge</strong> suggested outfits: every like and dislike teaches it your taste.
        </li>
      </ol>
    </EmptyState>
  );
}

function FilterBar({ filters, counts, onChange }: { filters: Filters; counts: ItemCounts | null; onChange: (f: Filters) => void }) {
  const typeName = useId();
  const archivedId = useId();
  const types: TypeFilter[] = ['all', ...GARMENT_TYPE_LIST];
  const active = filters.type !== 'all' || filters.color !== null || filters.tag !== null;
  return (
    <div className="filters">
      <fieldset className="chips">
        <legend className="visually-hidden">Show garments of type</legend>
        {types.map((value) => {
          const n = counts ? (value === 'all' ? counts.total : counts.byType[value]) : null;
          if (value !== 'all' && n === 0 && filters.type !== value) return null;
          return (
            <label key={value} className="chip">
              <input type="radio" name={typeName} value={value} checked={filters.type === value} onChange={() => onChange({ ...filters, type: value })} />
              <span>
                {value === 'all' ? 'All' : TYPE_LABELS[value].many}
                {n !== null ? <span className="chip__count">, {n}</span> : null}
              </span>
            </label>
          );
        })}
      </fieldset>
      <div className="filters__row">
        <SelectField
          label="Colour"
          value={filters.color ?? ''}
          options={filterOptions('Any colour', (counts?.byColor ?? []).map((c) => ({ value: c.name, count: c.count })), filters.color)}
          onChange={(v) => onChange({ ...filters, color: v || null })}
        />
        <SelectField
          label="Tag"
          className="select filters__tag"
          value={filters.tag ?? ''}
          options={filterOptions('Any tag', (counts?.byTag ?? []).map((t) => ({ value: t.label, count: t.count })), filters.tag)}
          onChange={(v) => onChange({ ...filters, tag: v || null })}
        />
        <span className="switch">
          <input id={archivedId} type="checkbox" checked={filters.archived} onChange={(e) => onChange({ ...filters, archived: e.target.checked })} />
          <label htmlFor={archivedId}>Archived</label>
        </span>
        {active ? (
          <button type="button" className="button button--quiet" onClick={() => onChange({ ...NO_FILTERS, archived: filters.archived })}>
            Clear filters
          </button>
        ) : null}
      </div>
    </div>
  );
}

function SelectionBar({
  count,
  loaded,
  archived,
  onArchive,
  onUnarchive,
  onRemove,
  onRetype,
  onClear,
  onSelectAll,
}: {
  count: number;
  loaded: number;
  archived: boolean;
  onArchive: (reason: ArchiveReason) => void;
  onUnarchive: () => void;
  onRemove: () => void;
  onRetype: (type: GarmentType) => void;
  onClear: () => void;
  onSelectAll: () => void;
}) {
  const [reason, setReason] = useState<ArchiveReason>('sold');
  const [type, setType] = useState<GarmentType>('top');
  return (
    <div className="selection-bar" role="toolbar" aria-label="Selected garments" data-testid="selection-bar">
      <span className="selection-bar__count" aria-live="polite">
        {plural(count, 'item')} selected
      </span>
      {count < loaded ? (
        <button type="button" className="button button--quiet" onClick={onSelectAll}>
          Select all {loaded} shown
        </button>
      ) : null}
      <span className="selection-bar__actions">
        {archived ? (
          <button type="button" className="button" onClick={onUnarchive}>
            <Icon name="undo" />
            Bring back
          </button>
        ) : (
          <SelectField label="Archive reason" showLabel={false} value={reason} options={ARCHIVE_REASON_OPTIONS} onChange={(v) => setReason(v as ArchiveReason)}>
            <button type="button" className="button" onClick={() => onArchive(reason)}>
              <Icon name="archive" />
              Archive
            </button>
          </SelectField>
        )}
        <SelectField label="New type" showLabel={false} value={type} options={GARMENT_TYPE_OPTIONS} onChange={(v) => setType(v as GarmentType)}>
          <button type="button" className="button" onClick={() => onRetype(type)}>
            Set type
          </button>
        </SelectField>
        <button type="button" className="button button--danger" onClick={onRemove} aria-keyshortcuts="Delete">
          <Icon name="trash" />
          Remove
        </button>
        <button type="button" className="button button--quiet" onClick={onClear} aria-keyshortcuts="Escape">
          Clear
        </button>
      </span>
    </div>
  );
}

/** "Any …" first, then each value with its count, and the current value even when no item has it any more. */
function filterOptions(any: string, values: { value: string; count: number }[], current: string | null): SelectOption[] {
  const options = [{ value: '', label: any }, ...values.map((v) => ({ value: v.value, label: `${v.value} (${v.count})` }))];
  return current && !values.some((v) => v.value === current) ? [...options, { value: current, label: current }] : options;
}

const GARMENT_TYPE_OPTIONS: SelectOption[] = GARMENT_TYPE_LIST.map((t) => ({ value: t, label: typeLabel(t) }));

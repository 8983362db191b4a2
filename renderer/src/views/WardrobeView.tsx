import { useCallback, useEffect, useId, useState } from 'react';
import type { GarmentType, Item } from '../../../shared/api.ts';
import { useClient } from '../api/context.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { Icon } from '../components/Icon.tsx';
import { ItemCard } from '../components/ItemCard.tsx';
import { ViewHeader } from '../components/ViewHeader.tsx';
import { GARMENT_TYPE_LIST, TYPE_LABELS, plural } from '../lib/format.ts';
import { useReportError } from '../state/errors.tsx';

/** Items fetched per page. */
export const WARDROBE_PAGE_SIZE = 200;

type Filter = GarmentType | 'all';

interface Loaded {
  items: Item[];
  total: number;
}

/** The person's garments as a grid, filterable by type, with type correction on each card. */
export function WardrobeView({
  personId,
  libraryVersion,
  onGoToImport,
}: {
  personId: number;
  /** Changes when the library changed elsewhere (an import finished): reload. */
  libraryVersion: number;
  onGoToImport: () => void;
}) {
  const client = useClient();
  const report = useReportError();
  const filterName = useId();
  const titleId = useId();
  const [reloadKey, setReloadKey] = useState(0);
  const [failed, setFailed] = useState(false);
  const [filter, setFilter] = useState<Filter>('all');
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);

  useEffect(() => {
    let active = true;
    setLoading(true);
    setFailed(false);
    client
      .call('items.list', { personId, offset: 0, limit: WARDROBE_PAGE_SIZE, ...(filter === 'all' ? {} : { type: filter }) })
      .then((page) => {
        if (active) setLoaded(page);
      })
      .catch((error: unknown) => {
        if (!active) return;
        setFailed(true);
        report(error);
      })
      .finally(() => {
        if (active) setLoading(false);
      });
    return () => {
      active = false;
    };
  }, [client, report, personId, filter, libraryVersion, reloadKey]);

  async function loadMore() {
    if (!loaded) return;
    setLoadingMore(true);
    try {
      const page = await client.call('items.list', {
        personId,
        offset: loaded.items.length,
        limit: WARDROBE_PAGE_SIZE,
        ...(filter === 'all' ? {} : { type: filter }),
      });
      setLoaded((current) => (current ? { items: [...current.items, ...page.items], total: page.total } : page));
    } catch (error) {
      report(error);
    } finally {
      setLoadingMore(false);
    }
  }

  const replaceItem = useCallback((updated: Item) => {
    setLoaded((current) =>
      current ? { ...current, items: current.items.map((item) => (item.id === updated.id ? updated : item)) } : current,
    );
  }, []);

  const total = loaded?.total ?? 0;
  const subtitle = !loaded
    ? null
    : filter === 'all'
      ? plural(total, 'item')
      : plural(total, TYPE_LABELS[filter].one.toLowerCase(), TYPE_LABELS[filter].many.toLowerCase());
  const wardrobeEmpty = !loading && loaded !== null && total === 0 && filter === 'all';

  return (
    <section className="view" aria-labelledby={titleId} aria-busy={loading}>
      <ViewHeader title="Wardrobe" titleId={titleId} subtitle={subtitle}>
        {wardrobeEmpty ? null : (
          <button type="button" className="button" onClick={onGoToImport}>
            <Icon name="upload" />
            Import photos
          </button>
        )}
      </ViewHeader>

      {wardrobeEmpty ? null : (
        <fieldset className="chips">
          <legend className="visually-hidden">Show garments of type</legend>
          {(['all', ...GARMENT_TYPE_LIST] as Filter[]).map((value) => (
            <label key={value} className="chip">
              <input
                type="radio"
                name={filterName}
                value={value}
                checked={filter === value}
                onChange={() => setFilter(value)}
              />
              <span>{value === 'all' ? 'All' : TYPE_LABELS[value].many}</span>
            </label>
          ))}
        </fieldset>
      )}

      {failed && !loading ? (
        <div className="inline-retry">
          <p>The wardrobe could not be loaded.</p>
          <button type="button" className="button" onClick={() => setReloadKey((k) => k + 1)}>
            Try again
          </button>
        </div>
      ) : loading && !loaded ? (
        <p className="loading" role="status">
          Loading wardrobe…
        </p>
      ) : wardrobeEmpty ? (
        <EmptyState
          icon="hanger"
          title="Import photos of your clothes"
          actions={
            <button type="button" className="button button--primary" onClick={onGoToImport}>
              <Icon name="upload" />
              Import photos
            </button>
          }
        >
          <p>
            Take one photo per garment — tops, bottoms, dresses, shoes, jackets — and drop them in. The stylist sorts them
            by type and colour; everything stays on this computer.
          </p>
        </EmptyState>
      ) : loaded && loaded.items.length === 0 && filter !== 'all' ? (
        <EmptyState
          icon="hanger"
          title={`No ${TYPE_LABELS[filter].many.toLowerCase()} yet`}
          actions={
            <button type="button" className="button" onClick={() => setFilter('all')}>
              Show everything
            </button>
          }
        >
          <p>If a garment was sorted under the wrong type, correct it from its card.</p>
        </EmptyState>
      ) : loaded ? (
        <>
          <ul className="item-grid" data-testid="wardrobe-grid" aria-label="Garments">
            {loaded.items.map((item) => (
              <li key={item.id}>
                <ItemCard item={item} onChanged={replaceItem} />
              </li>
            ))}
          </ul>
          {loaded.items.length < loaded.total ? (
            <div className="load-more">
              <button type="button" className="button" onClick={() => void loadMore()} disabled={loadingMore}>
                {loadingMore ? 'Loading…' : `Show more (${loaded.total - loaded.items.length} left)`}
              </button>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

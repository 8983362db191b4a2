// A grid of cards that stays smooth with thousands: only the rows in view (and a few around them) are in
// the page, rows are absolutely placed, and the parent is told which indices are visible so it can fetch
// them. Keyboard: one card at a time is in the Tab order; arrow keys, Home/End and Page Up/Down move between
// cards, Enter opens one, X selects it.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type CSSProperties, type KeyboardEvent, type ReactNode } from 'react';
import { observeElementRect, useVirtualizer } from '@tanstack/react-virtual';
import type { Item } from '../../../shared/api.ts';

const MIN_CARD_WIDTH = 168;
const GAP = 16;
/** Height of a card below its 3:4 photo (type select, colours, padding, border). */
const CARD_META_HEIGHT = 80;
/** Until the page is laid out (and in tests without layout), assume a typical window. */
const FALLBACK = { width: 960, height: 720 };

function gridColumns(width: number): number {
  return Math.max(1, Math.floor((width + GAP) / (MIN_CARD_WIDTH + GAP)));
}

export function VirtualGrid({
  total,
  itemAt,
  onRange,
  renderItem,
  testId,
  label,
  resetKey,
}: {
  total: number;
  itemAt: (index: number) => Item | undefined;
  /** The first and last index on screen (with overscan), whenever they change. */
  onRange: (first: number, last: number) => void;
  renderItem: (item: Item, tabbable: boolean) => ReactNode;
  testId?: string;
  label: string;
  /** When this changes, the grid goes back to the top. */
  resetKey?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [active, setActive] = useState(0);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setWidth(el.clientWidth);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const usable = width || FALLBACK.width;
  const columns = gridColumns(usable);
  const cardWidth = (usable - GAP * (columns - 1)) / columns;
  const rowHeight = Math.round((cardWidth * 4) / 3 + CARD_META_HEIGHT + GAP);
  const rows = Math.ceil(total / columns);

  const virtualizer = useVirtualizer({
    count: rows,
    getScrollElement: () => ref.current,
    estimateSize: () => rowHeight,
    overscan: 2,
    initialRect: FALLBACK,
    observeElementRect: (instance, cb) => observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : FALLBACK)),
  });

  useEffect(() => {
    virtualizer.measure();
  }, [virtualizer, rowHeight]);

  useEffect(() => {
    if (ref.current) ref.current.scrollTop = 0;
    setActive(0);
  }, [resetKey]);

  const virtualRows = virtualizer.getVirtualItems();
  const first = virtualRows[0]?.index ?? 0;
  const last = virtualRows.at(-1)?.index ?? 0;
  useEffect(() => {
    if (total > 0) onRange(first * columns, Math.min(total - 1, (last + 1) * columns - 1));
  }, [first, last, columns, total, onRange]);

  const activeIndex = Math.min(active, Math.max(0, total - 1));

  // The garment to focus once its card is in the page: after the scroll renders its row, or after its page of
  // items arrives (on a busy machine that takes more than a few frames). Dropped if focus went elsewhere meanwhile.
  const pendingFocus = useRef<number | null>(null);
  const focusPending = useCallback(() => {
    const target = pendingFocus.current;
    if (target === null) return;
    const focused = document.activeElement;
    if (focused && focused !== document.body && !ref.current?.contains(focused)) {
      pendingFocus.current = null;
      return;
    }
    const el = ref.current?.querySelector<HTMLElement>(`[data-index="${target}"] [data-card-open]`);
    if (el) {
      pendingFocus.current = null;
      el.focus();
    }
  }, []);
  useEffect(focusPending); // after every render: the row or its item may just have arrived

  const focusIndex = useCallback(
    (index: number) => {
      const target = Math.max(0, Math.min(total - 1, index));
      pendingFocus.current = target;
      setActive(target);
      virtualizer.scrollToIndex(Math.floor(target / columns), { align: 'auto' });
      requestAnimationFrame(focusPending);
    },
    [columns, total, virtualizer, focusPending],
  );

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const target = event.target as HTMLElement;
    if (target.tagName === 'SELECT' || event.altKey || event.ctrlKey || event.metaKey) return;
    const cell = target.closest<HTMLElement>('[data-index]');
    if (!cell) return;
    const index = Number(cell.dataset.index);
    const perPage = Math.max(1, Math.floor((ref.current?.clientHeight || FALLBACK.height) / rowHeight)) * columns;
    const moves: Record<string, number> = {
      ArrowRight: index + 1,
      ArrowLeft: index - 1,
      ArrowDown: index + columns,
      ArrowUp: index - columns,
      PageDown: index + perPage,
      PageUp: index - perPage,
      Home: 0,
      End: total - 1,
    };
    if (event.key in moves) {
      event.preventDefault();
      focusIndex(moves[event.key]!);
    } else if (event.key.toLowerCase() === 'x' && !event.shiftKey) {
      event.preventDefault();
      cell.querySelector<HTMLInputElement>('input[type="checkbox"]')?.click();
    }
  }

  return (
    <div
      ref={ref}
      className="vgrid"
      data-testid={testId}
      role="list"
      aria-label={`${label}: arrow keys move between garments, Enter opens one, X selects it`}
      onKeyDown={onKeyDown}
      onFocus={(event) => {
        const cell = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
        if (cell) setActive(Number(cell.dataset.index));
      }}
    >
      <div className="vgrid__inner" style={{ '--vgrid-height': `${virtualizer.getTotalSize()}px` } as CSSProperties}>
        {virtualRows.map((row) => (
          <div key={row.key} className="vgrid__row" role="presentation" style={{ '--row-y': `${row.start}px`, '--columns': columns, '--row-height': `${rowHeight - GAP}px` } as CSSProperties}>
            {Array.from({ length: columns }, (_, c) => {
              const index = row.index * columns + c;
              if (index >= total) return null;
              const item = itemAt(index);
              return (
                <div key={item ? `i${item.id}` : `p${index}`} role="listitem" aria-posinset={index + 1} aria-setsize={total} className="vgrid__cell" data-index={index}>
                  {item ? renderItem(item, index === activeIndex) : <div className="item-card item-card--placeholder" aria-label="Loading" />}
                </div>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}

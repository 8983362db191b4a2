import { memo, useState } from 'react';
import type { GarmentType, Item } from '../../../shared/api.ts';
import { useClient } from '../api/context.tsx';
import { typeLabel } from '../lib/format.ts';
import { useReportError } from '../state/errors.tsx';
import { ColorSwatches } from './ColorSwatches.tsx';
import { Thumb } from './Thumb.tsx';
import { TypeSelect } from './TypeSelect.tsx';

/** Below this confidence a predicted type is flagged for a check. */
export const UNSURE_TYPE_CONFIDENCE = 0.6;

export function isUnsure(item: Item): boolean {
  return item.typeSource === 'predicted' && (item.type === 'unknown' || item.typeConfidence < UNSURE_TYPE_CONFIDENCE);
}

/**
 * One garment in the wardrobe grid: its photo (opens the item's page), a checkbox to select it, its colours,
 * and a control to correct its type. `tabbable` makes its controls reachable with Tab (the grid lets one
 * card at a time be: arrow keys move between cards).
 */
export const ItemCard = memo(function ItemCard({
  item,
  onChanged,
  onOpen,
  selected = false,
  onToggleSelected,
  tabbable = true,
  selecting = false,
}: {
  item: Item;
  onChanged: (item: Item) => void;
  onOpen?: (item: Item) => void;
  selected?: boolean;
  onToggleSelected?: (item: Item, range: boolean) => void;
  tabbable?: boolean;
  /** Some card is selected: show every checkbox. */
  selecting?: boolean;
}) {
  const client = useClient();
  const report = useReportError();
  const [saving, setSaving] = useState(false);
  const unsure = isUnsure(item);
  const tabIndex = tabbable ? 0 : -1;

  async function changeType(type: GarmentType) {
    if (type === item.type) return;
    setSaving(true);
    try {
      onChanged(await client.call('items.setType', { itemId: item.id, type }));
    } catch (error) {
      report(error);
    } finally {
      setSaving(false);
    }
  }

  const photo = <Thumb sha256={item.sha256} alt={`${typeLabel(item.type)}, ${item.fileName}`} />;
  return (
    <article
      className={`item-card${selected ? ' item-card--selected' : ''}${selecting ? ' item-card--selecting' : ''}`}
      data-testid="item-card"
      data-item-id={item.id}
      data-file-name={item.fileName}
      aria-label={`${typeLabel(item.type)}: ${item.fileName}${item.archiveReason ? `, archived (${item.archiveReason})` : ''}`}
    >
      <div className="item-card__photo">
        {onOpen ? (
          <button type="button" className="item-card__open" tabIndex={tabIndex} aria-label={`Open ${item.fileName}`} onClick={() => onOpen(item)} data-card-open>
            {photo}
          </button>
        ) : (
          photo
        )}
        {/* An archived garment's reason says more than a doubtful type (it is out of the wardrobe either way). */}
        {item.archiveReason ? (
          <span className="badge item-card__badge">{item.archiveReason}</span>
        ) : unsure ? (
          <span
            className="badge badge--warn item-card__badge"
            title={
              item.type === 'unknown'
                ? 'The type could not be recognised; choose it below'
                : `Type guessed with ${Math.round(item.typeConfidence * 100)}% confidence`
            }
          >
            Check type
          </span>
        ) : null}
        {onToggleSelected ? (
          <label className="item-card__select" title={selected ? 'Selected' : 'Select'}>
            <input
              type="checkbox"
              checked={selected}
              tabIndex={tabIndex}
              onChange={() => {}}
              onClick={(event) => onToggleSelected(item, event.shiftKey)}
            />
            <span className="visually-hidden">Select {item.fileName}</span>
          </label>
        ) : null}
      </div>
      <div className="item-card__meta">
        <TypeSelect value={item.type} label={`Type of ${item.fileName}`} onChange={(type) => void changeType(type)} disabled={saving} tabIndex={tabIndex} />
        <ColorSwatches colors={item.colors} max={2} />
      </div>
    </article>
  );
});

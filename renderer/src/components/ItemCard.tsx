import { useState } from 'react';
import type { GarmentType, Item } from '../../../shared/api.ts';
import { useClient } from '../api/context.tsx';
import { typeLabel } from '../lib/format.ts';
import { useReportError } from '../state/errors.tsx';
import { ColorSwatches } from './ColorSwatches.tsx';
import { Thumb } from './Thumb.tsx';
import { TypeSelect } from './TypeSelect.tsx';

/** Below this confidence a predicted type is flagged for a check. */
export const UNSURE_TYPE_CONFIDENCE = 0.6;

/** One garment in the wardrobe grid, with its photo, colours and a control to correct its type. */
export function ItemCard({ item, onChanged }: { item: Item; onChanged: (item: Item) => void }) {
  const client = useClient();
  const report = useReportError();
  const [saving, setSaving] = useState(false);
  const unsure =
    item.typeSource === 'predicted' && (item.type === 'unknown' || item.typeConfidence < UNSURE_TYPE_CONFIDENCE);

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

  return (
    <article className="item-card" data-testid="item-card" aria-label={`${typeLabel(item.type)}: ${item.fileName}`}>
      <div className="item-card__photo">
        <Thumb sha256={item.sha256} alt={`${typeLabel(item.type)}, ${item.fileName}`} />
        {unsure ? (
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
      </div>
      <div className="item-card__meta">
        <TypeSelect
          value={item.type}
          label={`Type of ${item.fileName}`}
          onChange={(type) => void changeType(type)}
          disabled={saving}
        />
        <ColorSwatches colors={item.colors} />
      </div>
    </article>
  );
}

import { useId } from 'react';
import type { GarmentType } from '../../../shared/api.ts';
import { GARMENT_TYPE_LIST, typeLabel } from '../lib/format.ts';

/** A labelled select over every garment type. */
export function TypeSelect({
  value,
  label,
  onChange,
  disabled,
  tabIndex,
  showLabel = false,
}: {
  value: GarmentType;
  /** Accessible label, e.g. "Type of IMG_0042.jpg". */
  label: string;
  onChange: (type: GarmentType) => void;
  disabled?: boolean;
  tabIndex?: number;
  /** Show the label (on an item's page) rather than only tell it to screen readers. */
  showLabel?: boolean;
}) {
  const id = useId();
  return (
    <span className="type-select">
      <label htmlFor={id} className={showLabel ? 'field__label' : 'visually-hidden'}>
        {label}
      </label>
      <select
        id={id}
        className="select select--compact"
        value={value}
        disabled={disabled}
        tabIndex={tabIndex}
        onChange={(event) => onChange(event.target.value as GarmentType)}
      >
        {GARMENT_TYPE_LIST.map((type) => (
          <option key={type} value={type}>
            {typeLabel(type)}
          </option>
        ))}
      </select>
    </span>
  );
}

import { useId } from 'react';
import type { ReactNode } from 'react';

export interface SelectOption {
  value: string;
  label: string;
}

/**
 * A select with its label, inline. The label is shown, or only told to screen readers where the
 * surrounding toolbar already says what the select is for; `children` follow the select (its action button).
 */
export function SelectField({
  label,
  showLabel = true,
  value,
  options,
  onChange,
  className = 'select',
  children,
}: {
  label: string;
  showLabel?: boolean;
  value: string;
  options: readonly SelectOption[];
  onChange: (value: string) => void;
  className?: string;
  children?: ReactNode;
}) {
  const id = useId();
  return (
    <span className="field field--inline">
      <label htmlFor={id} className={showLabel ? 'field__label' : 'visually-hidden'}>
        {label}
      </label>
      <select id={id} className={className} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {children}
    </span>
  );
}

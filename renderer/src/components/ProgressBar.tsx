import type { CSSProperties, ReactNode } from 'react';

/** An accessible progress bar; children are shown above the track. */
export function ProgressBar({
  value,
  max,
  label,
  valueText,
  testId,
  children,
}: {
  value: number;
  max: number;
  label: string;
  valueText: string;
  testId?: string;
  children?: ReactNode;
}) {
  const fraction = max > 0 ? Math.max(0, Math.min(1, value / max)) : 0;
  return (
    <div
      className="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={value}
      aria-valuetext={valueText}
      data-testid={testId}
    >
      {children}
      <div className="progress__track">
        <div className="progress__fill" style={{ '--progress': fraction } as CSSProperties} />
      </div>
    </div>
  );
}

import type { CSSProperties } from 'react';
import type { Item } from '../../../shared/api.ts';

/** The dominant colours as dots with their names (names are read out; the dots are decoration). */
export function ColorSwatches({ colors, max = 3 }: { colors: Item['colors']; max?: number }) {
  const shown = colors.slice(0, max);
  if (shown.length === 0) return null;
  return (
    <ul className="swatches" aria-label="Colours">
      {shown.map((color, index) => (
        <li key={`${color.hex}-${index}`} className="swatches__item" title={`${color.name} (${color.hex})`}>
          {/* A custom property set through the CSSOM, which a strict CSP allows (no style attribute in HTML). */}
          <span className="swatches__dot" style={{ '--swatch': color.hex } as CSSProperties} aria-hidden="true" />
          <span className="swatches__name">{color.name}</span>
        </li>
      ))}
    </ul>
  );
}

import type { ReactNode } from 'react';
import { useImportSnapshot } from '../state/import.tsx';
import type { ViewName } from '../state/navigation.tsx';
import { formatPercent } from '../lib/format.ts';
import { Icon, type IconName } from './Icon.tsx';

export type { ViewName };

export const VIEWS: { name: ViewName; label: string; icon: IconName }[] = [
  { name: 'wardrobe', label: 'Wardrobe', icon: 'hanger' },
  { name: 'import', label: 'Import', icon: 'upload' },
  { name: 'suggestions', label: 'Suggestions', icon: 'sparkles' },
  { name: 'people', label: 'People', icon: 'people' },
  { name: 'style', label: 'House style', icon: 'palette' },
  { name: 'settings', label: 'Settings', icon: 'settings' },
];

/** The view switcher: plain buttons in a nav, the current one marked with aria-current. */
export function Sidebar({
  current,
  onSelect,
  footer,
}: {
  current: ViewName;
  onSelect: (view: ViewName) => void;
  footer?: ReactNode;
}) {
  const progress = useImportSnapshot();
  const importing = progress.state === 'running' || progress.state === 'cancelling';
  return (
    <nav className="sidebar" aria-label="Views">
      <ul className="sidebar__list">
        {VIEWS.map((view) => (
          <li key={view.name}>
            <button
              type="button"
              className="sidebar__link"
              aria-current={current === view.name ? 'page' : undefined}
              onClick={() => onSelect(view.name)}
            >
              <Icon name={view.icon} />
              <span>{view.label}</span>
              {view.name === 'import' && importing ? (
                <span className="sidebar__badge">
                  <span className="visually-hidden">, importing, </span>
                  {formatPercent(progress.total ? progress.done / progress.total : 0)}
                </span>
              ) : null}
            </button>
          </li>
        ))}
      </ul>
      {footer ? <div className="sidebar__footer">{footer}</div> : null}
    </nav>
  );
}

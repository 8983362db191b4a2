import type { ReactNode } from 'react';

export function ViewHeader({
  title,
  titleId,
  subtitle,
  children,
}: {
  title: string;
  /** Id of the heading, for the view's aria-labelledby. */
  titleId?: string;
  subtitle?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <header className="view-header">
      <div className="view-header__titles">
        <h1 className="view-header__title" id={titleId}>{title}</h1>
        {subtitle ? <p className="view-header__subtitle">{subtitle}</p> : null}
      </div>
      {children ? <div className="view-header__actions">{children}</div> : null}
    </header>
  );
}

import { useErrors } from '../state/errors.tsx';
import { Icon } from './Icon.tsx';

/** Every API error ends up here until the person dismisses it. */
export function ErrorBanner() {
  const { errors, dismiss, dismissAll } = useErrors();
  if (errors.length === 0) return null;
  return (
    <div className="error-banner" data-testid="error-banner" role="alert">
      <ul className="error-banner__list">
        {errors.map((error) => (
          <li key={error.id} className="error-banner__item">
            <Icon name="alert" className="icon error-banner__icon" />
            <div className="error-banner__text">
              <strong>{error.title}</strong>
              <span>
                {error.detail}
                {error.count > 1 ? <span className="error-banner__count"> (×{error.count})</span> : null}
              </span>
            </div>
            <button
              type="button"
              className="icon-button"
              onClick={() => dismiss(error.id)}
              aria-label={`Dismiss error: ${error.title}`}
              title="Dismiss"
            >
              <Icon name="cross" />
            </button>
          </li>
        ))}
      </ul>
      {errors.length > 1 ? (
        <button type="button" className="button button--quiet error-banner__all" onClick={dismissAll}>
          Dismiss all
        </button>
      ) : null}
    </div>
  );
}

import { useCallback, useEffect, useId, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import type { GarmentType, OutfitSuggestion } from '../../../shared/api.ts';
import { useClient } from '../api/context.tsx';
import { ColorSwatches } from '../components/ColorSwatches.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { Icon } from '../components/Icon.tsx';
import { Thumb } from '../components/Thumb.tsx';
import { ViewHeader } from '../components/ViewHeader.tsx';
import { TYPE_LABELS, typeLabel } from '../lib/format.ts';
import { useReportError } from '../state/errors.tsx';

/** Outfits asked for at a time. */
export const SUGGESTION_BATCH = 12;

type Verdict = 'like' | 'dislike';

/** Types counted to explain an empty suggestions list. */
const NEEDED: GarmentType[] = ['top', 'bottom', 'shoes', 'dress'];

/** True when a key press is meant for a text field or a select, not for the shortcuts. */
function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file'].includes(type);
  }
  return false;
}

function pairLabel(a: GarmentType, b: GarmentType): string {
  return `${typeLabel(a)} + ${typeLabel(b)}`;
}

/** Outfit cards one at a time: Like (L), Dislike (D), Next (N); likes and dislikes teach the model. */
export function SuggestionsView({
  personId,
  libraryVersion,
  onGoToImport,
  onGoToWardrobe,
}: {
  personId: number;
  libraryVersion: number;
  onGoToImport: () => void;
  onGoToWardrobe: () => void;
}) {
  const client = useClient();
  const report = useReportError();
  const titleId = useId();
  const [outfits, setOutfits] = useState<OutfitSuggestion[] | null>(null);
  const [index, setIndex] = useState(0);
  const [loading, setLoading] = useState(true);
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [counts, setCounts] = useState<Partial<Record<GarmentType, number>> | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [batch, setBatch] = useState(0);
  // Key handlers read the latest state through a ref (the listener is registered once).
  const busyRef = useRef(false);

  useEffect(() => {
    let active = true;
    setLoading(true);
    setFailed(false);
    setCounts(null);
    client
      .call('outfits.suggest', { personId, k: SUGGESTION_BATCH })
      .then(async (list) => {
        if (!active) return;
        setOutfits(list);
        setIndex(0);
        if (list.length === 0) {
          // Explain why: count the garments an outfit is made of.
          try {
            const entries = await Promise.all(
              NEEDED.map(
                async (type) => [type, (await client.call('items.list', { personId, type, limit: 1 })).total] as const,
              ),
            );
            if (active) setCounts(Object.fromEntries(entries));
          } catch (error) {
            if (active) report(error);
          }
        }
      })
      .catch((error: unknown) => {
        if (!active) return;
        setFailed(true);
        report(error);
      })
      .finally(() => {
        if (active) setLoading(false);
      });
    return () => {
      active = false;
    };
  }, [client, report, personId, batch]);

  // New garments (an import finished) only matter while there is nothing to show: reloading under a card the
  // person is looking at would pull it away from them.
  const outfitsRef = useRef(outfits);
  outfitsRef.current = outfits;
  useEffect(() => {
    if (outfitsRef.current?.length === 0) setBatch((b) => b + 1);
  }, [libraryVersion]);

  const current = outfits && index < outfits.length ? outfits[index] : undefined;
  const total = outfits?.length ?? 0;

  /** Shows the next card; `said` is read out first (e.g. "Liked."). */
  const advance = useCallback(
    (said = '') => {
      if (!outfits) return;
      if (index + 1 < outfits.length) {
        setIndex(index + 1);
        setAnnouncement(`${said} Showing outfit ${index + 2} of ${outfits.length}.`.trim());
      } else {
        // End of this batch: ask for fresh suggestions (they take the new judgements into account).
        setAnnouncement(`${said} Loading more outfits.`.trim());
        setOutfits(null);
        setBatch((b) => b + 1);
      }
    },
    [outfits, index],
  );

  const judge = useCallback(
    async (verdict: Verdict) => {
      if (!current || busyRef.current) return;
      busyRef.current = true;
      setBusy(true);
      try {
        await client.call('judgements.record', {
          personId,
          itemIds: current.items.map((item) => item.id),
          verdict,
        });
        advance(verdict === 'like' ? 'Liked.' : 'Disliked.');
      } catch (error) {
        report(error);
      } finally {
        busyRef.current = false;
        setBusy(false);
      }
    },
    [client, report, personId, current, advance],
  );

  const next = useCallback(() => {
    if (!current || busyRef.current) return;
    advance();
  }, [current, advance]);

  const handlers = useRef({ judge, next });
  handlers.current = { judge, next };

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTypingTarget(event.target)) return;
      const key = event.key.toLowerCase();
      if (key === 'l') void handlers.current.judge('like');
      else if (key === 'd') void handlers.current.judge('dislike');
      else if (key === 'n') handlers.current.next();
      else return;
      event.preventDefault();
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  let body: ReactNode = null;
  if (failed && !loading) {
    body = (
      <div className="inline-retry">
        <p>Suggestions could not be loaded.</p>
        <button type="button" className="button" onClick={() => setBatch((b) => b + 1)}>
          Try again
        </button>
      </div>
    );
  } else if (loading && !current) {
    body = (
      <p className="loading" role="status">
        Putting outfits together…
      </p>
    );
  } else if (outfits && outfits.length === 0) {
    body = (
      <EmptyState
        icon="sparkles"
        title="Not enough clothes for an outfit yet"
        actions={
          <>
            <button type="button" className="button button--primary" onClick={onGoToImport}>
              <Icon name="upload" />
              Import photos
            </button>
            <button type="button" className="button" onClick={onGoToWardrobe}>
              Check types in the wardrobe
            </button>
          </>
        }
      >
        <p>An outfit needs a top, a bottom and shoes — or a dress and shoes.</p>
        {counts ? (
          <ul className="needs" aria-label="What the wardrobe has">
            {NEEDED.map((type) => {
              const n = counts[type] ?? 0;
              return (
                <li key={type} className={n > 0 ? 'needs__item needs__item--ok' : 'needs__item'}>
                  <Icon name={n > 0 ? 'check' : 'cross'} width={16} height={16} />
                  {TYPE_LABELS[type].many}: {n}
                </li>
              );
            })}
          </ul>
        ) : null}
      </EmptyState>
    );
  } else if (current) {
    body = (
      <div className="suggestions">
        <OutfitCard outfit={current} position={index + 1} total={total} />
        <div className="suggestions__side">
          <WhyThisOutfit outfit={current} />
          <div className="judge" role="group" aria-label="Your verdict">
            <button
              type="button"
              className="button button--large judge__dislike"
              data-testid="dislike-button"
              aria-keyshortcuts="D"
              disabled={busy}
              onClick={() => void judge('dislike')}
            >
              <Icon name="cross" />
              Dislike <kbd>D</kbd>
            </button>
            <button
              type="button"
              className="button button--large"
              data-testid="next-button"
              aria-keyshortcuts="N"
              disabled={busy}
              onClick={next}
            >
              <Icon name="arrowRight" />
              Next <kbd>N</kbd>
            </button>
            <button
              type="button"
              className="button button--large button--primary judge__like"
              data-testid="like-button"
              aria-keyshortcuts="L"
              disabled={busy}
              onClick={() => void judge('like')}
            >
              <Icon name="heart" />
              Like <kbd>L</kbd>
            </button>
          </div>
          <p className="judge__hint">Likes and dislikes teach the stylist your taste.</p>
        </div>
      </div>
    );
  }

  return (
    <section className="view view--fill" aria-labelledby={titleId} aria-busy={loading}>
      <ViewHeader
        title="Suggestions"
        titleId={titleId}
        subtitle={current ? `Outfit ${index + 1} of ${total}` : undefined}
      />
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      {body}
    </section>
  );
}

function OutfitCard({ outfit, position, total }: { outfit: OutfitSuggestion; position: number; total: number }) {
  return (
    <article
      className="outfit-card"
      data-testid="outfit-card"
      aria-label={`Outfit ${position} of ${total}: ${outfit.items.map((i) => typeLabel(i.type)).join(', ')}`}
      style={{ '--rows': outfit.items.length } as CSSProperties}
    >
      <ol className="outfit-card__stack">
        {outfit.items.map((item) => (
          <li key={item.id} className="outfit-card__garment">
            <div className="outfit-card__photo">
              <Thumb sha256={item.sha256} alt={`${typeLabel(item.type)}, ${item.fileName}`} />
            </div>
            <div className="outfit-card__caption">
              <span className="outfit-card__type">{typeLabel(item.type)}</span>
              <ColorSwatches colors={item.colors} max={2} />
            </div>
          </li>
        ))}
      </ol>
    </article>
  );
}

/** The per-pair contributions to the score, strongest first. */
function WhyThisOutfit({ outfit }: { outfit: OutfitSuggestion }) {
  const titleId = useId();
  const pairs = [...outfit.pairScores].sort((x, y) => y.score - x.score);
  return (
    <section className="panel why" aria-labelledby={titleId}>
      <h2 className="panel__title" id={titleId}>
        Why this outfit
      </h2>
      <p className="why__score">
        Score <strong>{outfit.score.toFixed(2)}</strong>
      </p>
      {pairs.length > 0 ? (
        <ul className="why__pairs">
          {pairs.map((pair) => (
            <li key={`${pair.a}-${pair.b}`} className="why__pair">
              <span className="why__label">{pairLabel(pair.a, pair.b)}</span>
              <span className="why__bar" aria-hidden="true">
                <span
                  className={pair.score < 0 ? 'why__fill why__fill--neg' : 'why__fill'}
                  style={{ '--value': Math.min(1, Math.abs(pair.score)) } as CSSProperties}
                />
              </span>
              <span className="why__value">{pair.score.toFixed(2)}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="why__none">No pair scores for this outfit.</p>
      )}
    </section>
  );
}

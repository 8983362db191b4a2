import { useCallback, useEffect, useId, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import type { GarmentType, Item, JudgedOutfit, OutfitSuggestion, PersonalStatus } from '../../../shared/api.ts';
import { useClient } from '../api/context.tsx';
import { ColorSwatches } from '../components/ColorSwatches.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { Icon } from '../components/Icon.tsx';
import { OutfitStrip } from '../components/OutfitStrip.tsx';
import { Thumb } from '../components/Thumb.tsx';
import { ViewHeader } from '../components/ViewHeader.tsx';
import { TYPE_LABELS, plural, typeLabel, verdictText } from '../lib/format.ts';
import { useLoad } from '../lib/useLoad.ts';
import { useReportError } from '../state/errors.tsx';
import { useNavigation } from '../state/navigation.tsx';
import { useToast, useUndoToast } from '../state/toasts.tsx';
import { isTypingTarget } from '../lib/keyboard.ts';

/** Outfits asked for at a time. */
export const SUGGESTION_BATCH = 12;
/** The core builds around at most this many items. */
const MAX_PINNED = 4;

type Verdict = 'like' | 'dislike';

/** Types counted to explain an empty suggestions list. */
const NEEDED: GarmentType[] = ['top', 'bottom', 'shoes', 'dress'];

function pairLabel(a: GarmentType, b: GarmentType): string {
  return `${typeLabel(a)} + ${typeLabel(b)}`;
}

/**
 * Outfit cards one at a time: Like (L), Dislike (D), Next (N); 1–4 lock a garment so the next outfits keep
 * it. "Build around" (from an item's page) pins items to every suggestion. Saved looks are the liked ones.
 */
export function SuggestionsView({ personId, libraryVersion, pinned, pollMs }: { personId: number; libraryVersion: number; pinned: number[]; pollMs: number }) {
  const client = useClient();
  const report = useReportError();
  const toast = useToast();
  const undoToast = useUndoToast();
  const { navigate } = useNavigation();
  const titleId = useId();
  const [tab, setTab] = useState<'outfits' | 'saved'>('outfits');
  const [outfits, setOutfits] = useState<OutfitSuggestion[] | null>(null);
  const [index, setIndex] = useState(0);
  const [loading, setLoading] = useState(true);
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [counts, setCounts] = useState<Partial<Record<GarmentType, number>> | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [batch, setBatch] = useState(0);
  const [locked, setLocked] = useState<Item[]>([]);
  const [judged, setJudged] = useState(0);
  /** The last verdict, when it was a dislike that named no garment: the window offers to name it. */
  const [lastDislike, setLastDislike] = useState<{ judgementId: number; items: Item[] } | null>(null);
  // Key handlers read the latest state through a ref (the listener is registered once).
  const busyRef = useRef(false);
  const around = useLoad<Item[]>(() => Promise.all(pinned.map((itemId) => client.call('items.get', { personId, itemId }))), [client, personId, pinned.join(',')], {
    enabled: pinned.length > 0,
  });
  const pinnedIds = [...new Set([...pinned, ...locked.map((i) => i.id)])].slice(0, MAX_PINNED);
  const pinnedKey = pinnedIds.join(',');

  useEffect(() => {
    let active = true;
    setLoading(true);
    setFailed(false);
    setCounts(null);
    const ids = pinnedKey ? pinnedKey.split(',').map(Number) : [];
    client
      .call('outfits.suggest', { personId, k: SUGGESTION_BATCH, ...(ids.length ? { pinned: ids } : {}) })
      .then(async (list) => {
        if (!active) return;
        setOutfits(list);
        setIndex(0);
        if (list.length === 0) {
          // Explain why: count the garments an outfit is made of.
          try {
            const entries = await Promise.all(NEEDED.map(async (type) => [type, (await client.call('items.list', { personId, type, limit: 1 })).total] as const));
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
  }, [client, report, personId, batch, pinnedKey]);

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

  /** Records the verdict on the shown outfit; a dislike may name the garment that is wrong (`blamed`). */
  const judge = useCallback(
    async (verdict: Verdict, blamed?: Item) => {
      if (!current || busyRef.current) return;
      busyRef.current = true;
      setBusy(true);
      try {
        const itemIds = current.items.map((item) => item.id);
        const judgement = await client.call('judgements.record', { personId, itemIds, verdict, ...(blamed ? { blamedItemId: blamed.id } : {}) });
        const said = verdictText(verdict, blamed);
        setJudged((n) => n + 1);
        setLastDislike(verdict === 'dislike' && !blamed ? { judgementId: judgement.id, items: current.items } : null);
        advance(`${said}.`);
        undoToast(verdict === 'like' ? 'Liked: saved to your looks.' : `${said}.`, async () => {
          await client.call('judgements.undo', { personId, judgementId: judgement.id });
          setJudged((n) => n + 1);
          setLastDislike((last) => (last?.judgementId === judgement.id ? null : last));
        });
      } catch (error) {
        report(error);
      } finally {
        busyRef.current = false;
        setBusy(false);
      }
    },
    [client, report, toast, personId, current, advance],
  );

  /** Names the garment the last dislike was about (asked after a plain dislike). */
  const nameLastDislike = useCallback(
    async (item: Item) => {
      if (!lastDislike) return;
      const { judgementId } = lastDislike;
      setLastDislike(null);
      try {
        await client.call('judgements.blame', { personId, judgementId, blamedItemId: item.id });
        setJudged((n) => n + 1);
        undoToast(`Noted: not the ${typeLabel(item.type).toLowerCase()}.`, async () => {
          await client.call('judgements.blame', { personId, judgementId, blamedItemId: null });
          setJudged((n) => n + 1);
        });
      } catch (error) {
        report(error);
      }
    },
    [client, report, undoToast, personId, lastDislike],
  );

  const next = useCallback(() => {
    if (!current || busyRef.current) return;
    advance();
  }, [current, advance]);

  const toggleLock = useCallback((item: Item) => {
    setLocked((list) => (list.some((i) => i.id === item.id) ? list.filter((i) => i.id !== item.id) : [...list, item].slice(-MAX_PINNED)));
  }, []);

  const handlers = useRef({ judge, next, toggleLock, current, tab });
  handlers.current = { judge, next, toggleLock, current, tab };

  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTypingTarget(event.target)) return;
      const h = handlers.current;
      if (h.tab !== 'outfits') return;
      const key = event.key.toLowerCase();
      if (key === 'l') void h.judge('like');
      else if (key === 'd') void h.judge('dislike');
      else if (key === 'n') h.next();
      // Shift + a digit key names the wrong garment (by key position: where Shift is what types a digit, it locks).
      else if (event.shiftKey && !/^[1-5]$/.test(key) && /^Digit[1-5]$/.test(event.code) && h.current?.items[Number(event.code.slice(5)) - 1]) {
        void h.judge('dislike', h.current.items[Number(event.code.slice(5)) - 1]);
      }
      else if (/^[1-5]$/.test(key) && h.current?.items[Number(key) - 1]) h.toggleLock(h.current.items[Number(key) - 1]!);
      else return;
      event.preventDefault();
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  const lockedIds = new Set(locked.map((i) => i.id));
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
    body =
      pinnedIds.length > 0 ? (
        <EmptyState
          icon="sparkles"
          title="No outfit fits around these garments"
          actions={
            <button
              type="button"
              className="button"
              onClick={() => {
                setLocked([]);
                if (pinned.length) navigate({ view: 'suggestions' });
              }}
            >
              Suggest freely
            </button>
          }
        >
          <p>The wardrobe has nothing to complete an outfit with these (an outfit needs a top, a bottom and shoes, or a dress and shoes).</p>
        </EmptyState>
      ) : (
        <EmptyState
          icon="sparkles"
          title="Not enough clothes for an outfit yet"
          actions={
            <>
              <button type="button" className="button button--primary" onClick={() => navigate({ view: 'import' })}>
                <Icon name="upload" />
                Import photos
              </button>
              <button type="button" className="button" onClick={() => navigate({ view: 'wardrobe' })}>
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
        <OutfitCard
          outfit={current}
          position={index + 1}
          total={total}
          locked={lockedIds}
          pinned={new Set(pinned)}
          busy={busy}
          onToggleLock={toggleLock}
          onBlame={(item) => void judge('dislike', item)}
          onOpenItem={(id) => navigate({ view: 'item', itemId: id })}
        />
        <div className="suggestions__side">
          <div className="judge" role="group" aria-label="Your verdict">
            <button type="button" className="button button--large judge__dislike" data-testid="dislike-button" aria-keyshortcuts="D" disabled={busy} onClick={() => void judge('dislike')}>
              <Icon name="cross" />
              Dislike <kbd>D</kbd>
            </button>
            <button type="button" className="button button--large" data-testid="next-button" aria-keyshortcuts="N" disabled={busy} onClick={next}>
              <Icon name="arrowRight" />
              Next <kbd>N</kbd>
            </button>
            <button type="button" className="button button--large button--primary judge__like" data-testid="like-button" aria-keyshortcuts="L" disabled={busy} onClick={() => void judge('like')}>
              <Icon name="heart" />
              Like <kbd>L</kbd>
            </button>
          </div>
          <p className="judge__hint">
            Likes and dislikes teach the stylist your taste; “Not this” on a garment (<kbd>Shift</kbd>+<kbd>1</kbd>–<kbd>{current.items.length}</kbd>) says which one is
            wrong and teaches it most. <kbd>1</kbd>–<kbd>{current.items.length}</kbd> lock a garment for the next outfits.
          </p>
          {lastDislike ? <NameLastDislike items={lastDislike.items} onName={(item) => void nameLastDislike(item)} onSkip={() => setLastDislike(null)} /> : null}
          {current.question ? <QuestionNote outfit={current} /> : <WhyThisOutfit outfit={current} />}
        </div>
      </div>
    );
  }

  return (
    <section className="view view--fill" aria-labelledby={titleId} aria-busy={loading}>
      <ViewHeader title="Suggestions" titleId={titleId} subtitle={tab === 'outfits' && current ? `Outfit ${index + 1} of ${total}` : undefined}>
        <ModelIndicator personId={personId} pollMs={pollMs * 5} judged={judged} />
      </ViewHeader>
      <div className="tabs" role="tablist" aria-label="Suggestions or saved looks">
        <button type="button" role="tab" className="tabs__tab" aria-selected={tab === 'outfits'} onClick={() => setTab('outfits')}>
          <Icon name="sparkles" width={16} height={16} />
          For you
        </button>
        <button type="button" role="tab" className="tabs__tab" aria-selected={tab === 'saved'} onClick={() => setTab('saved')}>
          <Icon name="heart" width={16} height={16} />
          Saved looks
        </button>
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      {tab === 'saved' ? (
        <SavedLooks personId={personId} judged={judged} onChanged={() => setJudged((n) => n + 1)} />
      ) : (
        <>
          {pinned.length > 0 || locked.length > 0 ? (
            <BuiltAround
              items={[...(around.value ?? []), ...locked.filter((l) => !pinned.includes(l.id))]}
              pinned={new Set(pinned)}
              onClear={() => {
                setLocked([]);
                if (pinned.length) navigate({ view: 'suggestions' });
              }}
              onUnlock={toggleLock}
            />
          ) : null}
          {body}
        </>
      )}
    </section>
  );
}

function BuiltAround({ items, pinned, onClear, onUnlock }: { items: Item[]; pinned: Set<number>; onClear: () => void; onUnlock: (item: Item) => void }) {
  return (
    <div className="built-around" data-testid="built-around">
      <span className="built-around__label">Built around</span>
      <ul className="built-around__items">
        {items.map((item) => (
          <li key={item.id} className="built-around__item">
            <span className="built-around__thumb">
              <Thumb sha256={item.sha256} alt="" />
            </span>
            <span>
              {typeLabel(item.type)}
              <span className="visually-hidden">, {item.fileName}</span>
            </span>
            {pinned.has(item.id) ? null : (
              <button type="button" className="icon-button" aria-label={`Unlock ${typeLabel(item.type).toLowerCase()}`} title="Unlock" onClick={() => onUnlock(item)}>
                <Icon name="cross" width={14} height={14} />
              </button>
            )}
          </li>
        ))}
      </ul>
      <button type="button" className="button button--quiet" onClick={onClear}>
        Suggest freely
      </button>
    </div>
  );
}

function OutfitCard({
  outfit,
  position,
  total,
  locked,
  pinned,
  busy,
  onToggleLock,
  onBlame,
  onOpenItem,
}: {
  outfit: OutfitSuggestion;
  position: number;
  total: number;
  locked: Set<number>;
  pinned: Set<number>;
  busy: boolean;
  onToggleLock: (item: Item) => void;
  /** Dislike the outfit because of this garment. */
  onBlame: (item: Item) => void;
  onOpenItem: (itemId: number) => void;
}) {
  return (
    <article
      className="outfit-card"
      data-testid="outfit-card"
      aria-label={`Outfit ${position} of ${total}: ${outfit.items.map((i) => typeLabel(i.type)).join(', ')}`}
      style={{ '--rows': outfit.items.length } as CSSProperties}
    >
      <ol className="outfit-card__stack">
        {outfit.items.map((item, i) => {
          const isLocked = locked.has(item.id) || pinned.has(item.id);
          const asked = outfit.question?.aboutItemId === item.id;
          return (
            <li key={item.id} className={['outfit-card__garment', isLocked ? 'outfit-card__garment--locked' : '', asked ? 'outfit-card__garment--asked' : ''].filter(Boolean).join(' ')} data-asked={asked || undefined}>
              <div className="outfit-card__photo">
                <Thumb sha256={item.sha256} alt={`${typeLabel(item.type)}, ${item.fileName}`} />
              </div>
              {asked && <span className="outfit-card__asked">Not sure yet</span>}
              <div className="outfit-card__caption">
                <button type="button" className="outfit-card__type" onClick={() => onOpenItem(item.id)} aria-label={`${typeLabel(item.type)}: open ${item.fileName}`}>
                  {typeLabel(item.type)}
                </button>
                <ColorSwatches colors={item.colors} max={2} />
              </div>
              <button
                type="button"
                className="outfit-card__lock"
                aria-pressed={isLocked}
                disabled={pinned.has(item.id)}
                aria-keyshortcuts={String(i + 1)}
                aria-label={isLocked ? `Unlock ${typeLabel(item.type).toLowerCase()}` : `Lock ${typeLabel(item.type).toLowerCase()}: keep it in the next outfits`}
                title={pinned.has(item.id) ? 'Built around this' : isLocked ? 'Locked: the next outfits keep it' : 'Lock: keep it in the next outfits'}
                onClick={() => onToggleLock(item)}
              >
                <Icon name={isLocked ? 'lock' : 'unlock'} width={16} height={16} />
                <kbd>{i + 1}</kbd>
              </button>
              <button
                type="button"
                className="outfit-card__blame"
                disabled={busy}
                aria-keyshortcuts={`Shift+${i + 1}`}
                aria-label={`Not this ${typeLabel(item.type).toLowerCase()}: dislike the outfit because of it`}
                title="Dislike the outfit because of this garment"
                onClick={() => onBlame(item)}
              >
                <Icon name="cross" width={14} height={14} />
                Not this
              </button>
            </li>
          );
        })}
      </ol>
    </article>
  );
}

/** After a dislike that named nothing: which garment of that outfit was wrong? (Optional; it teaches the most.) */
function NameLastDislike({ items, onName, onSkip }: { items: Item[]; onName: (item: Item) => void; onSkip: () => void }) {
  return (
    <section className="panel name-dislike" data-testid="name-dislike" aria-label="Which garment was wrong?">
      <h2 className="panel__title">Which garment was wrong?</h2>
      <p className="muted">In the outfit you just disliked. Naming it teaches the stylist most; skip if it was the whole look.</p>
      <div className="name-dislike__choices">
        {items.map((item) => (
          <button key={item.id} type="button" className="name-dislike__choice" onClick={() => onName(item)}>
            <Thumb sha256={item.sha256} alt="" />
            <span>Not the {typeLabel(item.type).toLowerCase()}</span>
          </button>
        ))}
        <button type="button" className="button name-dislike__skip" onClick={onSkip}>
          Skip
        </button>
      </div>
    </section>
  );
}

/** Why an outfit is asked about: the stylist is unsure of one garment, and the answer is about that one. */
function QuestionNote({ outfit }: { outfit: OutfitSuggestion }) {
  const item = outfit.items.find((i) => i.id === outfit.question?.aboutItemId);
  if (!item) return null;
  const garment = typeLabel(item.type).toLowerCase();
  return (
    <section className="panel question-note" data-testid="question-note" aria-label="A question">
      <h2 className="panel__title">
        <Icon name="sparkles" width={16} height={16} /> A question
      </h2>
      <p>
        Would you wear this {garment}? The stylist is not sure about it yet (it is marked on the outfit), and is fairly sure about the rest of the outfit, so your answer teaches it
        most about the {garment}. If you would not, “Not this” on it says so.
      </p>
    </section>
  );
}

/** The per-pair contributions to the score, strongest first. */
function WhyThisOutfit({ outfit }: { outfit: OutfitSuggestion }) {
  const titleId = useId();
  const pairs = [...outfit.pairScores].sort((x, y) => y.score - x.score);
  // Bars relative to the strongest pair of this outfit, so they compare whatever the model's scale.
  const largest = Math.max(1e-9, ...pairs.map((p) => Math.abs(p.score)));
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
                <span className={pair.score < 0 ? 'why__fill why__fill--neg' : 'why__fill'} style={{ '--value': Math.abs(pair.score) / largest } as CSSProperties} />
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

/** The liked looks, newest first; a look can be taken out (undoable). */
export function SavedLooks({ personId, judged, onChanged, compact = false }: { personId: number; judged: number; onChanged?: () => void; compact?: boolean }) {
  const client = useClient();
  const report = useReportError();
  const undoToast = useUndoToast();
  const { navigate } = useNavigation();
  const looks = useLoad<JudgedOutfit[]>(() => client.call('items.outfits', { personId, verdict: 'like', limit: 200 }), [client, personId, judged]);
  if (!looks.value) {
    return looks.loading ? (
      <p className="loading" role="status">
        Loading saved looks…
      </p>
    ) : null;
  }
  if (looks.value.length === 0) {
    return (
      <EmptyState icon="heart" title="No saved looks yet">
        <p>Outfits you like are kept here.</p>
      </EmptyState>
    );
  }
  return (
    <ul className={compact ? 'looks looks--compact' : 'looks'} data-testid="saved-looks">
      {looks.value.map((look) => (
        <li key={look.judgement.id}>
          <OutfitStrip
            outfit={look}
            onOpenItem={(itemId) => navigate({ view: 'item', itemId })}
            actions={
              <button
                type="button"
                className="button button--quiet"
                onClick={async () => {
                  try {
                    await client.call('judgements.undo', { personId, judgementId: look.judgement.id });
                    looks.reload();
                    onChanged?.();
                    undoToast(
                      'Look removed from saved looks.',
                      () => client.call('judgements.record', { personId, itemIds: look.judgement.itemIds, verdict: 'like' }),
                      () => {
                        looks.reload();
                        onChanged?.();
                      },
                    );
                  } catch (error) {
                    report(error);
                  }
                }}
              >
                Remove
              </button>
            }
          />
        </li>
      ))}
    </ul>
  );
}

/** Whether the person's model is learning from the latest verdicts, or which version is in use. */
export function ModelIndicator({ personId, pollMs, judged }: { personId: number; pollMs: number; judged: number }) {
  const client = useClient();
  const [status, setStatus] = useState<PersonalStatus | null>(null);
  useEffect(() => {
    let active = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    // Quickly while a fine-tune runs, then only now and then (it starts after each verdict).
    const poll = async () => {
      try {
        const s = await client.call('personal.status', { personId });
        if (!active) return;
        setStatus(s);
        if (s.state === 'updating') timer = setTimeout(() => void poll(), pollMs);
      } catch {
        // The indicator is a hint: a failed poll leaves it as it was.
      }
    };
    void poll();
    return () => {
      active = false;
      if (timer) clearTimeout(timer);
    };
  }, [client, personId, pollMs, judged]);

  if (!status) return null;
  const updating = status.state === 'updating';
  const label = updating ? 'Learning from your verdicts…' : status.versionId === null ? 'General model' : `Your model, version ${status.versionId}`;
  const detail = status.lastError
    ? `The last update failed: ${status.lastError}`
    : status.versionId === null
      ? 'Suggestions use the general model until your first verdicts are learned.'
      : `Learned from ${plural(status.judgementsUsed, 'verdict')}${status.lastTrainingMs !== null ? ` in ${(status.lastTrainingMs / 1000).toFixed(1)} s` : ''}.`;
  return (
    <span className={updating ? 'model-pill model-pill--busy' : status.lastError ? 'model-pill model-pill--off' : 'model-pill'} role="status" title={detail} data-testid="model-indicator">
      <Icon name={updating ? 'sparkles' : status.lastError ? 'alert' : 'check'} width={14} height={14} />
      {label}
      <span className="visually-hidden">. {detail}</span>
    </span>
  );
}

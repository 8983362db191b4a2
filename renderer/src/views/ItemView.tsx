import { useEffect, useId, useRef, useState } from 'react';
import type { ArchiveReason, GarmentType, Item, JudgedOutfit } from '../../../shared/api.ts';
import { useClient } from '../api/context.tsx';
import { ColorSwatches } from '../components/ColorSwatches.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { Icon } from '../components/Icon.tsx';
import { OutfitStrip } from '../components/OutfitStrip.tsx';
import { Thumb } from '../components/Thumb.tsx';
import { TypeSelect } from '../components/TypeSelect.tsx';
import { SelectField } from '../components/SelectField.tsx';
import { ViewHeader } from '../components/ViewHeader.tsx';
import { isUnsure } from '../components/ItemCard.tsx';
import { ARCHIVE_REASON_LABELS, ARCHIVE_REASON_OPTIONS, formatDate, typeLabel } from '../lib/format.ts';
import { useLoad } from '../lib/useLoad.ts';
import { useReportError } from '../state/errors.tsx';
import { useNavigation } from '../state/navigation.tsx';
import { useToast, useUndoToast } from '../state/toasts.tsx';
import { isTypingTarget } from '../lib/keyboard.ts';

/** Similar items shown on an item's page. */
const SIMILAR_ON_PAGE = 8;

/**
 * One garment: its photo, its type (with how sure the stylist is, and a control to correct it), colours,
 * tags, the outfits it was judged in, similar garments, and archiving it with a reason.
 */
export function ItemView({ personId, itemId, onChanged }: { personId: number; itemId: number; onChanged: () => void }) {
  const client = useClient();
  const report = useReportError();
  const toast = useToast();
  const undoToast = useUndoToast();
  const { navigate, back } = useNavigation();
  const titleId = useId();
  const item = useLoad<Item>(() => client.call('items.get', { personId, itemId }), [client, personId, itemId]);
  const outfits = useLoad<JudgedOutfit[]>(() => client.call('items.outfits', { personId, itemId, limit: 50 }), [client, personId, itemId]);
  const similar = useLoad<Item[]>(() => client.call('items.similar', { itemId, k: SIMILAR_ON_PAGE, personId }), [client, itemId, personId]);
  const [reason, setReason] = useState<ArchiveReason>('sold');
  const [busy, setBusy] = useState(false);
  const headingRef = useRef<HTMLHeadingElement>(null);

  // Escape goes back where the person came from.
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.key === 'Escape' && !event.defaultPrevented && !isTypingTarget(event.target)) back();
    }
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [back]);

  const loadedId = item.value?.id;
  useEffect(() => {
    if (loadedId !== undefined) headingRef.current?.focus();
  }, [loadedId]);

  async function act(action: () => Promise<unknown>, message?: string, undo?: () => Promise<unknown>) {
    setBusy(true);
    try {
      const updated = await action();
      // items.setType answers with the item; archiving does not, so the item is read again.
      if (updated && typeof updated === 'object' && 'sha256' in updated) item.set(updated as Item);
      else item.reload();
      onChanged();
      if (message && undo) {
        undoToast(message, undo, () => {
          item.reload();
          onChanged();
        });
      } else if (message) toast({ message });
    } catch (error) {
      report(error);
    } finally {
      setBusy(false);
    }
  }

  const it = item.value;
  if (item.failed && !it) {
    return (
      <section className="view" aria-labelledby={titleId}>
        <ViewHeader title="Garment not found" titleId={titleId} />
        <EmptyState
          icon="hanger"
          title="This garment is not in this wardrobe"
          actions={
            <button type="button" className="button" onClick={() => navigate({ view: 'wardrobe' })}>
              Back to the wardrobe
            </button>
          }
        />
      </section>
    );
  }
  if (!it) {
    return (
      <p className="loading" role="status">
        Loading the garment…
      </p>
    );
  }

  const changeType = (type: GarmentType) => {
    const before = it.type;
    if (type === before) return;
    void act(() => client.call('items.setType', { itemId: it.id, type }), `Type set to ${typeLabel(type).toLowerCase()}.`, () => client.call('items.setType', { itemId: it.id, type: before }));
  };
  const confidence =
    it.typeSource === 'user' ? 'Set by you' : it.type === 'unknown' ? 'Not recognised — please choose' : `Predicted, ${Math.round(it.typeConfidence * 100)}% sure`;
  const similarItems = (similar.value ?? []).filter((s) => s.id !== it.id).slice(0, SIMILAR_ON_PAGE);

  return (
    <section className="view item-view" aria-labelledby={titleId} data-testid="item-view">
      <div className="item-view__back">
        <button type="button" className="button button--quiet" onClick={back} aria-keyshortcuts="Escape">
          <Icon name="arrowLeft" />
          Back
        </button>
      </div>
      <div className="item-view__layout">
        <div className="item-view__photo">
          <Thumb sha256={it.sha256} kind="original" alt={`${typeLabel(it.type)}, ${it.fileName}`} />
        </div>
        <div className="item-view__details">
          <header className="item-view__head">
            <h1 className="view-header__title" id={titleId} ref={headingRef} tabIndex={-1}>
              {typeLabel(it.type)}
            </h1>
            <p className="view-header__subtitle">
              {it.fileName} · {it.width}×{it.height} · added {formatDate(it.createdAt)}
            </p>
          </header>

          <div className="panel item-view__panel">
            <div className="field">
              <TypeSelect value={it.type} label="Type" showLabel onChange={changeType} disabled={busy} />
              <p className={isUnsure(it) ? 'confidence confidence--unsure' : 'confidence'} data-testid="type-confidence">
                {confidence}
              </p>
            </div>
            <div className="field">
              <span className="field__label">Colours</span>
              {it.colors.length ? <ColorSwatches colors={it.colors} max={6} /> : <p className="muted">None found</p>}
            </div>
            <div className="field">
              <span className="field__label">Tags</span>
              {it.tags.length ? (
                <ul className="tags" aria-label="Tags">
                  {it.tags.map((t) => (
                    <li key={t.label} className="tag" title={`${Math.round(t.p * 100)}% likely`}>
                      {t.label}
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="muted">None</p>
              )}
            </div>
          </div>

          <div className="item-view__actions">
            <button type="button" className="button button--primary" onClick={() => navigate({ view: 'suggestions', pinned: [it.id] })} disabled={Boolean(it.archiveReason)}>
              <Icon name="sparkles" />
              Build outfits around this
            </button>
            <button type="button" className="button" onClick={() => navigate({ view: 'wardrobe', similarTo: it.id })}>
              <Icon name="similar" />
              More like this
            </button>
          </div>

          <div className="panel item-view__panel">
            <h2 className="panel__title">{it.archiveReason ? `Archived: ${ARCHIVE_REASON_LABELS[it.archiveReason].toLowerCase()}` : 'Leaving the wardrobe?'}</h2>
            {it.archiveReason ? (
              <div className="row">
                <p className="muted">Archived garments are kept, but not used in outfits.</p>
                <button
                  type="button"
                  className="button"
                  disabled={busy}
                  onClick={() => {
                    const was = it.archiveReason!;
                    void act(() => client.call('items.archive', { personId, itemIds: [it.id], reason: null }), 'Back in the wardrobe.', () =>
                      client.call('items.archive', { personId, itemIds: [it.id], reason: was }),
                    );
                  }}
                >
                  <Icon name="undo" />
                  Bring back
                </button>
              </div>
            ) : (
              <div className="row">
                <SelectField label="Reason" value={reason} options={ARCHIVE_REASON_OPTIONS} onChange={(v) => setReason(v as ArchiveReason)} />
                <button
                  type="button"
                  className="button"
                  disabled={busy}
                  onClick={() =>
                    void act(() => client.call('items.archive', { personId, itemIds: [it.id], reason }), `Archived (${reason}).`, () =>
                      client.call('items.archive', { personId, itemIds: [it.id], reason: null }),
                    )
                  }
                >
                  <Icon name="archive" />
                  Archive
                </button>
                <button
                  type="button"
                  className="button button--danger"
                  disabled={busy}
                  onClick={async () => {
                    try {
                      await client.call('items.remove', { personId, itemIds: [it.id] });
                      onChanged();
                      navigate({ view: 'wardrobe' });
                      undoToast(`${it.fileName} removed.`, async () => {
                        await client.call('items.restore', { personId, itemIds: [it.id] });
                        onChanged();
                      });
                    } catch (error) {
                      report(error);
                    }
                  }}
                >
                  <Icon name="trash" />
                  Remove
                </button>
              </div>
            )}
          </div>
        </div>
      </div>

      <section className="item-view__section" aria-labelledby={`${titleId}-outfits`}>
        <h2 className="section-title" id={`${titleId}-outfits`}>
          Outfits with this garment
        </h2>
        {outfits.value && outfits.value.length > 0 ? (
          <ul className="looks">
            {outfits.value.map((o) => (
              <li key={o.judgement.id}>
                <OutfitStrip outfit={o} highlight={it.id} onOpenItem={(id) => navigate({ view: 'item', itemId: id })} />
              </li>
            ))}
          </ul>
        ) : outfits.value ? (
          <p className="muted">Not in a liked or disliked outfit yet. Build outfits around it to see how it pairs.</p>
        ) : null}
      </section>

      <section className="item-view__section" aria-labelledby={`${titleId}-similar`}>
        <h2 className="section-title" id={`${titleId}-similar`}>
          Similar garments
        </h2>
        {similarItems.length > 0 ? (
          <ul className="similar-strip">
            {similarItems.map((s) => (
              <li key={s.id}>
                <button type="button" className="similar-strip__item" aria-label={`Open ${s.fileName}`} onClick={() => navigate({ view: 'item', itemId: s.id })}>
                  <Thumb sha256={s.sha256} alt={`${typeLabel(s.type)}, ${s.fileName}`} />
                </button>
              </li>
            ))}
          </ul>
        ) : similar.value ? (
          <p className="muted">No similar garments in this wardrobe.</p>
        ) : null}
      </section>
    </section>
  );
}

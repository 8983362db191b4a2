import type { ReactNode } from 'react';
import type { JudgedOutfit } from '../../../shared/api.ts';
import { formatDate, typeLabel, verdictText } from '../lib/format.ts';
import { Icon } from './Icon.tsx';
import { Thumb } from './Thumb.tsx';

/** A judged outfit as a small card: its garments top to bottom, the verdict (and the garment a dislike named), when, and actions. */
export function OutfitStrip({
  outfit,
  highlight,
  onOpenItem,
  actions,
}: {
  outfit: JudgedOutfit;
  /** An item to mark (the one whose page this is). */
  highlight?: number;
  onOpenItem?: (itemId: number) => void;
  actions?: ReactNode;
}) {
  const { judgement, items } = outfit;
  const liked = judgement.verdict === 'like';
  const blamed = items.find((i) => i.id === judgement.blamedItemId);
  const verdict = verdictText(judgement.verdict, blamed);
  return (
    <article className="look" data-testid="look" aria-label={`${verdict} outfit: ${items.map((i) => typeLabel(i.type)).join(', ')}`}>
      <ol className="look__items">
        {items.map((item) => (
          <li
            key={item.id}
            className={['look__item', item.id === highlight ? 'look__item--here' : '', item === blamed ? 'look__item--blamed' : ''].filter(Boolean).join(' ')}
            data-blamed={item === blamed || undefined}
          >
            {onOpenItem && item.id !== highlight ? (
              <button type="button" className="look__open" aria-label={`Open ${item.fileName}`} onClick={() => onOpenItem(item.id)}>
                <Thumb sha256={item.sha256} alt={`${typeLabel(item.type)}, ${item.fileName}`} />
              </button>
            ) : (
              <Thumb sha256={item.sha256} alt={`${typeLabel(item.type)}, ${item.fileName}`} />
            )}
          </li>
        ))}
      </ol>
      <div className="look__meta">
        <span className={liked ? 'look__verdict look__verdict--like' : 'look__verdict'}>
          <Icon name={liked ? 'heart' : 'cross'} width={14} height={14} />
          {verdict}
        </span>
        <time className="look__when" dateTime={judgement.createdAt}>
          {formatDate(judgement.createdAt)}
        </time>
      </div>
      {actions ? <div className="look__actions">{actions}</div> : null}
    </article>
  );
}

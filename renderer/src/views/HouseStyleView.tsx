import { useEffect, useId, useState, type FormEvent } from 'react';
import type { HouseStyleProgress, OutfitModelInfo } from '../../../shared/api.ts';
import { useClient } from '../api/context.tsx';
import { Icon } from '../components/Icon.tsx';
import { ProgressBar } from '../components/ProgressBar.tsx';
import { ViewHeader } from '../components/ViewHeader.tsx';
import { formatDate, formatPercent } from '../lib/format.ts';
import { useLoad } from '../lib/useLoad.ts';
import { useReportError } from '../state/errors.tsx';
import { useJob } from '../state/jobs.ts';
import { FormError } from '../components/FormError.tsx';

const PHASES: Record<HouseStyleProgress['phase'], string> = {
  reading: 'Reading the lookbook',
  embedding: 'Looking at every garment',
  features: 'Preparing outfits',
  training: 'Learning the house style',
  saving: 'Saving the model',
  done: 'Done',
};

/** What `done of total` counts in each phase. */
const UNITS: Partial<Record<HouseStyleProgress['phase'], string>> = { embedding: 'photos', training: 'training rounds' };

/**
 * "Teach the house style": a boutique's lookbook (a folder with items.csv, outfits.csv and the photos) is
 * read and the general outfit model is trained on it, with progress; the library then uses it for everyone.
 */
export function HouseStyleView({ pollMs }: { pollMs: number }) {
  const client = useClient();
  const report = useReportError();
  const titleId = useId();
  const folderId = useId();
  const hintId = useId();
  const [folder, setFolder] = useState('');
  const info = useLoad<OutfitModelInfo>(() => client.call('style.info', {}), [client]);
  const job = useJob('style', (jobId) => client.call('style.status', { jobId }), pollMs);
  const running = job.progress?.state === 'running';

  const state = job.progress?.state;
  const reloadInfo = info.reload;
  useEffect(() => {
    if (state === 'done') reloadInfo();
  }, [state, reloadInfo]);

  async function start(event: FormEvent) {
    event.preventDefault();
    try {
      const { jobId } = await client.call('style.teach', { lookbookDir: folder.trim() });
      job.start(jobId);
    } catch (error) {
      report(error);
    }
  }

  const p = job.progress;
  return (
    <section className="view" aria-labelledby={titleId}>
      <ViewHeader title="House style" titleId={titleId} subtitle="Teach the stylist how your shop puts outfits together, from a lookbook of outfits you built." />

      <div className="panel house-style__model" data-testid="style-info">
        <h2 className="panel__title">Outfit model in use</h2>
        {info.value?.houseStyleOutdated ? (
          <p className="house-style__outdated" role="status">
            Your house style was taught with an earlier image model, which this version of the app replaced: the
            model shipped with the app serves until you teach it again from your lookbook.
          </p>
        ) : null}
        {info.value ? (
          <dl className="facts">
            <div>
              <dt>Source</dt>
              <dd>{info.value.source === 'house-style' ? 'Your house style' : 'Shipped with the app'}</dd>
            </div>
            <div>
              <dt>Trained on</dt>
              <dd>{info.value.trainedOn}</dd>
            </div>
            <div>
              <dt>Made</dt>
              <dd>{formatDate(info.value.createdAt)}</dd>
            </div>
            <div>
              <dt>Model</dt>
              <dd className="mono">{info.value.id}</dd>
            </div>
          </dl>
        ) : info.failed ? (
          <p className="muted">Could not read the outfit model.</p>
        ) : (
          <p className="muted">Loading…</p>
        )}
      </div>

      <form className="panel house-style__form" onSubmit={(e) => void start(e)} aria-label="Teach the house style">
        <h2 className="panel__title">Teach from a lookbook</h2>
        <p className="muted" id={hintId}>
          A lookbook is a folder with <code>items.csv</code> (each garment and its photo), <code>outfits.csv</code> (which garments form each outfit) and the
          photos. Training runs on this computer and takes a few minutes for a few thousand outfits.
        </p>
        <div className="field">
          <label htmlFor={folderId} className="field__label">
            Lookbook folder
          </label>
          <div className="row">
            <input
              id={folderId}
              className="input input--wide"
              value={folder}
              placeholder="/Users/shop/lookbook-2025"
              aria-describedby={hintId}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => setFolder(e.target.value)}
            />
            <button type="submit" className="button button--primary" disabled={!folder.trim() || running}>
              <Icon name="palette" />
              Teach the house style
            </button>
          </div>
        </div>
      </form>

      {p ? (
        <div className="panel house-style__progress" data-testid="style-progress">
          <div className="import-panel__head">
            <h2 className="panel__title">
              {p.state === 'running' ? PHASES[p.phase] : p.state === 'done' ? 'House style learned' : p.state === 'cancelled' ? 'Teaching cancelled' : 'Teaching failed'}
            </h2>
            {running ? (
              <button type="button" className="button" onClick={() => void client.call('style.cancel', { jobId: p.jobId }).then(job.update, report)}>
                <Icon name="cross" />
                Cancel
              </button>
            ) : (
              <button type="button" className="button button--quiet" onClick={job.clear}>
                Clear
              </button>
            )}
          </div>
          <ProgressBar value={Math.round(p.fraction * 1000)} max={1000} label="House style progress" valueText={`${formatPercent(p.fraction)}, ${PHASES[p.phase]}`}>
            <div className="progress__labels">
              <span className="progress__count">{formatPercent(p.fraction)}</span>
              <span className="progress__detail">
                {p.total > 0 && p.state === 'running' && UNITS[p.phase] ? `${p.done} of ${p.total} ${UNITS[p.phase]}` : PHASES[p.phase]}
              </span>
            </div>
          </ProgressBar>
          {p.validation ? (
            <dl className="stats">
              <div className="stats__item">
                <dt>Swap test (AUC)</dt>
                <dd>{p.validation.aucSwap.toFixed(2)}</dd>
              </div>
              <div className="stats__item">
                <dt>Random test (AUC)</dt>
                <dd>{p.validation.aucRandom.toFixed(2)}</dd>
              </div>
              <div className="stats__item">
                <dt>Fill in the blank</dt>
                <dd>{formatPercent(p.validation.fitb)}</dd>
              </div>
            </dl>
          ) : null}
          <FormError message={p.error} />
        </div>
      ) : null}
    </section>
  );
}

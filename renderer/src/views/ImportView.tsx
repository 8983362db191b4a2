import { useId, useRef, useState, type DragEvent } from 'react';
import { EmptyState } from '../components/EmptyState.tsx';
import { Icon } from '../components/Icon.tsx';
import { ProgressBar } from '../components/ProgressBar.tsx';
import { ViewHeader } from '../components/ViewHeader.tsx';
import { formatEta, formatRate, plural } from '../lib/format.ts';
import type { ImportSnapshot } from '../lib/importManager.ts';
import { filesFromDrop } from '../lib/files.ts';
import { useImportManager, useImportSnapshot } from '../state/import.tsx';
import { useNavigation } from '../state/navigation.tsx';

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

/** Drop zone (photos or whole folders) and pickers; the running import's progress, failures and a cancel button. */
export function ImportView({ personId, personName }: { personId: number; personName: string }) {
  const manager = useImportManager();
  const progress = useImportSnapshot();
  const { navigate } = useNavigation();
  const onGoToWardrobe = () => navigate({ view: 'wardrobe' });
  const inputRef = useRef<HTMLInputElement>(null);
  const folderRef = useRef<HTMLInputElement>(null);
  const titleId = useId();
  const hintId = useId();
  const [dragging, setDragging] = useState(false);
  // dragenter/dragleave fire for every child crossed; count them so the highlight does not flicker.
  const dragDepth = useRef(0);

  function addFiles(list: FileList | File[] | null) {
    const files = list ? Array.from(list) : [];
    if (files.length > 0) manager.add(personId, files);
  }

  function onDragEnter(event: DragEvent) {
    if (!hasFiles(event)) return;
    event.preventDefault();
    dragDepth.current += 1;
    setDragging(true);
  }
  function onDragOver(event: DragEvent) {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }
  function onDragLeave() {
    dragDepth.current = Math.max(0, dragDepth.current - 1);
    if (dragDepth.current === 0) setDragging(false);
  }
  function onDrop(event: DragEvent) {
    event.preventDefault();
    dragDepth.current = 0;
    setDragging(false);
    // Folders are walked for the files inside them; plain files pass through.
    void filesFromDrop(event.dataTransfer).then(addFiles);
  }

  const active = progress.state === 'running' || progress.state === 'cancelling';

  return (
    <section className="view" aria-labelledby={titleId}>
      <ViewHeader title="Import" titleId={titleId} subtitle={`Photos are added to the wardrobe of ${personName}.`} />

      <div
        className={`dropzone${dragging ? ' dropzone--active' : ''}`}
        data-testid="import-dropzone"
        role="group"
        aria-labelledby={`${hintId}-title`}
        aria-describedby={hintId}
        onDragEnter={onDragEnter}
        onDragOver={onDragOver}
        onDragLeave={onDragLeave}
        onDrop={onDrop}
      >
        <div className="dropzone__icon">
          <Icon name="upload" width={30} height={30} />
        </div>
        <p className="dropzone__title" id={`${hintId}-title`}>
          {dragging ? 'Drop to import' : 'Drop photos or folders of your clothes here'}
        </p>
        <p className="dropzone__hint" id={hintId}>
          One garment per photo works best. JPEG, PNG, WebP or HEIC{active ? '; more photos join the running import' : ''}.
        </p>
        <div className="dropzone__actions">
          <button type="button" className="button button--primary" onClick={() => inputRef.current?.click()}>
            Choose photos…
          </button>
          <button type="button" className="button" onClick={() => folderRef.current?.click()}>
            <Icon name="folder" />
            Choose a folder…
          </button>
        </div>
        <input
          ref={folderRef}
          type="file"
          multiple
          className="visually-hidden"
          tabIndex={-1}
          aria-label="Choose a folder of photos to import"
          data-testid="import-folder-input"
          {...{ webkitdirectory: '' }}
          onChange={(event) => {
            addFiles(event.target.files);
            event.target.value = '';
          }}
        />
        <input
          ref={inputRef}
          type="file"
          multiple
          accept="image/*"
          className="visually-hidden"
          tabIndex={-1}
          aria-label="Choose photos to import"
          data-testid="import-file-input"
          onChange={(event) => {
            addFiles(event.target.files);
            // Allow picking the same files again later.
            event.target.value = '';
          }}
        />
      </div>

      {progress.state === 'idle' ? (
        <EmptyState icon="image" title="Nothing imported yet in this session">
          <p>Progress shows up here. You can switch views while an import runs.</p>
        </EmptyState>
      ) : (
        <ImportProgressPanel
          progress={progress}
          onCancel={() => manager.cancel()}
          onClear={() => manager.clear()}
          onGoToWardrobe={onGoToWardrobe}
        />
      )}
    </section>
  );
}

function ImportProgressPanel({
  progress,
  onCancel,
  onClear,
  onGoToWardrobe,
}: {
  progress: ImportSnapshot;
  onCancel: () => void;
  onClear: () => void;
  onGoToWardrobe: () => void;
}) {
  const failuresId = useId();
  const active = progress.state === 'running' || progress.state === 'cancelling';
  const summary = `${progress.done} of ${plural(progress.total, 'photo')}`;
  const detail =
    progress.state === 'running'
      ? `${formatRate(progress.rate)} · ${formatEta(progress.etaSeconds)}`
      : progress.state === 'cancelling'
        ? 'Cancelling…'
        : progress.state === 'cancelled'
          ? 'Cancelled'
          : 'Finished';
  const headline =
    progress.state === 'done'
      ? 'Import finished'
      : progress.state === 'cancelled'
        ? 'Import cancelled'
        : progress.state === 'cancelling'
          ? 'Cancelling import'
          : 'Importing';

  return (
    <div className="panel import-panel">
      <div className="import-panel__head">
        <h2 className="panel__title">{headline}</h2>
        <div className="import-panel__actions">
          {active ? (
            <button type="button" className="button" onClick={onCancel} disabled={progress.state === 'cancelling'}>
              <Icon name="cross" />
              Cancel import
            </button>
          ) : (
            <>
              <button type="button" className="button button--quiet" onClick={onClear}>
                Clear
              </button>
              <button type="button" className="button button--primary" onClick={onGoToWardrobe}>
                View wardrobe
                <Icon name="arrowRight" />
              </button>
            </>
          )}
        </div>
      </div>

      <ProgressBar
        value={progress.done}
        max={progress.total}
        label="Import progress"
        valueText={`${summary}, ${detail}`}
        testId="import-progress"
      >
        <div className="progress__labels">
          <span className="progress__count">{summary}</span>
          <span className="progress__detail">{detail}</span>
        </div>
      </ProgressBar>

      <dl className="stats">
        <div className="stats__item">
          <dt>Imported</dt>
          <dd>{progress.imported}</dd>
        </div>
        <div className="stats__item">
          <dt>Already in the wardrobe</dt>
          <dd>{progress.duplicates}</dd>
        </div>
        <div className="stats__item">
          <dt>Failed</dt>
          <dd className={progress.failed.length > 0 ? 'stats__bad' : undefined}>{progress.failed.length}</dd>
        </div>
        {active && progress.waiting > 0 ? (
          <div className="stats__item">
            <dt>Waiting to send</dt>
            <dd>{progress.waiting}</dd>
          </div>
        ) : null}
      </dl>

      {progress.failed.length > 0 ? (
        <section className="failures" aria-labelledby={failuresId}>
          <h3 className="failures__title" id={failuresId}>
            {plural(progress.failed.length, 'file')} could not be imported
          </h3>
          <ul className="failures__list" data-testid="import-failures" tabIndex={0} aria-labelledby={failuresId}>
            {progress.failed.map((failure, index) => (
              <li key={`${failure.file}-${index}`} className="failures__item">
                <span className="failures__file">{failure.file}</span>
                <span className="failures__error">{failure.error}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}

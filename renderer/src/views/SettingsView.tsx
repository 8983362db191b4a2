import { useId, useRef, useState, type FormEvent } from 'react';
import type { AppInfo, ExportedFile, LibraryJobProgress, OutfitModelInfo, Person } from '../../../shared/api.ts';
import { useClient } from '../api/context.tsx';
import { Icon } from '../components/Icon.tsx';
import { ProgressBar } from '../components/ProgressBar.tsx';
import { ViewHeader } from '../components/ViewHeader.tsx';
import { MAX_FILE_BYTES, readFileBase64 } from '../lib/files.ts';
import { formatBytes, formatDate, formatEta, formatPercent, plural } from '../lib/format.ts';
import { useLoad } from '../lib/useLoad.ts';
import { useReportError } from '../state/errors.tsx';
import { useJob } from '../state/jobs.ts';
import { useNavigation } from '../state/navigation.tsx';
import { useTheme, type ThemePreference } from '../state/theme.ts';
import { FormError } from '../components/FormError.tsx';

const PHASES: Record<LibraryJobProgress['phase'], string> = {
  snapshot: 'Copying the database',
  writing: 'Writing the zip',
  reading: 'Checking the zip',
  backup: 'Backing up this library first',
  copying: 'Copying photos',
  merging: 'Adding people, garments and looks',
  done: 'Done',
};

/** The library (where, on what), the look of the window, and the library's export, backup and import. */
export function SettingsView({ info, person, pollMs, onLibraryChanged }: { info: AppInfo | null; person: Person; pollMs: number; onLibraryChanged: () => void }) {
  const client = useClient();
  const titleId = useId();
  const { navigate } = useNavigation();
  const style = useLoad<OutfitModelInfo>(() => client.call('style.info', {}), [client], { report: false });
  return (
    <section className="view settings" aria-labelledby={titleId}>
      <ViewHeader title="Settings" titleId={titleId} subtitle="The library on this computer, its models, and how to move or back it up." />

      <div className="settings__grid">
        <section className="panel" aria-labelledby={`${titleId}-library`}>
          <h2 className="panel__title" id={`${titleId}-library`}>
            Library
          </h2>
          <dl className="facts">
            <div>
              <dt>Folder</dt>
              <dd className="mono path" data-testid="library-path">
                {info?.libraryPath ?? '…'}
              </dd>
            </div>
            <div>
              <dt>Image model runs on</dt>
              <dd>{info ? (info.provider ? info.provider.toUpperCase() : 'Not loaded yet (loads with the first import)') : '…'}</dd>
            </div>
            <div>
              <dt>Outfit model</dt>
              <dd>
                {style.value ? (
                  <>
                    {style.value.source === 'house-style' ? 'House style' : 'Shipped'} · {style.value.trainedOn} · {formatDate(style.value.createdAt)}{' '}
                    <button type="button" className="link" onClick={() => navigate({ view: 'style' })}>
                      Change
                    </button>
                  </>
                ) : style.failed ? (
                  'Not available'
                ) : (
                  '…'
                )}
              </dd>
            </div>
            <div>
              <dt>Personal models</dt>
              <dd>
                <button type="button" className="link" onClick={() => navigate({ view: 'people', personId: person.id })}>
                  Versions of {person.name}’s model
                </button>
              </dd>
            </div>
            <div>
              <dt>App</dt>
              <dd>{info ? `Version ${info.version} · ${info.shell === 'electron' ? 'desktop app' : 'in the browser'}` : '…'}</dd>
            </div>
          </dl>
          <p className="muted">To use another library folder, start the app with STYLIST_LIBRARY set to it.</p>
        </section>

        <Appearance />
      </div>

      <LibraryTransfer person={person} pollMs={pollMs} onLibraryChanged={onLibraryChanged} />
    </section>
  );
}

function Appearance() {
  const [theme, setTheme] = useTheme();
  const name = useId();
  const titleId = useId();
  const options: { value: ThemePreference; label: string }[] = [
    { value: 'system', label: 'As the system' },
    { value: 'light', label: 'Light' },
    { value: 'dark', label: 'Dark' },
  ];
  return (
    <section className="panel" aria-labelledby={titleId}>
      <h2 className="panel__title" id={titleId}>
        Appearance
      </h2>
      <fieldset className="plain-fieldset">
        <legend className="field__label">Theme</legend>
        <div className="segmented">
          {options.map((o) => (
            <label key={o.value}>
              <input type="radio" name={name} checked={theme === o.value} onChange={() => setTheme(o.value)} />
              <span>{o.label}</span>
            </label>
          ))}
        </div>
      </fieldset>
    </section>
  );
}

function LibraryTransfer({ person, pollMs, onLibraryChanged }: { person: Person; pollMs: number; onLibraryChanged: () => void }) {
  const client = useClient();
  const report = useReportError();
  const titleId = useId();
  const pathId = useId();
  const fileRef = useRef<HTMLInputElement>(null);
  const [zipPath, setZipPath] = useState('');
  const [csv, setCsv] = useState<(ExportedFile & { rows: number }) | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const job = useJob<LibraryJobProgress>(
    'library',
    async (jobId) => {
      const p = await client.call('library.status', { jobId });
      if (p.kind === 'import' && p.state === 'done') onLibraryChanged();
      return p;
    },
    pollMs,
  );
  const running = job.progress?.state === 'running';

  async function start(run: () => Promise<{ jobId: string }>) {
    setProblem(null);
    try {
      job.start((await run()).jobId);
    } catch (error) {
      report(error);
    }
  }

  async function importFile(file: File) {
    if (file.size > MAX_FILE_BYTES) {
      setProblem(`${file.name} is ${formatBytes(file.size)}: the window can send up to ${formatBytes(MAX_FILE_BYTES)}. Give the zip’s path on this computer below instead.`);
      return;
    }
    await start(async () => client.call('library.import', { file: { name: file.name, dataBase64: await readFileBase64(file) } }));
  }

  return (
    <section className="panel transfer" aria-labelledby={titleId}>
      <h2 className="panel__title" id={titleId}>
        Export, back up, import
      </h2>
      <div className="transfer__grid">
        <div className="transfer__block">
          <h3 className="transfer__title">Export the library</h3>
          <p className="muted">One zip with every person, garment photo, like and dislike: to move to another computer or hand over to a colleague.</p>
          <div className="row">
            <button type="button" className="button button--primary" disabled={running} onClick={() => void start(() => client.call('library.export', {}))}>
              <Icon name="download" />
              Export library
            </button>
            <button type="button" className="button" disabled={running} onClick={() => void start(() => client.call('library.backup', {}))}>
              <Icon name="archive" />
              Back up now
            </button>
          </div>
        </div>

        <div className="transfer__block">
          <h3 className="transfer__title">Garments as a spreadsheet</h3>
          <p className="muted">A CSV of the garments (type, colours, tags, who has them), for Excel or Numbers.</p>
          <div className="row">
            <button
              type="button"
              className="button"
              onClick={() => void client.call('items.exportCsv', { personId: person.id }).then(setCsv, report)}
            >
              {person.name}’s wardrobe
            </button>
            <button type="button" className="button" onClick={() => void client.call('items.exportCsv', {}).then(setCsv, report)}>
              Whole library
            </button>
          </div>
          {csv ? <FileResult file={csv} what={`${plural(csv.rows, 'garment')} in ${csv.fileName}`} /> : null}
        </div>

        <div className="transfer__block">
          <h3 className="transfer__title">Import a library</h3>
          <p className="muted">
            Adds a library zip to this one: people with the same name are merged, photos already here are not added twice, and nothing here is replaced. This
            library’s database is backed up first.
          </p>
          <div className="row">
            <button type="button" className="button" disabled={running} onClick={() => fileRef.current?.click()}>
              <Icon name="upload" />
              Choose a library zip…
            </button>
            <input
              ref={fileRef}
              type="file"
              accept=".zip,application/zip"
              className="visually-hidden"
              tabIndex={-1}
              aria-label="Choose a library zip to import"
              data-testid="library-import-input"
              onChange={(event) => {
                const file = event.target.files?.[0];
                event.target.value = '';
                if (file) void importFile(file);
              }}
            />
          </div>
          <form
            className="field"
            onSubmit={(event: FormEvent) => {
              event.preventDefault();
              if (zipPath.trim()) void start(() => client.call('library.import', { path: zipPath.trim() }));
            }}
          >
            <label htmlFor={pathId} className="field__label">
              Or the zip’s path on this computer
            </label>
            <div className="row">
              <input id={pathId} className="input input--wide" value={zipPath} spellCheck={false} autoComplete="off" onChange={(e) => setZipPath(e.target.value)} placeholder="/Users/me/stylist-library.zip" />
              <button type="submit" className="button" disabled={running || !zipPath.trim()}>
                Import
              </button>
            </div>
          </form>
          <FormError message={problem} />
        </div>
      </div>

      {job.progress ? <LibraryJobPanel progress={job.progress} onCancel={() => void client.call('library.cancel', { jobId: job.progress!.jobId }).then(job.update, report)} onClear={job.clear} /> : null}
    </section>
  );
}

function LibraryJobPanel({ progress: p, onCancel, onClear }: { progress: LibraryJobProgress; onCancel: () => void; onClear: () => void }) {
  const what = p.kind === 'import' ? 'Import' : p.kind === 'backup' ? 'Backup' : 'Export';
  const headline = p.state === 'running' ? PHASES[p.phase] : p.state === 'done' ? `${what} finished` : p.state === 'cancelled' ? `${what} cancelled` : `${what} failed`;
  const fraction = p.total > 0 ? p.done / p.total : 0;
  return (
    <div className="library-job" data-testid="library-job" data-state={p.state}>
      <div className="import-panel__head">
        <h3 className="transfer__title">{headline}</h3>
        {p.state === 'running' ? (
          <button type="button" className="button" onClick={onCancel}>
            <Icon name="cross" />
            Cancel
          </button>
        ) : (
          <button type="button" className="button button--quiet" onClick={onClear}>
            Clear
          </button>
        )}
      </div>
      {p.state === 'running' ? (
        <ProgressBar value={Math.round(fraction * 1000)} max={1000} label={`${what} progress`} valueText={`${formatPercent(fraction)}, ${PHASES[p.phase]}`}>
          <div className="progress__labels">
            <span className="progress__count">
              {formatPercent(fraction)} · {formatBytes(p.done)} of {formatBytes(p.total)}
            </span>
            <span className="progress__detail">
              {p.rate > 0 ? `${formatBytes(p.rate)}/s · ` : ''}
              {formatEta(p.etaSeconds)}
            </span>
          </div>
        </ProgressBar>
      ) : null}
      {p.file ? <FileResult file={p.file} what={`${p.file.fileName} (${formatBytes(p.file.bytes)})`} /> : null}
      {p.summary ? (
        <div className="import-summary" data-testid="library-import-summary">
          <dl className="stats">
            <div className="stats__item">
              <dt>People added</dt>
              <dd>{p.summary.peopleAdded}</dd>
            </div>
            <div className="stats__item">
              <dt>People merged</dt>
              <dd>{p.summary.peopleMerged}</dd>
            </div>
            <div className="stats__item">
              <dt>Garments added</dt>
              <dd>{p.summary.itemsAdded}</dd>
            </div>
            <div className="stats__item">
              <dt>Already here</dt>
              <dd>{p.summary.itemsKnown}</dd>
            </div>
            <div className="stats__item">
              <dt>Looks added</dt>
              <dd>{p.summary.judgementsAdded}</dd>
            </div>
          </dl>
          {p.summary.skipped.length > 0 ? (
            <ul className="failures__list" aria-label="Left out">
              {p.summary.skipped.map((s, i) => (
                <li key={i} className="failures__item">
                  <span className="failures__file">{s.file}</span>
                  <span className="failures__error">{s.error}</span>
                </li>
              ))}
            </ul>
          ) : null}
          <p className="muted">
            This library was backed up first to <span className="mono path">{p.summary.backupPath}</span>
          </p>
        </div>
      ) : null}
      <FormError message={p.error} />
    </div>
  );
}

/** Where a written file is, and a download link where the window can offer one. */
function FileResult({ file, what }: { file: ExportedFile; what: string }) {
  const client = useClient();
  const url = file.downloadable ? client.downloadUrl(file.fileName) : null;
  return (
    <div className="file-result" data-testid="file-result">
      <Icon name="check" />
      <div>
        <p>{what}</p>
        <p className="muted">
          Saved in <span className="mono path">{file.path}</span>
        </p>
      </div>
      {url ? (
        <a className="button button--primary" href={url} download={file.fileName}>
          <Icon name="download" />
          Download
        </a>
      ) : null}
    </div>
  );
}

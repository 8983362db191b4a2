import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { ItemCounts, Judgement, ModelVersion, Person } from '../../../shared/api.ts';
import { useClient } from '../api/context.tsx';
import { EmptyState } from '../components/EmptyState.tsx';
import { Icon } from '../components/Icon.tsx';
import { LearningCurve } from '../components/LearningCurve.tsx';
import { ViewHeader } from '../components/ViewHeader.tsx';
import { SelectField } from '../components/SelectField.tsx';
import { formatDate, plural } from '../lib/format.ts';
import { useLoad } from '../lib/useLoad.ts';
import { useReportError } from '../state/errors.tsx';
import { useNavigation } from '../state/navigation.tsx';
import { useToast, useUndoToast } from '../state/toasts.tsx';
import { ModelIndicator, SavedLooks } from './SuggestionsView.tsx';

/**
 * Everyone in the library (clients, family, a shop's catalogue): add, rename, archive, delete (undo), and a
 * page per person with their liked looks, how their model learned, and its versions (roll back, reset).
 */
export function PeopleView({
  current,
  selectedId,
  onSwitch,
  onCreated,
  onChanged,
  onRemoved,
}: {
  current: Person;
  selectedId: number;
  onSwitch: (id: number) => void;
  onCreated: (person: Person) => void;
  onChanged: (person: Person) => void;
  onRemoved: (id: number) => void;
}) {
  const client = useClient();
  const { navigate } = useNavigation();
  const titleId = useId();
  const [showArchived, setShowArchived] = useState(false);
  const people = useLoad<Person[]>(() => client.call('people.list', { includeArchived: true }), [client]);
  const list = (people.value ?? []).filter((p) => showArchived || !p.archived || p.id === selectedId);
  const selected = people.value?.find((p) => p.id === selectedId) ?? null;
  const archivedCount = (people.value ?? []).filter((p) => p.archived).length;

  const changed = (person: Person) => {
    people.set((all) => (all ?? []).map((p) => (p.id === person.id ? person : p)));
    onChanged(person);
  };

  return (
    <section className="view" aria-labelledby={titleId}>
      <ViewHeader title="People" titleId={titleId} subtitle="Clients, family, and shop catalogues: each with their own wardrobe and taste." />
      <div className="people">
        <div className="people__list panel">
          <AddPerson
            onAdded={(person) => {
              people.set((all) => [...(all ?? []), person]);
              onCreated(person);
              navigate({ view: 'people', personId: person.id });
            }}
          />
          <ul className="people__items" aria-label="People">
            {list.map((p) => (
              <li key={p.id}>
                <button
                  type="button"
                  className="people__item"
                  aria-current={p.id === selectedId ? 'true' : undefined}
                  onClick={() => navigate({ view: 'people', personId: p.id })}
                >
                  <span className="avatar" aria-hidden="true">
                    {p.name.trim().slice(0, 1).toUpperCase()}
                  </span>
                  <span className="people__name">{p.name}</span>
                  {p.kind === 'catalogue' ? <span className="badge">catalogue</span> : null}
                  {p.archived ? <span className="badge">archived</span> : null}
                  {p.id === current.id ? <span className="badge badge--accent">open</span> : null}
                </button>
              </li>
            ))}
          </ul>
          {archivedCount > 0 ? (
            <button type="button" className="button button--quiet" onClick={() => setShowArchived((v) => !v)} aria-pressed={showArchived}>
              {showArchived ? 'Hide archived' : `Show archived (${archivedCount})`}
            </button>
          ) : null}
        </div>
        {selected ? (
          <PersonPage
            key={selected.id}
            person={selected}
            isCurrent={selected.id === current.id}
            catalogues={(people.value ?? []).filter((p) => p.kind === 'catalogue' && !p.archived && p.id !== selected.id)}
            onSwitch={() => onSwitch(selected.id)}
            onChanged={changed}
            onDeleted={(id) => {
              people.set((all) => (all ?? []).filter((p) => p.id !== id));
              onRemoved(id);
              navigate({ view: 'people' });
            }}
            onRestored={(person) => {
              people.set((all) => [...(all ?? []).filter((p) => p.id !== person.id), person]);
              onChanged(person);
            }}
          />
        ) : people.value ? (
          <EmptyState icon="people" title="Choose a person" />
        ) : null}
      </div>
    </section>
  );
}

function AddPerson({ onAdded }: { onAdded: (person: Person) => void }) {
  const client = useClient();
  const report = useReportError();
  const nameId = useId();
  const kindName = useId();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Person['kind']>('person');
  const [saving, setSaving] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) return;
    setSaving(true);
    try {
      onAdded(await client.call('people.create', { name: name.trim(), kind }));
      setName('');
    } catch (error) {
      report(error);
    } finally {
      setSaving(false);
    }
  }
  return (
    <form className="add-person" onSubmit={(e) => void submit(e)} aria-label="Add a person or catalogue">
      <label htmlFor={nameId} className="field__label">
        New person or catalogue
      </label>
      <div className="row">
        <input id={nameId} className="input" value={name} maxLength={200} autoComplete="off" placeholder="Name" onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="button button--primary" disabled={saving || !name.trim()}>
          <Icon name="plus" />
          Add
        </button>
      </div>
      <fieldset className="segmented">
        <legend className="visually-hidden">Kind</legend>
        <label>
          <input type="radio" name={kindName} checked={kind === 'person'} onChange={() => setKind('person')} />
          <span>Person</span>
        </label>
        <label>
          <input type="radio" name={kindName} checked={kind === 'catalogue'} onChange={() => setKind('catalogue')} />
          <span>Catalogue</span>
        </label>
      </fieldset>
    </form>
  );
}

function PersonPage({
  person,
  isCurrent,
  catalogues,
  onSwitch,
  onChanged,
  onDeleted,
  onRestored,
}: {
  person: Person;
  isCurrent: boolean;
  catalogues: Person[];
  onSwitch: () => void;
  onChanged: (person: Person) => void;
  onDeleted: (id: number) => void;
  onRestored: (person: Person) => void;
}) {
  const client = useClient();
  const report = useReportError();
  const toast = useToast();
  const undoToast = useUndoToast();
  const titleId = useId();
  const [renaming, setRenaming] = useState(false);
  const counts = useLoad<ItemCounts>(() => client.call('items.counts', { personId: person.id }), [client, person.id]);
  const judgements = useLoad<Judgement[]>(() => client.call('judgements.list', { personId: person.id }), [client, person.id]);
  const likes = judgements.value?.filter((j) => j.verdict === 'like').length ?? 0;
  const dislikes = (judgements.value?.length ?? 0) - likes;

  async function change(action: () => Promise<Person>, message?: string) {
    try {
      const updated = await action();
      onChanged(updated);
      if (message) toast({ message });
    } catch (error) {
      report(error);
    }
  }

  async function remove() {
    try {
      await client.call('people.delete', { personId: person.id });
      onDeleted(person.id);
      undoToast(`${person.name} deleted.`, async () => onRestored(await client.call('people.restore', { personId: person.id })));
    } catch (error) {
      report(error);
    }
  }

  return (
    <article className="person-page" aria-labelledby={titleId} data-testid="person-page">
      <header className="person-page__head panel">
        <div className="person-page__title">
          <span className="avatar avatar--large" aria-hidden="true">
            {person.name.trim().slice(0, 1).toUpperCase()}
          </span>
          <div>
            {renaming ? (
              <RenameForm
                name={person.name}
                onCancel={() => setRenaming(false)}
                onSave={async (name) => {
                  await change(() => client.call('people.rename', { personId: person.id, name }));
                  setRenaming(false);
                }}
              />
            ) : (
              <h2 className="person-page__name" id={titleId}>
                {person.name}
              </h2>
            )}
            <p className="muted">
              {person.kind === 'catalogue' ? 'Catalogue' : 'Person'} · added {formatDate(person.createdAt)}
              {person.archived ? ' · archived' : ''}
            </p>
          </div>
        </div>
        <div className="person-page__actions">
          {isCurrent ? (
            <span className="badge badge--accent">Open now</span>
          ) : (
            <button type="button" className="button button--primary" onClick={onSwitch} disabled={person.archived}>
              Open {person.kind === 'catalogue' ? 'catalogue' : 'wardrobe'}
            </button>
          )}
          {renaming ? null : (
            <button type="button" className="button" onClick={() => setRenaming(true)}>
              <Icon name="edit" />
              Rename
            </button>
          )}
          <button
            type="button"
            className="button"
            disabled={isCurrent && !person.archived}
            title={isCurrent && !person.archived ? 'Open someone else first' : undefined}
            onClick={() => void change(() => client.call('people.setArchived', { personId: person.id, archived: !person.archived }), person.archived ? `${person.name} is back.` : `${person.name} archived.`)}
          >
            <Icon name="archive" />
            {person.archived ? 'Unarchive' : 'Archive'}
          </button>
          <button type="button" className="button button--danger" disabled={isCurrent} title={isCurrent ? 'Open someone else first' : undefined} onClick={() => void remove()}>
            <Icon name="trash" />
            Delete
          </button>
        </div>
        <dl className="stats stats--inline">
          <div className="stats__item">
            <dt>Garments</dt>
            <dd>{counts.value?.total ?? '—'}</dd>
          </div>
          <div className="stats__item">
            <dt>Liked</dt>
            <dd>{judgements.value ? likes : '—'}</dd>
          </div>
          <div className="stats__item">
            <dt>Disliked</dt>
            <dd>{judgements.value ? dislikes : '—'}</dd>
          </div>
        </dl>
        {person.kind === 'person' ? (
          <SelectField
            label="Also suggest from catalogue"
            value={String(person.usesCatalogueId ?? '')}
            options={[{ value: '', label: 'None' }, ...catalogues.map((c) => ({ value: String(c.id), label: c.name }))]}
            onChange={(v) => void change(() => client.call('people.useCatalogue', { personId: person.id, catalogueId: v ? Number(v) : null }))}
          />
        ) : null}
      </header>

      <ModelPanel person={person} judgements={judgements.value?.length ?? null} onJudgementsChanged={judgements.reload} />

      <section className="person-page__section" aria-labelledby={`${titleId}-looks`}>
        <h3 className="section-title" id={`${titleId}-looks`}>
          Liked looks
        </h3>
        <SavedLooks personId={person.id} judged={judgements.value?.length ?? 0} onChanged={judgements.reload} compact />
      </section>
    </article>
  );
}

function RenameForm({ name, onSave, onCancel }: { name: string; onSave: (name: string) => Promise<void>; onCancel: () => void }) {
  const id = useId();
  const [value, setValue] = useState(name);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    ref.current?.select();
  }, []);
  return (
    <form
      className="row"
      aria-label="Rename person"
      onSubmit={(e) => {
        e.preventDefault();
        if (value.trim()) void onSave(value.trim());
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <label htmlFor={id} className="visually-hidden">
        New name
      </label>
      <input id={id} ref={ref} className="input" value={value} maxLength={200} onChange={(e) => setValue(e.target.value)} />
      <button type="submit" className="button button--primary" disabled={!value.trim()}>
        Save
      </button>
      <button type="button" className="button button--quiet" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}

/** The person's model: how it learned (curve), its versions, roll back and reset (both asked twice: they undo verdicts). */
function ModelPanel({ person, judgements, onJudgementsChanged }: { person: Person; judgements: number | null; onJudgementsChanged: () => void }) {
  const client = useClient();
  const report = useReportError();
  const toast = useToast();
  const titleId = useId();
  const versions = useLoad<ModelVersion[]>(() => client.call('personal.versions', { personId: person.id }), [client, person.id, judgements]);
  const [confirm, setConfirm] = useState<{ kind: 'rollback'; version: ModelVersion } | { kind: 'reset' } | null>(null);
  const list = versions.value ?? [];
  const current = list.find((v) => v.current) ?? null;

  async function apply(run: () => Promise<ModelVersion[]>, message: string) {
    setConfirm(null);
    try {
      versions.set(await run());
      onJudgementsChanged();
      toast({ message });
    } catch (error) {
      report(error);
    }
  }

  const undone = (v: ModelVersion) => Math.max(0, (judgements ?? 0) - v.judgementsUsed);
  return (
    <section className="panel model-panel" aria-labelledby={titleId} data-testid="model-panel">
      <div className="model-panel__head">
        <h3 className="panel__title" id={titleId}>
          How {person.name}’s model learned
        </h3>
        <ModelIndicator personId={person.id} pollMs={1000} judged={judgements ?? 0} />
        <button type="button" className="button" disabled={!current} onClick={() => setConfirm({ kind: 'reset' })}>
          Reset to the general model
        </button>
      </div>
      {confirm ? (
        <div className="confirm" role="alertdialog" aria-labelledby={`${titleId}-confirm`} data-testid="model-confirm">
          <p id={`${titleId}-confirm`}>
            {confirm.kind === 'reset'
              ? `Go back to the general model? ${person.name}’s ${plural(judgements ?? 0, 'verdict')} will be undone, so the record and the model agree.`
              : `Roll back to version ${confirm.version.id}? The ${plural(undone(confirm.version), 'verdict')} made after it will be undone.`}
          </p>
          <div className="row">
            <button
              type="button"
              className="button button--primary"
              onClick={() =>
                void (confirm.kind === 'reset'
                  ? apply(() => client.call('personal.reset', { personId: person.id }), 'Back to the general model.')
                  : apply(() => client.call('personal.rollback', { personId: person.id, versionId: confirm.version.id }), `Rolled back to version ${confirm.version.id}.`))
              }
            >
              {confirm.kind === 'reset' ? 'Reset' : 'Roll back'}
            </button>
            <button type="button" className="button button--quiet" onClick={() => setConfirm(null)}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      {versions.value ? (
        list.length === 0 ? (
          <p className="muted">No personal model yet: the stylist learns one from {person.name}’s first likes and dislikes.</p>
        ) : (
          <>
            <LearningCurve versions={list} />
            <ol className="versions" aria-label="Model versions" data-testid="model-versions">
              {[...list].reverse().map((v) => (
                <li key={v.id} className={v.current ? 'versions__item versions__item--current' : 'versions__item'}>
                  <span className="versions__name">Version {v.id}</span>
                  <span className="muted">
                    {formatDate(v.createdAt)} · learned from {plural(v.judgementsUsed, 'verdict')}
                  </span>
                  {v.current ? (
                    <span className="badge badge--accent">in use</span>
                  ) : v.rolledBack ? (
                    <span className="badge">rolled back</span>
                  ) : (
                    <button type="button" className="button button--quiet" onClick={() => setConfirm({ kind: 'rollback', version: v })}>
                      Roll back to this
                    </button>
                  )}
                </li>
              ))}
            </ol>
          </>
        )
      ) : null}
    </section>
  );
}

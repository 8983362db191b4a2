import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { Person } from '../../../shared/api.ts';
import { useClient } from '../api/context.tsx';
import { useReportError } from '../state/errors.tsx';
import { Icon } from './Icon.tsx';

/** Chooses whose wardrobe the window shows, and adds people (clients of a stylist, family members…). */
export function PersonSwitcher({
  people,
  personId,
  onSelect,
  onCreated,
}: {
  people: Person[];
  personId: number;
  onSelect: (id: number) => void;
  onCreated: (person: Person) => void;
}) {
  const client = useClient();
  const report = useReportError();
  const selectId = useId();
  const nameId = useId();
  const [adding, setAdding] = useState(false);
  const [name, setName] = useState('');
  const [saving, setSaving] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);
  const addButtonRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (adding) nameRef.current?.focus();
  }, [adding]);

  function close() {
    setAdding(false);
    setName('');
    addButtonRef.current?.focus();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    setSaving(true);
    try {
      const person = await client.call('people.create', { name: trimmed });
      onCreated(person);
      close();
    } catch (error) {
      report(error);
    } finally {
      setSaving(false);
    }
  }

  return (
    <div className="person-switcher">
      <label htmlFor={selectId} className="person-switcher__label">
        Wardrobe of
      </label>
      <select
        id={selectId}
        className="select"
        data-testid="person-switcher"
        value={personId}
        onChange={(event) => onSelect(Number(event.target.value))}
      >
        {people.map((person) => (
          <option key={person.id} value={person.id}>
            {person.name}
          </option>
        ))}
      </select>
      <button
        ref={addButtonRef}
        type="button"
        className="icon-button"
        aria-label="Add a person"
        title="Add a person"
        aria-expanded={adding}
        onClick={() => (adding ? close() : setAdding(true))}
      >
        <Icon name="plus" />
      </button>
      {adding ? (
        <form
          className="popover person-switcher__form"
          onSubmit={(event) => void submit(event)}
          onKeyDown={(event) => {
            if (event.key === 'Escape') close();
          }}
          aria-label="Add a person"
        >
          <label htmlFor={nameId}>Name</label>
          <input
            id={nameId}
            ref={nameRef}
            className="input"
            value={name}
            maxLength={200}
            autoComplete="off"
            onChange={(event) => setName(event.target.value)}
          />
          <div className="popover__actions">
            <button type="button" className="button button--quiet" onClick={close}>
              Cancel
            </button>
            <button type="submit" className="button button--primary" disabled={saving || name.trim() === ''}>
              Add
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}

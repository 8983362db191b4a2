import { useCallback, useEffect, useRef, useState } from 'react';
import type { Person } from '../../../shared/api.ts';
import type { StylistClient } from '../api/client.ts';
import { useClient } from '../api/context.tsx';
import { useReportError } from './errors.tsx';

/** localStorage key remembering whose wardrobe was open last. */
export const PERSON_STORAGE_KEY = 'stylist.personId';
/** The person created when the library has nobody yet. */
export const DEFAULT_PERSON_NAME = 'Me';

/** Everyone in the library; when it is empty, creates "Me" so a person is always selected. */
export async function loadPeople(client: StylistClient): Promise<Person[]> {
  const people = await client.call('people.list', {});
  if (people.length > 0) return people;
  return [await client.call('people.create', { name: DEFAULT_PERSON_NAME })];
}

function readStoredPersonId(): number | null {
  try {
    const value = Number(window.localStorage.getItem(PERSON_STORAGE_KEY));
    return Number.isSafeInteger(value) && value > 0 ? value : null;
  } catch {
    return null;
  }
}

function storePersonId(id: number): void {
  try {
    window.localStorage.setItem(PERSON_STORAGE_KEY, String(id));
  } catch {
    // Not remembering the choice is harmless.
  }
}

export type PeopleState =
  | { status: 'loading' }
  | { status: 'failed'; retry: () => void }
  | {
      status: 'ready';
      /** The people one can switch to: not archived, not deleted. */
      people: Person[];
      person: Person;
      select: (id: number) => void;
      /** A person was created; `open` (default) switches to them. */
      added: (person: Person, open?: boolean) => void;
      /** A person changed elsewhere (renamed, archived, restored): the switcher follows. */
      changed: (person: Person) => void;
      /** A person was deleted. */
      removed: (id: number) => void;
      /** Load everyone again (a library was imported). */
      reload: () => void;
    };

export function usePeople(): PeopleState {
  const client = useClient();
  const report = useReportError();
  const [people, setPeople] = useState<Person[] | null>(null);
  const [personId, setPersonId] = useState<number | null>(null);
  const openRef = useRef<number | null>(null);
  openRef.current = personId;
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  // One load per attempt, even when React runs the effect twice (StrictMode): "Me" must not be created twice.
  const loading = useRef<{ attempt: number; promise: Promise<Person[]> } | null>(null);

  useEffect(() => {
    let active = true;
    if (loading.current?.attempt !== attempt) loading.current = { attempt, promise: loadPeople(client) };
    loading.current.promise.then(
      (list) => {
        if (!active) return;
        const stored = readStoredPersonId();
        // On a reload (a library was imported), whoever is open stays open.
        const chosen = list.find((p) => p.id === openRef.current) ?? list.find((p) => p.id === stored) ?? list[0]!;
        setPeople(list);
        setPersonId(chosen.id);
        setFailed(false);
      },
      (error: unknown) => {
        if (!active) return;
        setFailed(true);
        report(error);
      },
    );
    return () => {
      active = false;
    };
  }, [client, report, attempt]);

  const select = useCallback((id: number) => {
    setPersonId(id);
    storePersonId(id);
  }, []);
  const added = useCallback(
    (person: Person, open = true) => {
      setPeople((current) => [...(current ?? []).filter((p) => p.id !== person.id), person]);
      if (open) select(person.id);
    },
    [select],
  );
  const changed = useCallback((person: Person) => {
    setPeople((current) => {
      const others = (current ?? []).filter((p) => p.id !== person.id);
      if (person.archived) return others.length > 0 ? others : current;
      const at = (current ?? []).findIndex((p) => p.id === person.id);
      if (at < 0) return [...others, person].sort((a, b) => a.name.localeCompare(b.name));
      const next = [...(current ?? [])];
      next[at] = person;
      return next;
    });
  }, []);
  const removed = useCallback((id: number) => {
    setPeople((current) => {
      const others = (current ?? []).filter((p) => p.id !== id);
      return others.length > 0 ? others : current;
    });
  }, []);
  const retry = useCallback(() => {
    setFailed(false);
    setAttempt((n) => n + 1);
  }, []);

  if (failed) return { status: 'failed', retry };
  // The selected person may have been archived or deleted: fall back to the first one left.
  const person = people?.find((p) => p.id === personId) ?? people?.[0];
  if (!people || !person) return { status: 'loading' };
  return { status: 'ready', people, person, select, added, changed, removed, reload: retry };
}

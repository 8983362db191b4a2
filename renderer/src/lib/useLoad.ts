// Loads something from the core for a view: the value, whether it is loading, whether it failed (the error
// goes to the banner), and a reload. A newer load always wins over an older one still on its way.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useReportError } from '../state/errors.tsx';

export interface Loaded<T> {
  value: T | null;
  loading: boolean;
  failed: boolean;
  reload: () => void;
  /** Replaces the value locally (after a change the core confirmed). */
  set: (update: T | ((current: T | null) => T | null)) => void;
}

export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[], options: { report?: boolean; enabled?: boolean } = {}): Loaded<T> {
  const report = useReportError();
  const [value, setValue] = useState<T | null>(null);
  const [loading, setLoading] = useState(options.enabled !== false);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const latest = useRef(0);
  const enabled = options.enabled !== false;
  const shouldReport = options.report !== false;

  useEffect(() => {
    if (!enabled) {
      setLoading(false);
      return;
    }
    const ticket = ++latest.current;
    setLoading(true);
    setFailed(false);
    load().then(
      (v) => {
        if (ticket !== latest.current) return;
        setValue(v);
        setLoading(false);
      },
      (error: unknown) => {
        if (ticket !== latest.current) return;
        setFailed(true);
        setLoading(false);
        if (shouldReport) report(error);
      },
    );
  }, [...deps, attempt, enabled]);

  useEffect(
    () => () => {
      latest.current++;
    },
    [],
  );

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const set = useCallback((update: T | ((current: T | null) => T | null)) => {
    setValue((current) => (typeof update === 'function' ? (update as (c: T | null) => T | null)(current) : update));
  }, []);
  return { value, loading, failed, reload, set };
}

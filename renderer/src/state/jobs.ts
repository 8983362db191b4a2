// Long jobs the window started (teaching the house style, exporting or importing the library): their ids are
// kept per window, so leaving the view and coming back finds the job still reporting, and polled while the
// view showing them is open.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { StylistClient } from '../api/client.ts';
import { useClient } from '../api/context.tsx';
import { useReportError } from './errors.tsx';

export type JobKind = 'style' | 'library';

interface Stored {
  jobId: string;
  last: unknown;
}

const stores = new WeakMap<StylistClient, Map<JobKind, Stored>>();

function storeOf(client: StylistClient): Map<JobKind, Stored> {
  let store = stores.get(client);
  if (!store) stores.set(client, (store = new Map()));
  return store;
}

export interface Job<T> {
  progress: T | null;
  start(jobId: string): void;
  update(progress: T): void;
  clear(): void;
}

export function useJob<T extends { state: string }>(kind: JobKind, poll: (jobId: string) => Promise<T>, pollMs: number): Job<T> {
  const client = useClient();
  const report = useReportError();
  const store = storeOf(client);
  const [jobId, setJobId] = useState<string | null>(() => store.get(kind)?.jobId ?? null);
  const [progress, setProgress] = useState<T | null>(() => (store.get(kind)?.last as T | undefined) ?? null);
  // The poll function is a fresh closure on every render; the job id decides when polling (re)starts.
  const pollRef = useRef(poll);
  pollRef.current = poll;

  const update = useCallback(
    (p: T) => {
      setProgress(p);
      const stored = store.get(kind);
      if (stored) stored.last = p;
    },
    [store, kind],
  );

  useEffect(() => {
    if (!jobId) return;
    let active = true;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let errors = 0;
    const tick = async () => {
      try {
        const p = await pollRef.current(jobId);
        if (!active) return;
        errors = 0;
        update(p);
        if (p.state === 'running') timer = setTimeout(() => void tick(), pollMs);
      } catch (error) {
        if (!active) return;
        if (++errors >= 3) report(error);
        else timer = setTimeout(() => void tick(), pollMs);
      }
    };
    const last = store.get(kind)?.last as T | null | undefined;
    if (last && last.state !== 'running') return;
    void tick();
    return () => {
      active = false;
      if (timer) clearTimeout(timer);
    };
  }, [jobId, pollMs, kind, store, update, report]);

  return {
    progress,
    start(id) {
      store.set(kind, { jobId: id, last: null });
      setProgress(null);
      setJobId(id);
    },
    update,
    clear() {
      store.delete(kind);
      setProgress(null);
      setJobId(null);
    },
  };
}

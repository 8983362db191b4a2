import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { describeError } from '../api/client.ts';

export interface ShownError {
  id: number;
  title: string;
  detail: string;
  /** How many times this same error was reported (polling can repeat one). */
  count: number;
}

interface ErrorList {
  errors: ShownError[];
  dismiss(id: number): void;
  dismissAll(): void;
}

// Two contexts: reporting is stable and used everywhere; the list changes and only the banner reads it.
const ReportContext = createContext<((error: unknown) => void) | null>(null);
const ErrorListContext = createContext<ErrorList | null>(null);

/** At most this many errors stay on screen; older ones drop off. */
const MAX_SHOWN = 5;

export function ErrorProvider({ children }: { children: ReactNode }) {
  const [errors, setErrors] = useState<ShownError[]>([]);
  const nextId = useRef(1);

  const report = useCallback((error: unknown) => {
    const { title, detail } = describeError(error);
    // Keep a copy in the developer console as well, with the stack.
    console.error(error);
    setErrors((current) => {
      const same = current.find((e) => e.title === title && e.detail === detail);
      if (same) return current.map((e) => (e === same ? { ...e, count: e.count + 1 } : e));
      return [...current, { id: nextId.current++, title, detail, count: 1 }].slice(-MAX_SHOWN);
    });
  }, []);
  const dismiss = useCallback((id: number) => setErrors((current) => current.filter((e) => e.id !== id)), []);
  const dismissAll = useCallback(() => setErrors([]), []);

  // Nothing may fail silently: promise rejections nobody handled end up in the banner too.
  useEffect(() => {
    const onRejection = (event: PromiseRejectionEvent) => report(event.reason);
    window.addEventListener('unhandledrejection', onRejection);
    return () => window.removeEventListener('unhandledrejection', onRejection);
  }, [report]);

  const list = useMemo(() => ({ errors, dismiss, dismissAll }), [errors, dismiss, dismissAll]);
  return (
    <ReportContext.Provider value={report}>
      <ErrorListContext.Provider value={list}>{children}</ErrorListContext.Provider>
    </ReportContext.Provider>
  );
}

/** Returns a function that puts an error in the banner. Stable across renders. */
export function useReportError(): (error: unknown) => void {
  const report = useContext(ReportContext);
  if (!report) throw new Error('useReportError() needs an <ErrorProvider> above it.');
  return report;
}

export function useErrors(): ErrorList {
  const list = useContext(ErrorListContext);
  if (!list) throw new Error('useErrors() needs an <ErrorProvider> above it.');
  return list;
}

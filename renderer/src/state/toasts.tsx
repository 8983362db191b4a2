// A short notice at the bottom of the window, most with an Undo: "3 items removed. Undo". Read out politely;
// it stays a few seconds (longer with an action), the next one replaces it, and Escape or the close button
// dismisses it.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { Icon } from '../components/Icon.tsx';
import { useReportError } from './errors.tsx';

export interface ToastInput {
  message: string;
  action?: { label: string; run: () => void | Promise<void> };
  /** Milliseconds; default 6 s, 10 s with an action. */
  timeout?: number;
}

interface Toast extends ToastInput {
  id: number;
}

const ToastContext = createContext<((toast: ToastInput) => void) | null>(null);

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextId = useRef(1);
  const timers = useRef(new Map<number, ReturnType<typeof setTimeout>>());

  const dismiss = useCallback((id: number) => {
    clearTimeout(timers.current.get(id));
    timers.current.delete(id);
    setToasts((current) => current.filter((t) => t.id !== id));
  }, []);

  const show = useCallback(
    (input: ToastInput) => {
      const id = nextId.current++;
      // One notice at a time: the newest replaces the one before (its Undo is for the latest action).
      setToasts((current) => {
        for (const old of current) {
          clearTimeout(timers.current.get(old.id));
          timers.current.delete(old.id);
        }
        return [{ ...input, id }];
      });
      timers.current.set(id, setTimeout(() => dismiss(id), input.timeout ?? (input.action ? 10_000 : 6_000)));
    },
    [dismiss],
  );

  useEffect(() => {
    const all = timers.current;
    return () => {
      for (const timer of all.values()) clearTimeout(timer);
    };
  }, []);

  return (
    <ToastContext.Provider value={show}>
      {children}
      <div className="toasts" role="status" aria-live="polite" data-testid="toasts">
        {toasts.map((toast) => (
          <div
            key={toast.id}
            className="toast"
            onKeyDown={(event) => {
              if (event.key === 'Escape') dismiss(toast.id);
            }}
          >
            <span className="toast__message">{toast.message}</span>
            {toast.action ? (
              <button
                type="button"
                className="button button--quiet toast__action"
                onClick={() => {
                  dismiss(toast.id);
                  void toast.action!.run();
                }}
              >
                {toast.action.label}
              </button>
            ) : null}
            <button type="button" className="icon-button" aria-label="Dismiss notice" title="Dismiss" onClick={() => dismiss(toast.id)}>
              <Icon name="cross" width={16} height={16} />
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): (toast: ToastInput) => void {
  const show = useContext(ToastContext);
  if (!show) throw new Error('useToast() needs a <ToastProvider> above it.');
  return show;
}

/**
 * A toast whose Undo runs `undo` (a failure goes to the error banner) and then `after` either way, so the
 * view shows what is true after the undo, whether or not it worked.
 */
export function useUndoToast(): (message: string, undo: () => Promise<unknown>, after?: () => void) => void {
  const toast = useToast();
  const report = useReportError();
  return useCallback(
    (message, undo, after) =>
      toast({
        message,
        action: {
          label: 'Undo',
          run: async () => {
            try {
              await undo();
            } catch (error) {
              report(error);
            }
            after?.();
          },
        },
      }),
    [toast, report],
  );
}

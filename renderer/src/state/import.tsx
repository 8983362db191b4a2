import { createContext, useContext, useSyncExternalStore } from 'react';
import type { ImportManager, ImportSnapshot } from '../lib/importManager.ts';

export const ImportContext = createContext<ImportManager | null>(null);

export function useImportManager(): ImportManager {
  const manager = useContext(ImportContext);
  if (!manager) throw new Error('useImportManager() needs an <ImportContext.Provider> above it.');
  return manager;
}

/** The current import session's numbers; re-renders on every change. */
export function useImportSnapshot(): ImportSnapshot {
  const manager = useImportManager();
  return useSyncExternalStore(manager.subscribe, manager.getSnapshot);
}

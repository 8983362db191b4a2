import { createContext, useContext } from 'react';
import type { StylistClient } from './client.ts';

export const ClientContext = createContext<StylistClient | null>(null);

/** The typed client for the current window. */
export function useClient(): StylistClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient() needs a <ClientContext.Provider> above it.');
  return client;
}

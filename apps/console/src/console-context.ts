import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ApiClient } from './api-client.js';

/** What every page of the console shares: the host's API under this tab's session, and the session's site. */
export interface ConsoleContext {
  api: ApiClient;
  siteNumber: number;
}

export const ConsoleContextProvider = createContext<ConsoleContext | undefined>(undefined);

export function useConsole(): ConsoleContext {
  const context = useContext(ConsoleContextProvider);
  if (!context) throw new Error('useConsole() outside the console');
  return context;
}

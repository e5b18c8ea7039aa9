import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, problemOf } from './api-client.js';

export interface Loaded<T> {
  value: T | undefined;
  /** Why the last load failed (a 401 is the whole console's to say, not the page's). */
  problem: string | undefined;
  loading: boolean;
  at: Date | undefined;
  reload: () => Promise<void>;
}

/**
 * Loads what a page shows, again whenever `key` changes or `reload()` is called. Only the latest load answers: an
 * older one finishing late never shows stale data over newer.
 */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  // The key each value was loaded for: a value is shown for its own key only, never under another's (a failed new
  // search must not show the previous search's results as its own).
  const [state, setState] = useState<{ key?: string; value?: T; problem?: string; at?: Date }>({});
  const [loading, setLoading] = useState(false);
  const latest = useRef(0);
  const run = useCallback(async () => {
    const mine = ++latest.current;
    setLoading(true);
    try {
      const value = await load();
      if (mine === latest.current) setState({ key, value, at: new Date() });
    } catch (error) {
      if (mine !== latest.current) return;
      const refused = error instanceof ApiError && error.status === 401;
      setState((before) => ({ ...before, problem: refused ? undefined : problemOf(error) }));
    } finally {
      if (mine === latest.current) setLoading(false);
    }
    // `key` names everything `load` depends on.
  }, [key]);
  useEffect(() => void run(), [run]);
  const own = state.key === key;
  return { value: own ? state.value : undefined, problem: state.problem, at: own ? state.at : undefined, loading, reload: run };
}

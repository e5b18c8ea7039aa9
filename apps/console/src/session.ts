/** Where the tab keeps its session: this tab only, gone when it closes. */
const STORAGE_KEY = 'connector-console-session';

/**
 * The console session of this tab. The platform opens the console with `#session=<token>`: the token is taken from
 * the fragment (which no server, proxy or referrer ever sees), kept for the tab, and wiped from the address bar so
 * it is not bookmarked or shared with a copied link.
 */
export function takeSession(location: Location, history: History, storage: Storage): string | undefined {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('session');
  if (fromLink) {
    storage.setItem(STORAGE_KEY, fromLink);
    history.replaceState(null, '', location.pathname + location.search);
    return fromLink;
  }
  return storage.getItem(STORAGE_KEY) ?? undefined;
}

/** The site a session token names (its payload is readable; the host alone checks its signature). */
export function siteOf(token: string): number | undefined {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { site?: unknown };
    return typeof payload.site === 'number' ? payload.site : undefined;
  } catch {
    return undefined;
  }
}

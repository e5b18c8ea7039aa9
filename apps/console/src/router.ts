import { useEffect, useState } from 'preact/hooks';

/** The console's pages, each at its own `#/…` address so the browser's back button and links work. */
export type Route =
  | { page: 'connectors' }
  | { page: 'new-connector' }
  | { page: 'connector'; id: string }
  | { page: 'add-to-source'; id: string }
  | { page: 'edit-connector'; id: string };

const CONNECTOR = /^#\/connectors\/([0-9a-f-]{36})(?:\/(add|edit))?$/i;
const SUBPAGES = { add: 'add-to-source', edit: 'edit-connector' } as const;

export function routeOf(hash: string): Route {
  if (hash === '#/connectors/new') return { page: 'new-connector' };
  const connector = CONNECTOR.exec(hash);
  if (connector)
    return { page: connector[2] ? SUBPAGES[connector[2].toLowerCase() as keyof typeof SUBPAGES] : 'connector', id: connector[1] };
  return { page: 'connectors' };
}

export function hrefOf(route: Route): string {
  switch (route.page) {
    case 'connectors':
      return '#/';
    case 'new-connector':
      return '#/connectors/new';
    case 'connector':
      return `#/connectors/${route.id}`;
    case 'add-to-source':
      return `#/connectors/${route.id}/add`;
    case 'edit-connector':
      return `#/connectors/${route.id}/edit`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = hrefOf(route);
}

/** The page the address names, following the browser's back and forward. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(window.location.hash));
  useEffect(() => {
    const follow = () => setRoute(routeOf(window.location.hash));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  return route;
}

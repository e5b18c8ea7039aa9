import { type ApiClient, connectorPath, refusedWith } from '../api-client.js';
import type { ConnectorHealth, ConnectorHealthList } from '../connector-health.js';
import { useConsole } from '../console-context.js';
import { type Loaded, useLoad } from '../use-load.js';
import type { ConnectorView } from './connector-answers.js';

/** A connector as its page shows it: its set-up, and how its delivery does (absent: the host has no row for it yet). */
export type ConnectorState = { found: true; view: ConnectorView; health: ConnectorHealth | undefined } | { found: false };

/**
 * Loads the connector's set-up and its health row together. A 404 is an answer, not a failure: the connector is
 * another site's or gone, and the page says so instead of an error.
 */
export function useConnector(id: string): Loaded<ConnectorState> {
  const { api } = useConsole();
  return useLoad(() => loadConnector(api, id), id);
}

async function loadConnector(api: ApiClient, id: string): Promise<ConnectorState> {
  try {
    const [view, health] = await Promise.all([
      api.get<ConnectorView>(connectorPath(id)),
      api.get<ConnectorHealthList>('/health/connectors'),
    ]);
    return { found: true, view, health: health.connectors.find((row) => row.id === id) };
  } catch (error) {
    if (refusedWith(error, 404)) return { found: false };
    throw error;
  }
}

/** A connector's set-up alone (its forms need nothing else); null when the site has no such connector (404). */
export function useSetup(id: string): Loaded<ConnectorView | null> {
  const { api } = useConsole();
  return useLoad(async () => {
    try {
      return await api.get<ConnectorView>(connectorPath(id));
    } catch (error) {
      if (refusedWith(error, 404)) return null;
      throw error;
    }
  }, `setup-${id}`);
}

import type { EnvReader } from './env-reader.js';

/** The console (apps/console, served under /console/). */
export interface ConsoleConfig {
  /** Origins that may frame it (the platform's, e.g. https://app.example.com); none: the host's own pages only. */
  frameAncestors: string[];
}

/** CONSOLE_FRAME_ANCESTORS: comma-separated origins (`https://host[:port]`), each checked here. */
export function readConsoleConfig(env: EnvReader): ConsoleConfig {
  const frameAncestors = env.list('CONSOLE_FRAME_ANCESTORS');
  for (const origin of frameAncestors) {
    if (!/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(origin))
      env.refuse(`CONSOLE_FRAME_ANCESTORS entries must be origins like https://app.example.com, got "${origin.slice(0, 100)}"`);
  }
  return { frameAncestors };
}

import type { BindingValue } from './activation-message.js';

/** Where a binding gets its events: an audience (which has a number) or a journey step (which has none). */
export type BindingSource = { type: 'audience'; id: string; number: number; name: string } | { type: 'journey'; id: string; name: string };

/** Which profile property feeds `profileVars[name]`. */
export interface ProfileVariableMapping {
  name: string;
  property: string;
}

/** A connector attached to an audience or journey step: what the message builder needs of it. */
export interface BindingSpec {
  siteNumber: number;
  source: BindingSource;
  /** Free text sent as `sourceName`; absent or null sends `""`. */
  sourceName?: string | null;
  profileVariables: readonly ProfileVariableMapping[];
  /** Sent as `data`. */
  properties: Readonly<Record<string, BindingValue>>;
}

/** What the message builder needs of a connector set-up. */
export interface ConnectorSpec {
  siteNumber: number;
  partnerNumber: number;
}

/** The most profile variables and properties a binding may carry (product documentation: "up to 10"). */
export const MAX_BINDING_VARIABLES = 10;
export const MAX_BINDING_PROPERTIES = 10;

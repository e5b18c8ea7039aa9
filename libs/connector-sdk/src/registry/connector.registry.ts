import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { EventConnector } from '../event-connector.js';
import { secretFieldsOf } from '../settings/settings-field.decorator.js';
import { Connector } from './connector.decorator.js';

const TYPE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Every connector type the loaded modules provide, found through Nest's discovery at boot. */
@Injectable()
export class ConnectorRegistry implements OnModuleInit {
  private readonly byType = new Map<string, EventConnector>();
  private secretNames: ReadonlySet<string> = new Set();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: Connector.KEY })) {
      if (wrapper.instance) this.register(wrapper.instance as EventConnector);
    }
  }

  /** Adds a connector type; refuses a malformed or already used type id (two plugins must never share one). */
  register(connector: EventConnector): void {
    if (!TYPE_ID.test(connector.type)) {
      throw new Error(`Connector type id "${connector.type}" must be kebab-case, like "kinesis" or "google-pubsub"`);
    }
    if (this.byType.has(connector.type)) {
      throw new Error(`Two connector modules declare the type id "${connector.type}": each type must be loaded once`);
    }
    this.byType.set(connector.type, connector);
    this.secretNames = new Set([...this.secretNames, ...secretFieldsOf(connector.settingsClass)]);
  }

  /** Names of the secret settings of every loaded connector type: what a host must never log, whatever the connector. */
  secretFieldNames(): ReadonlySet<string> {
    return this.secretNames;
  }

  get(type: string): EventConnector | undefined {
    return this.byType.get(type);
  }

  types(): string[] {
    return [...this.byType.keys()].sort();
  }

  all(): EventConnector[] {
    return this.types().map((type) => this.byType.get(type)!);
  }
}

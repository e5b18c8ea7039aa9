import { Injectable } from '@nestjs/common';
import { ConnectorRegistry, secretFieldsOf, settingsJsonSchema } from '@event-connectors/connector-sdk';
import type { ConnectorTypeView } from './connector-type.js';

/** What a platform UI needs to offer the loaded connector types. */
@Injectable()
export class ConnectorTypesService {
  constructor(private readonly registry: ConnectorRegistry) {}

  list(): ConnectorTypeView[] {
    return this.registry.all().map((connector) => ({
      type: connector.type,
      displayName: connector.displayName,
      secretFields: secretFieldsOf(connector.settingsClass),
      schema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        title: connector.displayName,
        type: 'object',
        additionalProperties: false,
        required: ['name', 'partnerNumber', 'settings'],
        properties: {
          name: {
            type: 'string',
            minLength: 1,
            maxLength: 200,
            title: 'Display name',
            description: 'Display name used throughout the platform',
          },
          partnerNumber: {
            type: 'integer',
            minimum: 1,
            title: 'Partner number',
            description: 'The partner number whose identifiers the connector receives',
          },
          settings: settingsJsonSchema(connector),
        },
      },
    }));
  }
}

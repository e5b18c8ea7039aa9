import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../auth/access.decorator.js';
import { ConnectorRegistry, type JsonSchema, secretFieldsOf, settingsJsonSchema } from '@event-connectors/connector-sdk';

/** One loaded connector type, with the JSON Schema of its whole form for a platform UI to render. */
export interface ConnectorTypeView {
  type: string;
  displayName: string;
  secretFields: readonly string[];
  schema: JsonSchema;
}

@ApiTags('connectors')
@Access('admin')
@Controller('v1/connector-types')
export class ConnectorTypesController {
  constructor(private readonly registry: ConnectorRegistry) {}

  @Get()
  @ApiOperation({ summary: 'Loaded connector types with the JSON Schema of their forms' })
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
          name: { type: 'string', minLength: 1, maxLength: 200, title: 'Display name', description: 'Display name used throughout the platform' },
          partnerNumber: { type: 'integer', minimum: 1, title: 'Partner number', description: 'The partner number whose identifiers the connector receives' },
          settings: settingsJsonSchema(connector),
        },
      },
    }));
  }
}

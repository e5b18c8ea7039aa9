import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ConnectorTypeView } from '../setups/connector-type.js';
import { ConnectorTypesService } from '../setups/connector-types.service.js';
import { Access } from './auth/access.decorator.js';
import { Answers } from './openapi/answers.decorator.js';
import { RateLimited } from './rate-limited.decorator.js';

@ApiTags('connectors')
@Access('admin')
@RateLimited()
@Controller('v1/connector-types')
export class ConnectorTypesController {
  constructor(private readonly types: ConnectorTypesService) {}

  @Get()
  @Answers(200, 'One entry per loaded type', { type: 'array', items: { $ref: '#/components/schemas/ConnectorType' } })
  @ApiOperation({ summary: 'Loaded connector types with the JSON Schema of their forms' })
  list(): ConnectorTypeView[] {
    return this.types.list();
  }
}

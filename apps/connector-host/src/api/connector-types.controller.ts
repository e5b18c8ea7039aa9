import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { type ConnectorTypeView, ConnectorTypesService } from '../setups/connector-types.service.js';
import { Access } from './auth/access.decorator.js';

@ApiTags('connectors')
@Access('admin')
@Controller('v1/connector-types')
export class ConnectorTypesController {
  constructor(private readonly types: ConnectorTypesService) {}

  @Get()
  @ApiOperation({ summary: 'Loaded connector types with the JSON Schema of their forms' })
  list(): ConnectorTypeView[] {
    return this.types.list();
  }
}

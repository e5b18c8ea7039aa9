import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import type { CheckResult } from '@app/connector-sdk';
import { ConnectorSetupsService } from '../connectors/connector-setups.service.js';
import type { ConnectorView } from '../connectors/connector-view.js';
import { CreateConnectorDto, UpdateConnectorDto } from './connector.dto.js';
import { ListConnectorsQuery } from './list-queries.dto.js';
import { uuidParam } from './uuid-param.pipe.js';

@Controller('v1/connectors')
export class ConnectorsController {
  constructor(private readonly setups: ConnectorSetupsService) {}

  @Post()
  create(@Body() body: CreateConnectorDto): Promise<ConnectorView> {
    return this.setups.create(body);
  }

  @Get()
  list(@Query() query: ListConnectorsQuery): Promise<ConnectorView[]> {
    return this.setups.list(query);
  }

  @Get(':id')
  get(@Param('id', uuidParam()) id: string): Promise<ConnectorView> {
    return this.setups.get(id);
  }

  @Patch(':id')
  update(@Param('id', uuidParam()) id: string, @Body() body: UpdateConnectorDto): Promise<ConnectorView> {
    return this.setups.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id', uuidParam()) id: string): Promise<void> {
    await this.setups.delete(id);
  }

  @Post(':id/check')
  @HttpCode(200)
  check(@Param('id', uuidParam()) id: string): Promise<CheckResult> {
    return this.setups.check(id);
  }
}

import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Access, CurrentPrincipal } from './auth/access.decorator.js';
import type { Principal } from './auth/access-tokens.js';
import type { CheckResult } from '@event-connectors/connector-sdk';
import { ConnectorSetupsService, type SavedConnector } from '../setups/connector-setups.service.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ConnectorView } from '../setups/connector-view.js';
import { CreateConnectorDto, UpdateConnectorDto } from './connector.dto.js';
import { ListConnectorsQuery, SaveConnectorQuery } from './list-queries.dto.js';
import { uuidParam } from './uuid-param.pipe.js';

@ApiTags('connectors')
@Access('admin')
@UseGuards(ThrottlerGuard)
@Controller('v1/connectors')
export class ConnectorsController {
  constructor(private readonly setups: ConnectorSetupsService) {}

  @Post()
  @ApiOperation({
    summary: 'Save a connector set-up; its check runs and comes back as `check` (?strict=true: refuse it when the check fails)',
  })
  create(
    @Body() body: CreateConnectorDto,
    @Query() query: SaveConnectorQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<SavedConnector> {
    return this.setups.create(body, query.strict === 'true', principal.siteNumber);
  }

  @Get()
  @ApiOperation({ summary: 'List set-ups, by site or type; secrets never shown' })
  list(@Query() query: ListConnectorsQuery, @CurrentPrincipal() principal: Principal): Promise<ConnectorView[]> {
    return this.setups.list(query, principal.siteNumber);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One set-up' })
  get(@Param('id', uuidParam()) id: string, @CurrentPrincipal() principal: Principal): Promise<ConnectorView> {
    return this.setups.get(id, principal.siteNumber);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a set-up; omitted settings (secrets too) are kept; checked as on create' })
  update(
    @Param('id', uuidParam()) id: string,
    @Body() body: UpdateConnectorDto,
    @Query() query: SaveConnectorQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<SavedConnector> {
    return this.setups.update(id, body, query.strict === 'true', principal.siteNumber);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a set-up with its bindings, backlog and dead letters' })
  @HttpCode(204)
  async delete(@Param('id', uuidParam()) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.setups.delete(id, principal.siteNumber);
  }

  @Post(':id/check')
  @ApiOperation({ summary: 'Check the set-up against its destination now; a passing check resumes a paused connector' })
  @HttpCode(200)
  check(@Param('id', uuidParam()) id: string, @CurrentPrincipal() principal: Principal): Promise<CheckResult> {
    return this.setups.check(id, principal.siteNumber);
  }

  @Post(':id/resume')
  @ApiOperation({ summary: 'Lift an automatic pause' })
  @HttpCode(200)
  resume(@Param('id', uuidParam()) id: string, @CurrentPrincipal() principal: Principal): Promise<ConnectorView> {
    return this.setups.resume(id, principal.siteNumber);
  }
}

import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { Answers, Refuses } from './openapi/answers.decorator.js';
import { RateLimited } from './rate-limited.decorator.js';
import { Access, CurrentPrincipal } from './auth/access.decorator.js';
import type { Principal } from './auth/access-tokens.js';
import type { CheckResult } from '@event-connectors/connector-sdk';
import { ConnectorSetupsService } from '../setups/connector-setups.service.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ConnectorView, SavedConnector } from '../setups/connector-view.js';
import { CreateConnectorDto, UpdateConnectorDto } from './connector.dto.js';
import { ListConnectorsQuery, SaveConnectorQuery } from './list-queries.dto.js';
import { uuidParam } from './uuid-param.pipe.js';

@ApiTags('connectors')
@Access('admin')
@RateLimited()
@Controller('v1/connectors')
export class ConnectorsController {
  constructor(private readonly setups: ConnectorSetupsService) {}

  @Post()
  @Answers(201, 'Saved; `check` says what its check found', 'SavedConnector')
  @Refuses([400, 403, 409, 422], {
    400: 'A field is wrong (`errors` names each), or the type is not loaded',
    403: "A site-limited token saving another site's connector",
    409: 'A value one site only may configure (a role ARN) is configured by another site',
    422: '?strict=true and the check failed (`check` says why), or the site has MAX_CONNECTORS_PER_SITE connectors (`limit` says so): nothing saved',
  })
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
  @Answers(200, 'The set-ups this token may see', { type: 'array', items: { $ref: '#/components/schemas/ConnectorView' } })
  @Refuses([400])
  @ApiOperation({ summary: 'List set-ups, by site or type; secrets never shown' })
  list(@Query() query: ListConnectorsQuery, @CurrentPrincipal() principal: Principal): Promise<ConnectorView[]> {
    return this.setups.list(query, principal.siteNumber);
  }

  @Get(':id')
  @Answers(200, 'The set-up', 'ConnectorView')
  @Refuses([400, 404], { 400: 'id is not a UUID' })
  @ApiOperation({ summary: 'One set-up' })
  get(@Param('id', uuidParam()) id: string, @CurrentPrincipal() principal: Principal): Promise<ConnectorView> {
    return this.setups.get(id, principal.siteNumber);
  }

  @Patch(':id')
  @Answers(200, 'Changed; `check` says what its check found', 'SavedConnector')
  @Refuses([400, 404, 409, 422], {
    409: 'A value one site only may configure (a role ARN) is configured by another site',
    422: '?strict=true and the check failed: nothing changed, `check` says why',
  })
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
  @Answers(204, 'Deleted')
  @Refuses([400, 404], { 400: 'id is not a UUID' })
  @ApiOperation({ summary: 'Delete a set-up with its bindings, backlog and dead letters' })
  @HttpCode(204)
  async delete(@Param('id', uuidParam()) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.setups.delete(id, principal.siteNumber);
  }

  @Post(':id/check')
  @Answers(200, 'What the check found (a failed check is still a 200: `ok: false`, `problem`)', 'CheckResult')
  @Refuses([400, 404], { 400: 'id is not a UUID' })
  @ApiOperation({ summary: 'Check the set-up against its destination now; a passing check resumes a paused connector' })
  @HttpCode(200)
  check(@Param('id', uuidParam()) id: string, @CurrentPrincipal() principal: Principal): Promise<CheckResult> {
    return this.setups.check(id, principal.siteNumber);
  }

  @Post(':id/resume')
  @Answers(200, 'The set-up, no longer paused', 'ConnectorView')
  @Refuses([400, 404], { 400: 'id is not a UUID' })
  @ApiOperation({ summary: 'Lift an automatic pause' })
  @HttpCode(200)
  resume(@Param('id', uuidParam()) id: string, @CurrentPrincipal() principal: Principal): Promise<ConnectorView> {
    return this.setups.resume(id, principal.siteNumber);
  }
}

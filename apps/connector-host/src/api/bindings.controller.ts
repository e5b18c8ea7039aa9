import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { Answers, Refuses } from './openapi/answers.decorator.js';
import { RateLimited } from './rate-limited.decorator.js';
import { Access, CurrentPrincipal } from './auth/access.decorator.js';
import type { Principal } from './auth/access-tokens.js';
import type { BindingView } from '../setups/binding-view.js';
import { BindingsService } from '../setups/bindings.service.js';
import { CreateBindingDto } from './binding.dto.js';
import { ListBindingsQuery } from './list-queries.dto.js';
import { uuidParam } from './uuid-param.pipe.js';

@ApiTags('bindings')
@Access('admin')
@RateLimited()
@Controller('v1/bindings')
export class BindingsController {
  constructor(private readonly bindings: BindingsService) {}

  @Post()
  @Answers(201, 'Attached', 'BindingView')
  @Refuses([400, 409, 422], {
    400: 'A field is wrong, or connectorId is not a connector this token may see',
    409: 'The connector is already bound to this source',
    422: 'The source already has MAX_BINDINGS_PER_SOURCE connectors bound: `limit` says so; nothing saved',
  })
  @ApiOperation({ summary: 'Attach a connector to an audience or a journey step' })
  create(@Body() body: CreateBindingDto, @CurrentPrincipal() principal: Principal): Promise<BindingView> {
    return this.bindings.create(body, principal.siteNumber);
  }

  @Get()
  @Answers(200, 'The bindings this token may see', { type: 'array', items: { $ref: '#/components/schemas/BindingView' } })
  @Refuses([400])
  @ApiOperation({ summary: 'List bindings, by connector, source or site' })
  list(@Query() query: ListBindingsQuery, @CurrentPrincipal() principal: Principal): Promise<BindingView[]> {
    return this.bindings.list(query, principal.siteNumber);
  }

  @Get(':id')
  @Answers(200, 'The binding', 'BindingView')
  @Refuses([400, 404], { 400: 'id is not a UUID' })
  @ApiOperation({ summary: 'One binding' })
  get(@Param('id', uuidParam()) id: string, @CurrentPrincipal() principal: Principal): Promise<BindingView> {
    return this.bindings.get(id, principal.siteNumber);
  }

  @Delete(':id')
  @Answers(204, 'Detached')
  @Refuses([400, 404], { 400: 'id is not a UUID' })
  @ApiOperation({ summary: 'Detach' })
  @HttpCode(204)
  async delete(@Param('id', uuidParam()) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.bindings.delete(id, principal.siteNumber);
  }
}

import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { Access, CurrentPrincipal } from './auth/access.decorator.js';
import type { Principal } from './auth/access-tokens.js';
import type { BindingView } from '../setups/binding-view.js';
import { BindingsService } from '../setups/bindings.service.js';
import { CreateBindingDto } from './binding.dto.js';
import { ListBindingsQuery } from './list-queries.dto.js';
import { uuidParam } from './uuid-param.pipe.js';

@ApiTags('bindings')
@Access('admin')
@UseGuards(ThrottlerGuard)
@Controller('v1/bindings')
export class BindingsController {
  constructor(private readonly bindings: BindingsService) {}

  @Post()
  @ApiOperation({ summary: 'Attach a connector to an audience or a journey step' })
  create(@Body() body: CreateBindingDto, @CurrentPrincipal() principal: Principal): Promise<BindingView> {
    return this.bindings.create(body, principal.siteNumber);
  }

  @Get()
  @ApiOperation({ summary: 'List bindings, by connector, source or site' })
  list(@Query() query: ListBindingsQuery, @CurrentPrincipal() principal: Principal): Promise<BindingView[]> {
    return this.bindings.list(query, principal.siteNumber);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One binding' })
  get(@Param('id', uuidParam()) id: string, @CurrentPrincipal() principal: Principal): Promise<BindingView> {
    return this.bindings.get(id, principal.siteNumber);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Detach' })
  @HttpCode(204)
  async delete(@Param('id', uuidParam()) id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.bindings.delete(id, principal.siteNumber);
  }
}

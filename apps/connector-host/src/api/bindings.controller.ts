import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { BindingsService } from '../bindings/bindings.service.js';
import type { BindingView } from '../bindings/binding-view.js';
import { CreateBindingDto } from './binding.dto.js';
import { ListBindingsQuery } from './list-queries.dto.js';
import { uuidParam } from './uuid-param.pipe.js';

@ApiTags('bindings')
@Controller('v1/bindings')
export class BindingsController {
  constructor(private readonly bindings: BindingsService) {}

  @Post()
  @ApiOperation({ summary: 'Attach a connector to an audience or a journey step' })
  create(@Body() body: CreateBindingDto): Promise<BindingView> {
    return this.bindings.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List bindings, by connector, source or site' })
  list(@Query() query: ListBindingsQuery): Promise<BindingView[]> {
    return this.bindings.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One binding' })
  get(@Param('id', uuidParam()) id: string): Promise<BindingView> {
    return this.bindings.get(id);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Detach' })
  @HttpCode(204)
  async delete(@Param('id', uuidParam()) id: string): Promise<void> {
    await this.bindings.delete(id);
  }
}

import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { BindingsService } from '../bindings/bindings.service.js';
import type { BindingView } from '../bindings/binding-view.js';
import { CreateBindingDto } from './binding.dto.js';
import { ListBindingsQuery } from './list-queries.dto.js';
import { uuidParam } from './uuid-param.pipe.js';

@Controller('v1/bindings')
export class BindingsController {
  constructor(private readonly bindings: BindingsService) {}

  @Post()
  create(@Body() body: CreateBindingDto): Promise<BindingView> {
    return this.bindings.create(body);
  }

  @Get()
  list(@Query() query: ListBindingsQuery): Promise<BindingView[]> {
    return this.bindings.list(query);
  }

  @Get(':id')
  get(@Param('id', uuidParam()) id: string): Promise<BindingView> {
    return this.bindings.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id', uuidParam()) id: string): Promise<void> {
    await this.bindings.delete(id);
  }
}

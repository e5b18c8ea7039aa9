import { randomUUID } from 'node:crypto';
import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { CreateBindingDto } from '../api/binding.dto.js';
import { invalidInput } from '../api/field-errors.js';
import { type BindingRow, BindingsRepository } from '../store/bindings.repository.js';
import { ConnectorsRepository } from '../store/connectors.repository.js';
import { type BindingView, bindingView } from './binding-view.js';

/** Attaching connectors to audiences and journey steps. */
@Injectable()
export class BindingsService {
  constructor(
    private readonly bindings: BindingsRepository,
    private readonly connectors: ConnectorsRepository,
  ) {}

  async create(input: CreateBindingDto): Promise<BindingView> {
    const connector = await this.connectors.get(input.connectorId);
    if (!connector) throw invalidInput([{ field: 'connectorId', message: `connectorId ${input.connectorId} is not a connector` }]);
    if (await this.bindings.exists(connector.id, input.source.id)) {
      throw new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        message: `Connector ${connector.id} is already bound to ${input.source.type} ${input.source.id}`,
      });
    }
    const row: BindingRow = {
      id: randomUUID(),
      connector_id: connector.id,
      // The binding lives in its connector's site: events of other sites can never reach it.
      site_number: connector.site_number,
      source_type: input.source.type,
      source_id: input.source.id.toLowerCase(),
      source_number: input.source.type === 'audience' ? input.source.number! : null,
      source_label: input.source.name,
      source_name: input.sourceName ?? null,
      profile_variables: JSON.stringify((input.profileVariables ?? []).map(({ name, property }) => ({ name, property }))),
      properties: JSON.stringify(input.properties ?? {}),
      created_at: Date.now(),
    };
    await this.bindings.insert(row);
    return bindingView(row);
  }

  async get(id: string): Promise<BindingView> {
    const row = await this.bindings.get(id);
    if (!row) throw this.notFound(id);
    return bindingView(row);
  }

  async list(filter: { connectorId?: string; sourceId?: string; siteNumber?: number }): Promise<BindingView[]> {
    return (await this.bindings.list({ ...filter, sourceId: filter.sourceId?.toLowerCase() })).map(bindingView);
  }

  async delete(id: string): Promise<void> {
    if (!(await this.bindings.delete(id))) throw this.notFound(id);
  }

  private notFound(id: string): NotFoundException {
    return new NotFoundException({ statusCode: 404, error: 'Not Found', message: `Binding ${id} was not found` });
  }
}

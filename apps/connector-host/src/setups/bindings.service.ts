import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { BindingSource, ProfileVariableMapping } from '@event-connectors/connector-sdk';
import { ConflictError, InvalidInputError, NotFoundError } from '../common/domain-errors.js';
import { type BindingRow, BindingsRepository } from '../store/bindings.repository.js';
import { ConnectorsRepository } from '../store/connectors.repository.js';
import { type BindingView, bindingView } from './binding-view.js';

/** A connector to attach to an audience (which has a number) or a journey step (which has none). */
export interface NewBinding {
  connectorId: string;
  source: { type: BindingSource['type']; id: string; number?: number; name: string };
  sourceName?: string;
  profileVariables?: ProfileVariableMapping[];
  properties?: Record<string, string | number>;
}

/** Attaching connectors to audiences and journey steps. */
@Injectable()
export class BindingsService {
  constructor(
    private readonly bindings: BindingsRepository,
    private readonly connectors: ConnectorsRepository,
  ) {}

  async create(input: NewBinding, site?: number): Promise<BindingView> {
    const found = await this.connectors.get(input.connectorId);
    // Another site's connector is, for a site-limited caller, no connector at all.
    const connector = found && (site === undefined || found.site_number === site) ? found : undefined;
    if (!connector) throw InvalidInputError.field('connectorId', `connectorId ${input.connectorId} is not a connector`);
    if (await this.bindings.exists(connector.id, input.source.id)) {
      throw new ConflictError(`Connector ${connector.id} is already bound to ${input.source.type} ${input.source.id}`);
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

  async get(id: string, site?: number): Promise<BindingView> {
    return bindingView(await this.row(id, site));
  }

  async list(filter: { connectorId?: string; sourceId?: string; siteNumber?: number }, site?: number): Promise<BindingView[]> {
    if (site !== undefined && filter.siteNumber !== undefined && filter.siteNumber !== site) return [];
    return (await this.bindings.list({ ...filter, siteNumber: site ?? filter.siteNumber, sourceId: filter.sourceId?.toLowerCase() })).map(
      bindingView,
    );
  }

  async delete(id: string, site?: number): Promise<void> {
    await this.row(id, site);
    if (!(await this.bindings.delete(id))) throw this.notFound(id);
  }

  private async row(id: string, site?: number) {
    const row = await this.bindings.get(id);
    if (!row || (site !== undefined && row.site_number !== site)) throw this.notFound(id);
    return row;
  }

  private notFound(id: string): NotFoundError {
    return new NotFoundError(`Binding ${id} was not found`);
  }
}

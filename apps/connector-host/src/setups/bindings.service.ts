import { randomUUID } from 'node:crypto';
import type { BindingSource, ProfileVariableMapping } from '@event-connectors/connector-sdk';
import { Inject, Injectable } from '@nestjs/common';
import { ConflictError, InvalidInputError, LimitExceededError, NotFoundError } from '../common/domain-errors.js';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import { type BindingRow, BindingsRepository } from '../store/repositories/bindings.repository.js';
import { ConnectorsRepository } from '../store/repositories/connectors.repository.js';
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
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
  ) {}

  async create(input: NewBinding, site?: number): Promise<BindingView> {
    const found = await this.connectors.get(input.connectorId);
    // Another site's connector is, for a site-limited caller, no connector at all.
    const connector = found && (site === undefined || found.site_number === site) ? found : undefined;
    if (!connector) throw InvalidInputError.field('connectorId', `connectorId ${input.connectorId} is not a connector`);
    // Source ids are stored in canonical lower case: a case variant is the same audience or step.
    const sourceId = input.source.id.toLowerCase();
    if (await this.bindings.exists(connector.id, sourceId)) {
      throw new ConflictError(`Connector ${connector.id} is already bound to ${input.source.type} ${sourceId}`);
    }
    const max = this.config.limits.bindingsPerSource;
    const bound = await this.bindings.countForSource(connector.site_number, sourceId);
    if (bound >= max) {
      throw new LimitExceededError(
        'quota',
        { name: 'MAX_BINDINGS_PER_SOURCE', max, actual: bound + 1 },
        `${input.source.type} ${sourceId} of site ${connector.site_number} already has ${bound} connectors bound (MAX_BINDINGS_PER_SOURCE=${max}): each of its events fans out to every one`,
        [{ field: 'source.id', message: `already has ${bound} connectors bound, the most a source may have` }],
      );
    }
    const row: BindingRow = {
      id: randomUUID(),
      connector_id: connector.id,
      // The binding lives in its connector's site: events of other sites can never reach it.
      site_number: connector.site_number,
      source_type: input.source.type,
      source_id: sourceId,
      source_number: input.source.type === 'audience' ? input.source.number! : null,
      source_label: input.source.name,
      source_name: input.sourceName ?? null,
      profile_variables: JSON.stringify((input.profileVariables ?? []).map(({ name, property }) => ({ name, property }))),
      properties: JSON.stringify(input.properties ?? {}),
      created_at: Date.now(),
    };
    try {
      await this.bindings.insert(row);
    } catch (error) {
      // Saved meanwhile by a concurrent request (the store's unique key on connector and source).
      if (await this.bindings.exists(connector.id, sourceId))
        throw new ConflictError(`Connector ${connector.id} is already bound to ${input.source.type} ${sourceId}`);
      throw error;
    }
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

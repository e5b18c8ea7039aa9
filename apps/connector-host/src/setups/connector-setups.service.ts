import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  type CheckContext,
  type CheckResult,
  ConnectorRegistry,
  type ConnectorSetup,
  type EventConnector,
} from '@event-connectors/connector-sdk';
import { ForbiddenError, InvalidInputError, LimitExceededError, NotFoundError, UnprocessableError } from '../common/domain-errors.js';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { type ConnectorRow, ConnectorsRepository } from '../store/repositories/connectors.repository.js';
import { OutboxStore } from '../store/outbox/outbox-store.js';
import { ConnectorChanges } from './connector-changes.js';
import { checkOnce, ConnectorInstancesService } from './connector-instances.service.js';
import { type ConnectorView, connectorView, type SavedConnector } from './connector-view.js';
import { type DeliveryPolicy, deliveryPolicyProblems, deliveryPolicyView } from './delivery-policy.js';
import { SECRET_BOX } from './secret-box.provider.js';
import { SetupSettings } from './setup-settings.js';
import { SiteClaims } from './site-claims.js';
import { HOST_SITE_NUMBER } from '../common/host-site.js';
import { AlertStatesRepository } from '../store/alerts/alert-states.repository.js';
import { DeliveryHealthRepository } from '../store/alerts/delivery-health.repository.js';

/** A set-up to create: the form every connector shares, and the connector type's own settings. */
export interface NewConnector {
  type: string;
  siteNumber: number;
  name: string;
  partnerNumber: number;
  settings: Record<string, unknown>;
  /** Default true. */
  enabled?: boolean;
  /** How it delivers, within the host's bounds (see delivery-policy.ts); default: the host's values. */
  deliveryPolicy?: DeliveryPolicy;
}

/**
 * A change of a set-up: type and site never change; settings not given keep their values (secrets too); a
 * delivery policy given replaces the stored one whole.
 */
export type ConnectorPatch = Partial<Pick<NewConnector, 'name' | 'partnerNumber' | 'settings' | 'enabled' | 'deliveryPolicy'>>;

/** Creating, changing, showing and checking connector set-ups. */
@Injectable()
export class ConnectorSetupsService {
  constructor(
    private readonly registry: ConnectorRegistry,
    private readonly connectors: ConnectorsRepository,
    private readonly instances: ConnectorInstancesService,
    private readonly changes: ConnectorChanges,
    private readonly outbox: OutboxStore,
    @Inject(SECRET_BOX) private readonly secretBox: SecretBox,
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
    private readonly settings: SetupSettings,
    private readonly claims: SiteClaims,
    private readonly health: DeliveryHealthRepository,
    private readonly alertStates: AlertStatesRepository,
  ) {}

  /**
   * Saves a new set-up and checks it against its destination; the check's result comes back beside the
   * record. With `strict`, a failing check refuses the set-up (422) and nothing is saved.
   */
  async create(input: NewConnector, strict = false, site?: number): Promise<SavedConnector> {
    if (site !== undefined && input.siteNumber !== site) {
      throw new ForbiddenError(`siteNumber: this token may only manage site ${site}`);
    }
    const connector = this.connectorType(input.type);
    const deliveryPolicy = this.policyRow(input.deliveryPolicy);
    const settings = await this.settings.validated(connector, input.settings, input.siteNumber);
    await this.refuseOverSiteQuota(input.siteNumber);
    const id = randomUUID();
    const earlyCheck = await this.checkBeforeSaving(connector, { id, settings, siteNumber: input.siteNumber }, strict, {
      largestRecentMessageBytes: 0,
    });
    const now = Date.now();
    const row: ConnectorRow = {
      id,
      type: input.type,
      site_number: input.siteNumber,
      name: input.name,
      partner_number: input.partnerNumber,
      ...this.settings.toRow(connector, settings, id),
      enabled: input.enabled === false ? 0 : 1,
      created_at: now,
      updated_at: now,
      paused_reason: null,
      paused_at: null,
      delivery_policy: deliveryPolicy,
    };
    // Counted again with the insert, atomically: creates racing each other never pass the quota together.
    const saved = await this.connectors.insertWithinSiteQuota(row, this.config.limits.connectorsPerSite);
    if (!saved.inserted) this.refuseSiteFull(input.siteNumber, saved.count);
    this.changes.changed(id);
    return { ...this.view(row), check: earlyCheck ?? (await this.instances.check(row)) };
  }

  /** Changes a set-up (omitted settings keep their values) and checks it, as `create` does. */
  async update(id: string, patch: ConnectorPatch, strict = false, site?: number): Promise<SavedConnector> {
    const row = refuseHostOwned(await this.row(id, site));
    if (Object.values(patch).every((value) => value === undefined)) {
      throw InvalidInputError.field('body', 'give at least one of name, partnerNumber, enabled, settings, deliveryPolicy');
    }
    const connector = this.connectorType(row.type);
    const changes: Partial<ConnectorRow> = {};
    if (patch.deliveryPolicy !== undefined) changes.delivery_policy = this.policyRow(patch.deliveryPolicy);
    let earlyCheck: CheckResult | undefined;
    if (patch.settings !== undefined) {
      const settings = await this.settings.validated(connector, patch.settings, row.site_number, row);
      const context = await this.instances.contextOf(id, row.paused_reason);
      earlyCheck = await this.checkBeforeSaving(connector, { id, settings, siteNumber: row.site_number }, strict, context);
      Object.assign(changes, this.settings.toRow(connector, settings, id));
    }
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.partnerNumber !== undefined) changes.partner_number = patch.partnerNumber;
    if (patch.enabled !== undefined) changes.enabled = patch.enabled ? 1 : 0;
    // Strictly increasing, so an open instance always notices the change even within one millisecond. A policy alone
    // leaves the set-up's version: its loop takes the policy up without reopening the destination's client.
    if (Object.keys(changes).some((column) => column !== 'delivery_policy')) changes.updated_at = Math.max(Date.now(), row.updated_at + 1);
    // Before it is enabled: the alerts' look never sees it enabled under the host's disabling (it would disable it).
    if (changes.enabled === 1 && row.enabled === 0) await this.enabledAgain(id);
    await this.connectors.update(id, changes);
    this.changes.changed(id);
    if (changes.settings !== undefined) await this.claims.releaseUnused(connector, row.site_number, JSON.parse(row.settings) as object, '');
    const saved = { ...row, ...changes };
    return { ...this.view(saved), check: earlyCheck ?? (await this.instances.check(saved)) };
  }

  async get(id: string, site?: number): Promise<ConnectorView> {
    return this.view(await this.row(id, site));
  }

  /** Lists set-ups; a site-limited caller sees its own site only. */
  async list(filter: { siteNumber?: number; type?: string }, site?: number): Promise<ConnectorView[]> {
    if (site !== undefined && filter.siteNumber !== undefined && filter.siteNumber !== site) return [];
    return (await this.connectors.list({ ...filter, siteNumber: site ?? filter.siteNumber })).map((row) => this.view(row));
  }

  async delete(id: string, site?: number): Promise<void> {
    const row = refuseHostOwned(await this.row(id, site));
    if (!(await this.connectors.delete(id))) throw this.notFound(id);
    this.outbox.forget(id);
    this.changes.changed(id);
    const connector = this.registry.get(row.type);
    if (connector) await this.claims.releaseUnused(connector, row.site_number, JSON.parse(row.settings) as object, id);
  }

  /** Runs the connector's own check against its destination now; a passing check resumes a paused connector. */
  async check(id: string, site?: number): Promise<CheckResult> {
    const row = await this.row(id, site);
    const result = await this.instances.check(row);
    if (result.ok && row.paused_reason) await this.resume(id);
    return result;
  }

  /** Lifts a pause: the delivery loop takes the kept backlog up again. */
  async resume(id: string, site?: number): Promise<ConnectorView> {
    const row = await this.row(id, site);
    await this.connectors.update(id, { paused_reason: null, paused_at: null });
    this.changes.changed(id);
    return this.view({ ...row, paused_reason: null, paused_at: null });
  }

  /** The set-up, if it exists and the caller's site (if limited) owns it: another site's is "not found". */
  async row(id: string, site?: number): Promise<ConnectorRow> {
    const row = await this.connectors.get(id);
    if (!row || (site !== undefined && row.site_number !== site)) throw this.notFound(id);
    return row;
  }

  /** Refuses early, before a check's I/O, a set-up its site has no room for (the insert counts again). */
  private async refuseOverSiteQuota(siteNumber: number): Promise<void> {
    const count = await this.connectors.countForSite(siteNumber);
    if (count >= this.config.limits.connectorsPerSite) this.refuseSiteFull(siteNumber, count);
  }

  private refuseSiteFull(siteNumber: number, count: number): never {
    const max = this.config.limits.connectorsPerSite;
    throw new LimitExceededError(
      'quota',
      { name: 'MAX_CONNECTORS_PER_SITE', max, actual: count + 1 },
      `Site ${siteNumber} already has ${count} connectors (MAX_CONNECTORS_PER_SITE=${max}); delete one to add another`,
      [{ field: 'siteNumber', message: `site ${siteNumber} already has ${count} connectors, the most a site may have` }],
    );
  }

  /**
   * Checks settings that are not saved yet, when the save depends on it: with `strict` a failure refuses them (422);
   * a value one site only may configure (a role ARN) is claimed only by a set-up whose check passed, i.e. that the
   * destination let in as this site (the role assumed with this site's external ID), so no site can squat another's.
   * Undefined when no check was needed before saving.
   */
  private async checkBeforeSaving(
    connector: EventConnector,
    setup: ConnectorSetup,
    strict: boolean,
    context: CheckContext,
  ): Promise<CheckResult | undefined> {
    const claims = this.claims.wanted(connector, setup.settings);
    if (!strict && !claims) return undefined;
    const check = await checkOnce(connector.open(setup), this.config.checkTimeoutMs, context);
    if (strict && !check.ok)
      throw new UnprocessableError(`The connector was not saved: ${check.problem?.message ?? 'its check failed'}`, check);
    if (claims && check.ok) await this.claims.claim(connector, setup.siteNumber!, setup.settings);
    return check;
  }

  private view(row: ConnectorRow): ConnectorView {
    const secretNames = Object.keys(this.secretBox.open(row.secrets, row.id));
    return connectorView(row, this.registry.get(row.type), secretNames, deliveryPolicyView(row.delivery_policy, this.config.delivery));
  }

  /** A chosen policy as stored (null for none), refused with every named problem if it passes the host's bounds. */
  /** Its time disabled does not count as failing: a streak, and a disabling by the host, end here (alerts/). */
  private async enabledAgain(id: string): Promise<void> {
    const now = Date.now();
    await this.health.startAfresh(id, now);
    await this.alertStates.enabledAgain(id, now);
  }

  private policyRow(policy: DeliveryPolicy | undefined): string | null {
    if (policy === undefined) return null;
    const problems = deliveryPolicyProblems(policy, this.config.delivery);
    if (problems.length > 0) throw new InvalidInputError(problems);
    const chosen = Object.fromEntries(Object.entries(policy).filter(([, value]) => value !== undefined && value !== null));
    return Object.keys(chosen).length > 0 ? JSON.stringify(chosen) : null;
  }

  private connectorType(type: string): EventConnector {
    const connector = this.registry.get(type);
    if (!connector) {
      throw InvalidInputError.field('type', `type must be one of the loaded connector types: ${this.registry.types().join(', ')}`);
    }
    return connector;
  }

  private notFound(id: string): NotFoundError {
    return new NotFoundError(`Connector ${id} was not found`);
  }
}

/** The host's own set-ups (the alert channel) change with its configuration only. */
function refuseHostOwned(row: ConnectorRow): ConnectorRow {
  if (row.site_number === HOST_SITE_NUMBER)
    throw new ForbiddenError(`Connector ${row.id} is the host's alert channel: ALERT_WEBHOOK_URL and ALERT_WEBHOOK_SECRET set it`);
  return row;
}

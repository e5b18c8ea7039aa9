import { Module } from '@nestjs/common';
import { DeliveryTraceModule } from '../trace/delivery-trace.module.js';
import { SkipRecorder } from './skip-recorder.js';
import { TerminusModule } from '@nestjs/terminus';
import { ConnectorSdkModule } from '@event-connectors/connector-sdk';
import { ObservabilityModule } from '../observability/observability.module.js';
import { StoreModule } from '../store/store.module.js';
import { EventRouter } from './event-router.js';
import { EventsRequestValidator } from './events-request.validator.js';
import { GroupCommit } from './group-commit.js';
import { IdempotencyPurge } from './idempotency-purge.js';
import { IngestService } from './ingest.service.js';
import { SiteBacklogQuota } from './site-backlog-quota.js';
import { ConnectorBacklogCap } from './connector-backlog-cap.js';
import { BacklogCapRefusals } from './backlog-cap-refusals.js';
import { IntakeBudget } from './intake-budget.js';
import { IntakeGate } from './intake-gate.js';
import { IntakeHealthIndicator } from './intake-health.indicator.js';
import { IntakeNotifications } from './intake-notifications.js';
import { IntakeObserver } from './intake-observer.js';

/** Event intake: validate, route to bindings, build messages, commit them (group commit), answer 202. */
@Module({
  imports: [StoreModule, ObservabilityModule, TerminusModule, ConnectorSdkModule, DeliveryTraceModule],
  providers: [
    EventsRequestValidator,
    EventRouter,
    GroupCommit,
    IngestService,
    IntakeBudget,
    IntakeGate,
    IntakeNotifications,
    IntakeObserver,
    IdempotencyPurge,
    IntakeHealthIndicator,
    SiteBacklogQuota,
    ConnectorBacklogCap,
    BacklogCapRefusals,
    SkipRecorder,
  ],
  exports: [IngestService, IntakeNotifications, IntakeHealthIndicator, IntakeBudget],
})
export class IntakeModule {}

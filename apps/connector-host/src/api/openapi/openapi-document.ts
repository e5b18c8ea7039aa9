import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { TSchema } from 'typebox';
import { FieldErrorSchema } from '../../common/field-error.js';
import { ClusterViewSchema } from '../../cluster/cluster-view.js';
import { DeadLetterPageSchema, DeleteResultSchema, ReplayResultSchema } from '../../delivery/dead-letter-answers.js';
import { DeliveryListSchema } from '../../delivery/delivery-list.js';
import { MessagePageSchema } from '../../history/message-view.js';
import { ReplayListSchema, ReplayViewSchema } from '../../history/replay-view.js';
import { ConnectorHealthListSchema } from '../../health/connector-health.js';
import { HealthReportSchema } from '../../health/health-report.js';
import { IngestReceiptSchema } from '../../intake/ingest-receipt.js';
import { BindingViewSchema } from '../../setups/binding-view.js';
import { CheckResultSchema } from '../../setups/check-result.js';
import { ConnectorTypeSchema } from '../../setups/connector-type.js';
import { ConnectorViewSchema, SavedConnectorSchema } from '../../setups/connector-view.js';
import { DeliveryPolicyViewSchema } from '../../setups/delivery-policy.js';
import { RotationResultSchema } from '../../setups/rotation-result.js';
import { SiteIssuedSchema } from '../../setups/site-issued.js';
import { ConnectorStatsSchema, TrafficCountsSchema } from '../../stats/connector-stats.js';
import { ErrorBodySchema } from '../error-body.js';
import { ConsoleSessionSchema } from '../../sessions/console-session-view.js';

/**
 * The answers' schemas, by the names the routes' `@Answers` and `@Refuses` (and `named` references between the
 * schemas) refer to. Each is written once, beside what answers it, and its TypeScript type derived from it.
 */
const ANSWER_SCHEMAS: Record<string, TSchema> = {
  ErrorBody: ErrorBodySchema,
  FieldError: FieldErrorSchema,
  CheckResult: CheckResultSchema,
  ConnectorView: ConnectorViewSchema,
  DeliveryPolicy: DeliveryPolicyViewSchema,
  SavedConnector: SavedConnectorSchema,
  ConnectorType: ConnectorTypeSchema,
  BindingView: BindingViewSchema,
  IngestReceipt: IngestReceiptSchema,
  DeadLetterPage: DeadLetterPageSchema,
  ReplayResult: ReplayResultSchema,
  DeleteResult: DeleteResultSchema,
  DeliveryList: DeliveryListSchema,
  MessagePage: MessagePageSchema,
  ReplayView: ReplayViewSchema,
  ReplayList: ReplayListSchema,
  RotationResult: RotationResultSchema,
  ConnectorStats: ConnectorStatsSchema,
  TrafficCounts: TrafficCountsSchema,
  HealthReport: HealthReportSchema,
  ConnectorHealthList: ConnectorHealthListSchema,
  ClusterView: ClusterViewSchema,
  SiteIssued: SiteIssuedSchema,
  ConsoleSession: ConsoleSessionSchema,
};

const ERROR_BODY = { content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } };

/**
 * Refusals Fastify gives before any route runs, on every method that may carry a body: unparsable JSON (400), too
 * large (413), a content type it has no parser for (415). Added here once, since no route can opt out of them.
 */
const BODY_REFUSALS: Record<string, string> = {
  '400': 'Invalid input (the body is not valid JSON, or a field is wrong): `errors` names the field',
  '413': 'The body is larger than MAX_BODY_BYTES',
  '415': 'The body is neither JSON nor text (send content-type: application/json)',
};

/** The API document served at /docs and /docs/json (OpenAPI 3.1, so the events body's JSON Schema is kept as is). */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Connector host')
    .setDescription(
      'Configure event connectors, bind them to audiences and journey steps, and stream profile changes to them. ' +
        'Every refusal has the ErrorBody shape; 429 and 503 carry Retry-After.',
    )
    .setVersion('1')
    .setLicense('UNLICENSED', 'https://docs.npmjs.com/cli/v10/configuring-npm/package-json#license')
    .addServer('/', 'This host (the document is served by the host it describes)')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'An ADMIN_TOKENS token for /v1 set-up routes, an INGEST_TOKENS token for /v1/events',
    })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...ANSWER_SCHEMAS } };
  for (const path of Object.values(document.paths)) {
    // Protected routes declare bearer security through @Access; the rest are public, which OpenAPI writes as [].
    for (const operation of [path.get, path.post, path.patch, path.put, path.delete]) if (operation) operation.security ??= [];
    for (const method of ['post', 'patch', 'put', 'delete'] as const) {
      const operation = path[method];
      if (!operation) continue;
      for (const [status, description] of Object.entries(BODY_REFUSALS)) {
        operation.responses[status] ??= { description, ...ERROR_BODY };
      }
    }
  }
  return document;
}

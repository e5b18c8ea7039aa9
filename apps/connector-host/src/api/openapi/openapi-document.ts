import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { CHECK_RESULT_SCHEMA, ERROR_BODY_SCHEMA, FIELD_ERROR_SCHEMA } from './error-body.schema.js';
import {
  DEAD_LETTER_PAGE_SCHEMA,
  DELIVERY_LIST_SCHEMA,
  INGEST_RECEIPT_SCHEMA,
  REPLAY_RESULT_SCHEMA,
  DELETE_RESULT_SCHEMA,
  ROTATION_RESULT_SCHEMA,
} from './delivery-schemas.js';
import { CONNECTOR_STATS_SCHEMA, TRAFFIC_COUNTS_SCHEMA } from './stats-schemas.js';
import { CLUSTER_VIEW_SCHEMA, CONNECTOR_HEALTH_LIST_SCHEMA, HEALTH_REPORT_SCHEMA } from './health-schemas.js';
import {
  BINDING_VIEW_SCHEMA,
  CONNECTOR_TYPE_SCHEMA,
  CONNECTOR_VIEW_SCHEMA,
  SAVED_CONNECTOR_SCHEMA,
  SITE_ISSUED_SCHEMA,
} from './setup-schemas.js';

/** The answers' schemas, by the names the routes' `@Answers` and `@Refuses` refer to. */
const ANSWER_SCHEMAS: Record<string, object> = {
  ErrorBody: ERROR_BODY_SCHEMA,
  FieldError: FIELD_ERROR_SCHEMA,
  CheckResult: CHECK_RESULT_SCHEMA,
  ConnectorView: CONNECTOR_VIEW_SCHEMA,
  SavedConnector: SAVED_CONNECTOR_SCHEMA,
  ConnectorType: CONNECTOR_TYPE_SCHEMA,
  BindingView: BINDING_VIEW_SCHEMA,
  IngestReceipt: INGEST_RECEIPT_SCHEMA,
  DeadLetterPage: DEAD_LETTER_PAGE_SCHEMA,
  ReplayResult: REPLAY_RESULT_SCHEMA,
  DeleteResult: DELETE_RESULT_SCHEMA,
  DeliveryList: DELIVERY_LIST_SCHEMA,
  RotationResult: ROTATION_RESULT_SCHEMA,
  ConnectorStats: CONNECTOR_STATS_SCHEMA,
  TrafficCounts: TRAFFIC_COUNTS_SCHEMA,
  HealthReport: HEALTH_REPORT_SCHEMA,
  ConnectorHealthList: CONNECTOR_HEALTH_LIST_SCHEMA,
  ClusterView: CLUSTER_VIEW_SCHEMA,
  SiteIssued: SITE_ISSUED_SCHEMA,
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

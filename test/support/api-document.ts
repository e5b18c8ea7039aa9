import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';

/** One documented answer: `GET /v1/connectors/{id} 404`. */
export type AnswerKey = string;

type Response = { content?: Record<string, { schema?: object }>; headers?: Record<string, unknown> };
type Operation = { security?: Record<string, string[]>[]; requestBody?: unknown; responses: Record<string, Response> };
export type ApiDocumentJson = { openapi: string; paths: Record<string, Record<string, Operation>>; components: object };

/** A documented operation: its method, path template and whether it needs a bearer token or takes a body. */
export interface DocumentedOperation {
  method: string;
  path: string;
  secured: boolean;
  takesBody: boolean;
  statuses: string[];
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

const METHODS = ['get', 'post', 'patch', 'put', 'delete'];

/**
 * The host's published OpenAPI document as a checker: every answer a test receives is matched to the operation
 * and status it documents and validated against that answer's schema (JSON Schema 2020-12, as OpenAPI 3.1 says),
 * and the checker keeps which documented answers were seen, so a test can require all of them.
 */
export class ApiDocument {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly seen = new Set<AnswerKey>();
  readonly operations: DocumentedOperation[] = [];

  constructor(readonly json: ApiDocumentJson) {
    addFormats.default(this.ajv);
    // The whole document under one id: each answer's schema is compiled by JSON pointer, so its
    // `#/components/schemas/…` references resolve inside the same document.
    this.ajv.addSchema(json, 'openapi.json');
    for (const [path, item] of Object.entries(json.paths)) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        this.operations.push({
          method: method.toUpperCase(),
          path,
          secured: (operation.security ?? []).length > 0,
          takesBody: ['post', 'patch', 'put', 'delete'].includes(method),
          statuses: Object.keys(operation.responses),
        });
      }
    }
  }

  /** Every documented (operation, status). */
  documented(): AnswerKey[] {
    return this.operations.flatMap(({ method, path, statuses }) => statuses.map((status) => `${method} ${path} ${status}`));
  }

  /** The documented answers no check has seen yet. */
  unseen(): AnswerKey[] {
    return this.documented().filter((key) => !this.seen.has(key));
  }

  /** Asserts `answer` is one `method path` documents, that its body fits the documented schema, and records it. */
  check(method: string, path: string, answer: Answer): void {
    const key = `${method} ${path} ${answer.status}`;
    const operation = this.json.paths[path]?.[method.toLowerCase()];
    expect(operation, `${method} ${path} is documented`).toBeDefined();
    const response = operation.responses[String(answer.status)];
    expect(response, `${key} is documented (body: ${answer.text.slice(0, 300)})`).toBeDefined();
    const json = response.content?.['application/json'];
    if (!json?.schema) {
      expect(answer.text, `${key} documents no body`).toBe('');
    } else {
      expect(answer.headers.get('content-type'), `${key} content type`).toMatch(/^application\/json/);
      const validate = this.validator(method, path, String(answer.status));
      const body: unknown = JSON.parse(answer.text);
      expect(validate(body) ? [] : validate.errors, `${key} body fits its schema: ${answer.text.slice(0, 300)}`).toEqual([]);
    }
    for (const header of Object.keys(response.headers ?? {})) {
      // Idempotent-Replayed is only sent on a replay; Retry-After always comes with its refusals.
      if (header === 'Retry-After') expect(answer.headers.get(header), `${key} carries ${header}`).toMatch(/^\d+$/);
    }
    this.seen.add(key);
  }

  private validator(method: string, path: string, status: string): ValidateFunction {
    const pointer = ['paths', path, method.toLowerCase(), 'responses', status, 'content', 'application/json', 'schema']
      .map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1'))
      .join('/');
    let validate = this.validators.get(pointer);
    if (!validate) this.validators.set(pointer, (validate = this.ajv.compile({ $ref: `openapi.json#/${pointer}` })));
    return validate;
  }
}

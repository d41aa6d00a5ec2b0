import fastifySwagger, { type SwaggerTransform } from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * The OpenAPI 3.1 document of a service, derived from its routes: each route
 * declares its zod schemas (params, querystring, body, responses) and its
 * operationId, summary and tags next to its handler; Fastify validates and
 * serializes with those schemas, and @fastify/swagger collects them here.
 * Routes without tags (health, metrics, the docs themselves) are not part of
 * the API and stay out of the document.
 */
export interface ApiDocumentInfo {
  title: string;
  version: string;
  description: string;
  securitySchemes?: Record<string, { type: 'http'; scheme: string; bearerFormat?: string }>;
}

/** Every error response: the one shape every service sends. */
export const errorSchema = z
  .looseObject({ error: z.string().meta({ description: 'What went wrong, in words a person can act on.' }) })
  .meta({ id: 'Error', description: 'Every error response.' });

export interface ResponseHeader {
  type: 'string';
  description: string;
}

/** A JSON response as the document shows it: a description, the body's schema, and any headers it sets. */
export function jsonResponse<Schema extends z.ZodType>(
  description: string,
  schema: Schema,
  headers?: Record<string, ResponseHeader>,
) {
  return { description, content: { 'application/json': { schema } }, ...(headers ? { headers } : {}) };
}

/** The error responses of an operation, each with what it means for this API. */
export function errorResponses<Status extends number>(
  descriptions: Record<Status, string>,
  statuses: readonly Status[],
) {
  return Object.fromEntries(
    [...new Set(statuses)].sort().map((status) => [status, jsonResponse(descriptions[status], errorSchema)]),
  ) as Record<Status, ReturnType<typeof jsonResponse<typeof errorSchema>>>;
}

type TransformInput = Parameters<SwaggerTransform>[0];
type ResponseSchemas = Record<string, { headers?: unknown } | undefined>;
type OpenApiDocument = {
  paths?: Record<string, Record<string, { requestBody?: { required?: boolean } }>>;
  components?: { schemas?: Record<string, unknown> };
};

const zodTransform = createJsonSchemaTransform({});
const zodTransformObject = createJsonSchemaTransformObject({});

/** The swagger transforms of one app: zod to JSON Schema, plus what that conversion leaves out. */
function documentTransforms() {
  // Operations whose body may be left out ("PATCH /api/tasks/{id}/complete"):
  // @fastify/swagger marks every body required, so they are corrected below.
  const optionalBodies = new Set<string>();

  const transform = ((input: TransformInput) => {
    const output = zodTransform(input as never) as { schema?: { response?: ResponseSchemas }; url: string };
    const schema = input.schema as { response?: ResponseSchemas; body?: unknown } | undefined;
    // The zod transform drops the headers a response declares; put them back
    // so the document lists Link and the like.
    for (const [status, response] of Object.entries(schema?.response ?? {})) {
      const target = output.schema?.response?.[status];
      if (response?.headers !== undefined && target !== undefined) target.headers = response.headers;
    }
    if (schema?.body instanceof z.ZodType && schema.body.safeParse(undefined).success) {
      const methods = [input.route.method].flat();
      const path = input.url.replace(/:(\w+)/g, '{$1}');
      for (const method of methods) optionalBodies.add(`${method.toLowerCase()} ${path}`);
    }
    return output;
  }) as SwaggerTransform;

  // Components for every schema with an id, minus the input variants no
  // operation refers to (the Error schema is only ever a response).
  function transformObject(documentObject: Parameters<typeof zodTransformObject>[0]) {
    const document = zodTransformObject(documentObject) as OpenApiDocument;
    const schemas = document.components?.schemas ?? {};
    const text = JSON.stringify({ ...document, components: { ...document.components, schemas: {} } });
    for (const name of Object.keys(schemas)) {
      if (name.endsWith('Input') && !text.includes(`#/components/schemas/${name}"`)) delete schemas[name];
    }
    for (const [path, operations] of Object.entries(document.paths ?? {})) {
      for (const [method, operation] of Object.entries(operations)) {
        if (optionalBodies.has(`${method} ${path}`) && operation.requestBody) operation.requestBody.required = false;
      }
    }
    return document as ReturnType<typeof zodTransformObject>;
  }
  return { transform, transformObject };
}

/** /api/openapi.json (the document) and /api/docs (a page for people to read and try it). */
export const openapiPlugin = fp<ApiDocumentInfo>(
  async (app: FastifyInstance, info) => {
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: info.title, version: info.version, description: info.description },
        ...(info.securitySchemes ? { components: { securitySchemes: info.securitySchemes } } : {}),
      },
      hideUntagged: true,
      ...documentTransforms(),
    });
    app.get('/api/openapi.json', { logLevel: 'warn' }, async () => app.swagger());
    await app.register(fastifySwaggerUi, {
      routePrefix: '/api/docs',
      uiConfig: { url: '/api/openapi.json' } as never,
    });
  },
  { name: 'berth-openapi', fastify: '5.x' },
);

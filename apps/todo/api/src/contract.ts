import { type FastifyInstance, HttpError, parseInput, z } from '@berth/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Each operation of the API is declared once, here or next to its route: its
 * request schemas (zod) validate input, its response schema serializes output
 * (Fastify compiles it, so a field not in the schema never leaves), and the
 * same schemas become the OpenAPI 3.1 document at /api/openapi.json.
 */

export const errorSchema = z
  .looseObject({ error: z.string().meta({ description: 'What went wrong, in words a person can act on.' }) })
  .meta({ description: 'Every error response.' });

const ERROR_DESCRIPTIONS = {
  400: 'The request is malformed or a field is invalid; the message names the field.',
  401: 'No token, or the token is invalid, expired or revoked.',
  403: 'The path names another user.',
  404: 'No such resource for this user.',
  409: 'Conflicts with existing data.',
  413: 'The request body is too large.',
  415: 'The body is not application/json.',
  429: 'Too many attempts; retry after the number of seconds in Retry-After.',
  503: 'A dependency (database or Redis) is unavailable; retry shortly.',
} as const;
export type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

export interface AuthUser {
  id: string;
  tokenId: string;
  expiresAt: Date;
}

/** Checks a request's Authorization header; resolves to the caller or throws a 401/503 HttpError. */
export type Authenticate = (request: FastifyRequest) => Promise<AuthUser>;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type AnySchema = z.ZodType;

export interface Input<B extends AnySchema, Q extends AnySchema, P extends AnySchema> {
  body: z.output<B>;
  query: z.output<Q>;
  params: z.output<P>;
  /** The authenticated caller; only on operations with `auth: true`. */
  user: AuthUser;
  request: FastifyRequest;
  reply: FastifyReply;
}

export interface Operation<B extends AnySchema, Q extends AnySchema, P extends AnySchema> {
  method: Method;
  /** OpenAPI-style path: /api/tasks/{id}. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  auth: boolean;
  body?: B;
  query?: Q;
  params?: P;
  response: {
    status: 200 | 201 | 204;
    description: string;
    schema?: AnySchema;
    headers?: Record<string, string>;
  };
  errors: readonly ErrorStatus[];
  /**
   * Also serve the operation at /api/{user_id}/…, the hackathon front ends'
   * contract; a user_id other than the caller's is 403.
   */
  userScopedAlias?: boolean;
  handler(input: Input<B, Q, P>): Promise<unknown>;
}

// Erased form kept in the registry; each operation was type-checked at its definition.
// biome-ignore lint/suspicious/noExplicitAny: the registry holds operations of every shape
type AnyOperation = Operation<any, any, any>;

export function operation<
  B extends AnySchema = z.ZodUnknown,
  Q extends AnySchema = z.ZodUnknown,
  P extends AnySchema = z.ZodUnknown,
>(definition: Operation<B, Q, P>): Operation<B, Q, P> {
  return definition;
}

const USER_ID_PARAM = 'user_id';
const aliasPath = (path: string) => path.replace(/^\/api\//, `/api/{${USER_ID_PARAM}}/`);
const fastifyPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

function jsonSchema(schema: AnySchema, io: 'input' | 'output', target: 'draft-7' | 'draft-2020-12') {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, target, unrepresentable: 'any' });
  return rest as Record<string, unknown>;
}

const noUser = {
  get id(): never {
    throw new Error('operation declared auth: false has no user');
  },
} as unknown as AuthUser;

/** Registers operations on Fastify and builds their OpenAPI document. */
export class Contract {
  readonly #operations: AnyOperation[] = [];
  readonly #app: FastifyInstance;
  readonly #authenticate: Authenticate;

  constructor(app: FastifyInstance, authenticate: Authenticate) {
    this.#app = app;
    this.#authenticate = authenticate;
  }

  add(...operations: AnyOperation[]): void {
    for (const op of operations) {
      this.#operations.push(op);
      this.#register(op, op.path, false);
      if (op.userScopedAlias) this.#register(op, aliasPath(op.path), true);
    }
  }

  #register(op: AnyOperation, path: string, scoped: boolean): void {
    const response = op.response.schema
      ? { [op.response.status]: jsonSchema(op.response.schema, 'output', 'draft-7') }
      : undefined;
    this.#app.route({
      method: op.method,
      url: fastifyPath(path),
      ...(response ? { schema: { response } } : {}),
      handler: async (request, reply) => {
        const user = op.auth ? await this.#authenticate(request) : noUser;
        const rawParams = { ...(request.params as Record<string, string>) };
        if (scoped) {
          if (rawParams[USER_ID_PARAM] !== user.id) {
            throw new HttpError(403, 'The user id in the path is not the signed-in user');
          }
          delete rawParams[USER_ID_PARAM];
        }
        const params = op.params ? parseInput(op.params, rawParams) : undefined;
        const query = op.query ? parseInput(op.query, request.query ?? {}) : undefined;
        const body = op.body ? parseInput(op.body, request.body) : undefined;
        const result = await op.handler({ body, query, params, user, request, reply });
        if (reply.sent) return reply;
        reply.code(op.response.status);
        return op.response.status === 204 ? reply.send() : result;
      },
    });
  }

  /** The OpenAPI 3.1 document of every operation added so far. */
  document(info: { title: string; version: string; description: string }): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const op of this.#operations) {
      const variants: [string, boolean][] = [[op.path, false]];
      if (op.userScopedAlias) variants.push([aliasPath(op.path), true]);
      for (const [path, scoped] of variants) {
        paths[path] ??= {};
        (paths[path] as Record<string, unknown>)[op.method.toLowerCase()] = this.#openapiOperation(op, scoped);
      }
    }
    return {
      openapi: '3.1.0',
      info,
      paths,
      components: {
        schemas: { Error: jsonSchema(errorSchema, 'output', 'draft-2020-12') },
        securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    };
  }

  #openapiOperation(op: AnyOperation, scoped: boolean): Record<string, unknown> {
    const parameters: Record<string, unknown>[] = [];
    if (scoped) {
      parameters.push({
        name: USER_ID_PARAM,
        in: 'path',
        required: true,
        description: "The signed-in user's id (from GET /api/auth/me); any other id is 403.",
        schema: { type: 'string', format: 'uuid' },
      });
    }
    for (const [where, schema] of [
      ['path', op.params],
      ['query', op.query],
    ] as const) {
      if (schema === undefined) continue;
      const object = jsonSchema(schema, 'input', 'draft-2020-12') as {
        properties?: Record<string, { description?: string }>;
        required?: string[];
      };
      for (const [name, property] of Object.entries(object.properties ?? {})) {
        const { description, ...rest } = property;
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (object.required ?? []).includes(name),
          ...(description ? { description } : {}),
          schema: rest,
        });
      }
    }
    const errors = new Set<ErrorStatus>(op.errors);
    if (op.auth) errors.add(401);
    if (scoped) errors.add(403);
    if (op.body) for (const status of [400, 413, 415] as const) errors.add(status);
    if (op.params || op.query) errors.add(400);
    const responses: Record<string, unknown> = {
      [op.response.status]: {
        description: op.response.description,
        ...(op.response.schema
          ? { content: { 'application/json': { schema: jsonSchema(op.response.schema, 'output', 'draft-2020-12') } } }
          : {}),
        ...(op.response.headers
          ? {
              headers: Object.fromEntries(
                Object.entries(op.response.headers).map(([name, description]) => [
                  name,
                  { description, schema: { type: 'string' } },
                ]),
              ),
            }
          : {}),
      },
    };
    for (const status of [...errors].sort()) {
      responses[status] = {
        description: ERROR_DESCRIPTIONS[status],
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
    }
    return {
      operationId: scoped ? `${op.operationId}ForUser` : op.operationId,
      summary: op.summary,
      tags: [op.tag],
      ...(op.auth ? { security: [{ bearerAuth: [] }] } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(op.body, 'input', 'draft-2020-12') } },
            },
          }
        : {}),
      responses,
    };
  }
}

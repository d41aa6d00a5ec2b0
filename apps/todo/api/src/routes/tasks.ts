import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpError, idParam, jsonResponse, type ServiceApp, z } from '@berth/service-kit';
import type { FastifyRequest } from 'fastify';
import { BEARER, BODY_ERRORS, type ErrorStatus, errors } from '../api-errors.ts';
import { signedIn } from '../authentication.ts';
import type { Position, TasksRepository } from '../tasks-repository.ts';
import {
  completion,
  DEFAULT_PAGE_SIZE,
  listQuery,
  type SortKey,
  type TaskFields,
  taskBody,
  taskPatch,
  taskRow,
} from '../tasks-schema.ts';

/**
 * Cursors are opaque to clients and signed, so a hand-made one is refused
 * with a 400 instead of reaching SQL; each carries the sort it belongs to.
 */
export function cursorCodec(secret: string) {
  const mac = (payload: string) =>
    createHmac('sha256', secret).update(`tasks-cursor:${payload}`).digest().subarray(0, 16).toString('base64url');
  return {
    encode(sort: string, position: Position): string {
      const payload = Buffer.from(JSON.stringify([sort, position.key, position.id])).toString('base64url');
      return `${payload}.${mac(payload)}`;
    },
    decode(sort: string, cursor: string): Position {
      const [payload = '', signature = ''] = cursor.split('.');
      const expected = Buffer.from(mac(payload));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new HttpError(400, 'cursor: is not one this API gave out; take it from the Link header');
      }
      const [cursorSort, key, id] = JSON.parse(Buffer.from(payload, 'base64url').toString()) as [
        string,
        string,
        number,
      ];
      if (cursorSort !== sort) throw new HttpError(400, `cursor: belongs to sort=${cursorSort}, not sort=${sort}`);
      return { key, id };
    },
  };
}

export type Cursors = ReturnType<typeof cursorCodec>;

export interface TaskRoutesOptions {
  tasks: TasksRepository;
  cursors: Cursors;
  /**
   * Serve the routes under /api/{user_id}/… as well, the hackathon front
   * ends' contract: a user_id other than the caller's is 403. Registered once
   * per prefix, so each route is written once.
   */
  userInPath: boolean;
}

const userIdParam = z
  .string()
  .meta({ format: 'uuid', description: "The signed-in user's id (from GET /api/auth/me); any other id is 403." });
const task = (description: string) => jsonResponse(description, taskRow);
const notFound = (id: number) => new HttpError(404, `Task ${id} not found`);

/** Tasks, each owned by one user: another user's task is a 404, exactly like one that does not exist. */
export async function taskRoutes(app: ServiceApp, { tasks, cursors, userInPath }: TaskRoutesOptions): Promise<void> {
  // Sign-in is checked before validation, so a stranger learns nothing from a 400.
  app.addHook('preValidation', app.authenticate);
  if (userInPath) {
    app.addHook('preValidation', async (request: FastifyRequest<{ Params: { user_id?: string } }>) => {
      if (request.params.user_id !== signedIn(request).id) {
        throw new HttpError(403, 'The user id in the path is not the signed-in user');
      }
    });
  }
  // What differs between the two registrations: the user_id parameter, the 403, the operation ids.
  const params = <Shape extends z.ZodRawShape>(shape: Shape) =>
    (userInPath ? z.object({ user_id: userIdParam, ...shape }) : z.object(shape)) as z.ZodObject<Shape>;
  const idParams = params({ id: idParam('Task id (a positive whole number).') });
  const operationId = (name: string) => (userInPath ? `${name}ForUser` : name);
  const failures = (...statuses: ErrorStatus[]) => errors(401, ...statuses, ...(userInPath ? [403 as const] : []));
  const common = { tags: ['tasks'], security: BEARER };

  app.get(
    '/tasks',
    {
      schema: {
        ...common,
        operationId: operationId('listTasks'),
        summary: 'List your tasks (a JSON array), filtered, sorted, paginated',
        params: params({}),
        querystring: listQuery,
        response: {
          200: jsonResponse('One page of tasks.', z.array(taskRow), {
            Link: { type: 'string', description: 'rel="next": the URL of the next page, when there is one.' },
          }),
          ...failures(400, 503),
        },
      },
    },
    async (request, reply) => {
      const { query } = request;
      const page = await tasks.list(
        signedIn(request).id,
        {
          status: query.status,
          q: query.q,
          tag: query.tag,
          priority: query.priority,
          dueBefore: query.due_before,
          dueAfter: query.due_after,
        },
        {
          sort: query.sort.replace(/^-/, '') as SortKey,
          descending: query.sort.startsWith('-'),
          limit: query.limit ?? DEFAULT_PAGE_SIZE,
          after: query.cursor === undefined ? undefined : cursors.decode(query.sort, query.cursor),
        },
      );
      if (page.next !== undefined) {
        const next = new URL(request.url, 'http://localhost');
        next.searchParams.set('cursor', cursors.encode(query.sort, page.next));
        reply.header('link', `<${next.pathname}${next.search}>; rel="next"`);
      }
      return page.rows;
    },
  );

  app.post(
    '/tasks',
    {
      schema: {
        ...common,
        operationId: operationId('createTask'),
        summary: 'Add a task',
        params: params({}),
        body: taskBody,
        response: { 201: task('The new task.'), ...failures(...BODY_ERRORS, 503) },
      },
    },
    async (request, reply) => {
      const row = await tasks.create(signedIn(request).id, request.body);
      reply.code(201);
      return row;
    },
  );

  app.get(
    '/tasks/:id',
    {
      schema: {
        ...common,
        operationId: operationId('getTask'),
        summary: 'One task',
        params: idParams,
        response: { 200: task('The task.'), ...failures(400, 404, 503) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const row = await tasks.get(signedIn(request).id, id);
      if (row === undefined) throw notFound(id);
      return row;
    },
  );

  // PUT and PATCH differ only in their body schema (defaults vs. given fields); storing is the same.
  const storeUpdate = async (request: FastifyRequest & { params: { id: number }; body: Partial<TaskFields> }) => {
    const row = await tasks.update(signedIn(request).id, request.params.id, request.body);
    if (row === undefined) throw notFound(request.params.id);
    return row;
  };

  app.put(
    '/tasks/:id',
    {
      schema: {
        ...common,
        operationId: operationId('replaceTask'),
        summary: 'Replace a task (fields left out take their defaults)',
        params: idParams,
        body: taskBody,
        response: { 200: task('The task as stored.'), ...failures(...BODY_ERRORS, 404, 503) },
      },
    },
    storeUpdate,
  );

  app.patch(
    '/tasks/:id',
    {
      schema: {
        ...common,
        operationId: operationId('updateTask'),
        summary: 'Change some fields of a task',
        params: idParams,
        body: taskPatch,
        response: { 200: task('The task as stored.'), ...failures(...BODY_ERRORS, 404, 503) },
      },
    },
    storeUpdate,
  );

  app.patch(
    '/tasks/:id/complete',
    {
      schema: {
        ...common,
        operationId: operationId('toggleTask'),
        summary: 'Complete a task: {"completed": true|false} sets the state; no body toggles it',
        params: idParams,
        body: completion,
        response: { 200: task('The task as stored.'), ...failures(...BODY_ERRORS, 404, 503) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const user = signedIn(request).id;
      const row =
        request.body == null
          ? await tasks.toggle(user, id)
          : await tasks.update(user, id, { completed: request.body.completed });
      if (row === undefined) throw notFound(id);
      return row;
    },
  );

  app.delete(
    '/tasks/:id',
    {
      schema: {
        ...common,
        operationId: operationId('deleteTask'),
        summary: 'Delete a task',
        params: idParams,
        response: { 204: z.undefined().meta({ description: 'Deleted.' }), ...failures(400, 404, 503) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!(await tasks.remove(signedIn(request).id, id))) throw notFound(id);
      return reply.code(204).send();
    },
  );
}

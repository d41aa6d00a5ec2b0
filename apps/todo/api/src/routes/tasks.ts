import { createHmac, timingSafeEqual } from 'node:crypto';
import { HttpError, z } from '@berth/service-kit';
import { operation } from '../contract.ts';
import { dateTime, idParam, objectBody, text } from '../fields.ts';
import {
  type Position,
  PRIORITIES,
  type SortKey,
  type TaskFields,
  type TaskRow,
  type TasksRepository,
} from '../tasks-repository.ts';

const title = text({ min: 1, max: 200, trim: true, multiline: false, description: 'Trimmed; 1–200 characters.' });
const description = text({ min: 0, max: 2000, trim: false, multiline: true, description: 'Up to 2000 characters.' })
  .nullable()
  .transform((value) => value ?? '');
const priority = z.enum(PRIORITIES, { error: `must be one of ${PRIORITIES.join(', ')}` });
const dueAt = dateTime('When the task is due (RFC 3339), or null for no due date.').nullable();
const tag = text({ min: 1, max: 50, trim: true, multiline: false, description: 'A label; 1–50 characters.' });
const tags = z
  .array(tag, { error: 'must be an array of strings' })
  .max(20, 'must have at most 20 tags')
  .transform((list) => [...new Set(list)]);
const completed = z.boolean({ error: 'must be true or false' });

const fields = {
  title,
  description: description.optional().default(''),
  completed: completed.optional().default(false),
  priority: priority.optional().default('medium'),
  due_at: dueAt.optional().default(null),
  tags: tags.optional().default([]),
};
/** POST and PUT: a whole task; fields left out take their defaults. */
const taskBody = z.strictObject(fields, objectBody);
/** PATCH: only the fields given change. */
const taskPatch = z
  .strictObject(
    {
      title: title.optional(),
      description: description.optional(),
      completed: completed.optional(),
      priority: priority.optional(),
      due_at: dueAt.optional(),
      tags: tags.optional(),
    },
    objectBody,
  )
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), 'give at least one field to change');

const taskSchema = z.object({
  id: z.int().min(1),
  user_id: z.uuid(),
  title: z.string(),
  description: z.string(),
  completed: z.boolean(),
  priority: z.enum(PRIORITIES),
  due_at: z.union([z.iso.datetime(), z.null()]),
  tags: z.array(z.string()),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});

const SORTS = [
  'created_at',
  '-created_at',
  'updated_at',
  '-updated_at',
  'due_at',
  '-due_at',
  'priority',
  '-priority',
  'title',
  '-title',
] as const;
const MAX_LIMIT = 500;

const listQuery = z.object({
  status: z
    .enum(['all', 'pending', 'completed'], { error: 'must be all, pending or completed' })
    .default('all')
    .meta({ description: 'Which tasks: all, pending (not completed) or completed.' }),
  q: text({
    min: 1,
    max: 200,
    trim: false,
    multiline: false,
    description: 'Text in the title or description (case-insensitive).',
  }).optional(),
  tag: tag.optional(),
  priority: priority.optional(),
  due_before: dateTime('Only tasks due before this instant.').optional(),
  due_after: dateTime('Only tasks due after this instant.').optional(),
  sort: z
    .enum(SORTS, { error: `must be one of ${SORTS.join(', ')}` })
    .default('created_at')
    .meta({ description: 'Order; a leading "-" reverses it. Tasks without a due date sort last by due_at.' }),
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,2}$/, `must be a whole number from 1 to ${MAX_LIMIT}`)
    .transform(Number)
    .refine((n) => n <= MAX_LIMIT, `must be a whole number from 1 to ${MAX_LIMIT}`)
    .optional()
    .meta({ description: `Page size, 1–${MAX_LIMIT} (default 100); the Link header has the next page.` }),
  cursor: z.string().max(1000).optional().meta({ description: 'From the Link header of the previous page.' }),
});

const idParams = z.object({ id: idParam });

export const serializeTask = (row: TaskRow) => ({
  id: row.id,
  user_id: row.user_id,
  title: row.title,
  description: row.description,
  completed: row.completed,
  priority: row.priority,
  due_at: row.due_at?.toISOString() ?? null,
  tags: row.tags,
  created_at: row.created_at.toISOString(),
  updated_at: row.updated_at.toISOString(),
});

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

type Cursors = ReturnType<typeof cursorCodec>;

const notFound = (id: number) => new HttpError(404, `Task ${id} not found`);

/** Tasks, each owned by one user: another user's task is a 404, exactly like one that does not exist. */
export function taskOperations(tasks: TasksRepository, cursors: Cursors) {
  const common = { tag: 'tasks', auth: true, userScopedAlias: true } as const;

  const list = operation({
    ...common,
    method: 'GET',
    path: '/api/tasks',
    operationId: 'listTasks',
    summary: 'List your tasks (a JSON array), filtered, sorted, paginated',
    query: listQuery,
    response: {
      status: 200,
      description: 'One page of tasks.',
      schema: z.array(taskSchema),
      headers: { Link: 'rel="next": the URL of the next page, when there is one.' },
    },
    errors: [503],
    async handler({ query, user, request, reply }) {
      const sort = query.sort.replace(/^-/, '') as SortKey;
      const page = await tasks.list(
        user.id,
        {
          status: query.status,
          q: query.q,
          tag: query.tag,
          priority: query.priority,
          dueBefore: query.due_before,
          dueAfter: query.due_after,
        },
        {
          sort,
          descending: query.sort.startsWith('-'),
          limit: query.limit ?? 100,
          after: query.cursor === undefined ? undefined : cursors.decode(query.sort, query.cursor),
        },
      );
      if (page.next !== undefined) {
        const next = new URL(request.url, 'http://localhost');
        next.searchParams.set('cursor', cursors.encode(query.sort, page.next));
        reply.header('link', `<${next.pathname}${next.search}>; rel="next"`);
      }
      return page.rows.map(serializeTask);
    },
  });

  const create = operation({
    ...common,
    method: 'POST',
    path: '/api/tasks',
    operationId: 'createTask',
    summary: 'Add a task',
    body: taskBody,
    response: { status: 201, description: 'The new task.', schema: taskSchema },
    errors: [503],
    handler: async ({ body, user }) => serializeTask(await tasks.create(user.id, body satisfies TaskFields)),
  });

  const get = operation({
    ...common,
    method: 'GET',
    path: '/api/tasks/{id}',
    operationId: 'getTask',
    summary: 'One task',
    params: idParams,
    response: { status: 200, description: 'The task.', schema: taskSchema },
    errors: [404, 503],
    async handler({ params, user }) {
      const row = await tasks.get(user.id, params.id);
      if (row === undefined) throw notFound(params.id);
      return serializeTask(row);
    },
  });

  // PUT and PATCH differ only in their body schema (defaults vs. given fields); storing is the same.
  const storeUpdate = async ({
    params,
    body,
    user,
  }: {
    params: { id: number };
    body: Partial<TaskFields>;
    user: { id: string };
  }) => {
    const row = await tasks.update(user.id, params.id, body);
    if (row === undefined) throw notFound(params.id);
    return serializeTask(row);
  };

  const replace = operation({
    ...common,
    method: 'PUT',
    path: '/api/tasks/{id}',
    operationId: 'replaceTask',
    summary: 'Replace a task (fields left out take their defaults)',
    params: idParams,
    body: taskBody,
    response: { status: 200, description: 'The task as stored.', schema: taskSchema },
    errors: [404, 503],
    handler: storeUpdate,
  });

  const patch = operation({
    ...common,
    method: 'PATCH',
    path: '/api/tasks/{id}',
    operationId: 'updateTask',
    summary: 'Change some fields of a task',
    params: idParams,
    body: taskPatch,
    response: { status: 200, description: 'The task as stored.', schema: taskSchema },
    errors: [404, 503],
    handler: storeUpdate,
  });

  const toggle = operation({
    ...common,
    method: 'PATCH',
    path: '/api/tasks/{id}/complete',
    operationId: 'toggleTask',
    summary: 'Toggle a task between completed and pending',
    params: idParams,
    response: { status: 200, description: 'The task as stored.', schema: taskSchema },
    errors: [404, 503],
    async handler({ params, user }) {
      const row = await tasks.toggle(user.id, params.id);
      if (row === undefined) throw notFound(params.id);
      return serializeTask(row);
    },
  });

  const remove = operation({
    ...common,
    method: 'DELETE',
    path: '/api/tasks/{id}',
    operationId: 'deleteTask',
    summary: 'Delete a task',
    params: idParams,
    response: { status: 204, description: 'Deleted.' },
    errors: [404, 503],
    async handler({ params, user }) {
      if (!(await tasks.remove(user.id, params.id))) throw notFound(params.id);
    },
  });

  return [list, create, get, replace, patch, toggle, remove];
}

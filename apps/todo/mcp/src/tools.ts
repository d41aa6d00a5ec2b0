import { isTimeZone } from '@berth/service-kit';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { summarizeTasks } from './summary.ts';
import { type Task, type TodoApi, TodoApiError } from './todo-api-client.ts';

/**
 * The task tools. Their input schemas mirror the Todo API's rules so a model
 * sees them up front, but the API stays the judge: whatever it refuses comes
 * back as a tool error with its own message, and nothing is stored.
 */

const PRIORITIES = ['low', 'medium', 'high'] as const;

const id = z.number().int().min(1).max(2_147_483_647).describe('The task id (from list_tasks or add_task).');
const title = z.string().trim().min(1).max(200).describe('Short title, 1–200 characters.');
const description = z.string().max(2000).describe('Longer notes, up to 2000 characters.');
const priority = z.enum(PRIORITIES).describe('low, medium (the default) or high.');
const dueAt = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()])
  .describe(
    'When it is due: RFC 3339 with an offset (2030-01-31T17:00:00+01:00), or a date alone (2030-01-31: the start of that day, UTC).',
  );
const tags = z.array(z.string().trim().min(1).max(50)).max(20).describe('Labels such as "work" or "home".');

const taskShape = {
  id: z.number(),
  title: z.string(),
  description: z.string(),
  completed: z.boolean(),
  priority: z.enum(PRIORITIES),
  due_at: z.string().nullable(),
  tags: z.array(z.string()),
  created_at: z.string(),
  updated_at: z.string(),
};
const taskOutput = z.object(taskShape);

/** What a tool returns: the structured value, and the same as JSON text for clients without structured content. */
function result<T extends Record<string, unknown>>(value: T) {
  return { content: [{ type: 'text' as const, text: JSON.stringify(value) }], structuredContent: value };
}

/** The fields a client sees: the owner's id is the caller's own and says nothing. */
function publicTask({ user_id: _owner, ...task }: Task) {
  return task;
}

/** The API's refusal, worded for the person or model reading the tool error. */
async function viaApi<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof TodoApiError && error.status === 401) {
      throw new Error(`Not signed in: the Todo API refused the bearer token (${error.message})`);
    }
    throw error;
  }
}

/** Told of every tool run, by name, and whether it answered or failed: what the service's metrics count. */
export type ToolCallObserver = (tool: string, outcome: 'ok' | 'error') => void;

/** registerTool for `server`, with each handler reporting its outcome to `observe`. */
function observedRegistration(server: McpServer, observe: ToolCallObserver): McpServer['registerTool'] {
  // The SDK's generics describe each tool's input; the wrapper only passes the arguments through.
  return ((name: string, config: never, handler: (...args: never[]) => Promise<unknown>) =>
    server.registerTool(name, config, (async (...args: never[]) => {
      try {
        const answer = await handler(...args);
        observe(name, 'ok');
        return answer;
      } catch (error) {
        observe(name, 'error');
        throw error;
      }
    }) as never)) as McpServer['registerTool'];
}

export function createTodoMcpServer(
  api: TodoApi,
  clock: () => Date = () => new Date(),
  observe: ToolCallObserver = () => {},
): McpServer {
  const server = new McpServer(
    { name: 'berth-todo', title: 'Berth Todo', version: '0.1.0' },
    {
      instructions:
        "Tools for the signed-in person's todo list. Find a task's id with list_tasks before changing it. Dates are RFC 3339 with an offset.",
    },
  );
  const registerTool = observedRegistration(server, observe);

  registerTool(
    'add_task',
    {
      title: 'Add a task',
      description: 'Add a task to the todo list. Only the title is required.',
      inputSchema: {
        title,
        description: description.optional(),
        priority: priority.optional(),
        due_at: dueAt.optional(),
        tags: tags.optional(),
      },
      outputSchema: taskShape,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async (input) => result(publicTask(await viaApi(() => api.create(input)))),
  );

  registerTool(
    'list_tasks',
    {
      title: 'List tasks',
      description:
        'List tasks, filtered and sorted. Without filters: every task (pending and completed) in creation order.',
      inputSchema: {
        status: z.enum(['all', 'pending', 'completed']).optional().describe('all (default), pending or completed.'),
        q: z.string().min(1).max(200).optional().describe('Text in the title or description, case-insensitive.'),
        tag: z.string().min(1).max(50).optional().describe('Only tasks with this tag.'),
        priority: priority.optional(),
        due_before: dueAt.optional().describe('Only tasks due before this instant (RFC 3339).'),
        due_after: dueAt.optional().describe('Only tasks due after this instant (RFC 3339).'),
        sort: z
          .enum([
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
          ])
          .optional()
          .describe('Order; a leading "-" reverses it. Tasks without a due date sort last by due_at.'),
        limit: z.number().int().min(1).max(500).optional().describe('At most this many tasks (default 100).'),
      },
      outputSchema: { tasks: z.array(taskOutput), count: z.number() },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (filters) => {
      const tasks = (await viaApi(() => api.list(filters))).map(publicTask);
      return result({ tasks, count: tasks.length });
    },
  );

  registerTool(
    'update_task',
    {
      title: 'Change a task',
      description:
        'Change some fields of a task: rename it, change its notes, priority, due date (null removes it), tags, or mark it completed or pending.',
      inputSchema: {
        id,
        title: title.optional(),
        description: description.optional(),
        priority: priority.optional(),
        due_at: dueAt.nullable().optional(),
        tags: tags.optional().describe('The new full list of tags (replaces the old one).'),
        completed: z.boolean().optional().describe('true: done; false: pending again.'),
      },
      outputSchema: taskShape,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ id: taskId, ...changes }) => {
      if (Object.values(changes).every((value) => value === undefined)) {
        throw new Error('Nothing to change: give at least one field besides id');
      }
      return result(publicTask(await viaApi(() => api.update(taskId, changes))));
    },
  );

  registerTool(
    'complete_task',
    {
      title: 'Complete a task',
      description: 'Mark a task as done; with completed: false, reopen it (mark it pending again).',
      inputSchema: { id, completed: z.boolean().optional().describe('true (default): done; false: pending again.') },
      outputSchema: taskShape,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ id: taskId, completed }) =>
      result(publicTask(await viaApi(() => api.update(taskId, { completed: completed ?? true })))),
  );

  registerTool(
    'delete_task',
    {
      title: 'Delete a task',
      description: 'Delete a task for good.',
      inputSchema: { id },
      outputSchema: { deleted: z.number(), title: z.string() },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ id: taskId }) => {
      // Read first so the answer can name what was deleted.
      const task = await viaApi(() => api.get(taskId));
      await viaApi(() => api.remove(taskId));
      return result({ deleted: task.id, title: task.title });
    },
  );

  registerTool(
    'summarize_tasks',
    {
      title: "What's due",
      description:
        'A summary of the todo list: how many are pending and completed, and which pending tasks are overdue, due today, or due in the next 6 days.',
      inputSchema: {
        time_zone: z
          .string()
          .refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin or UTC')
          .optional()
          .describe('The person\'s IANA time zone, for "today" (default UTC).'),
      },
      outputSchema: {
        time_zone: z.string(),
        pending: z.number(),
        completed: z.number(),
        overdue: z.array(taskOutput),
        due_today: z.array(taskOutput),
        due_this_week: z.array(taskOutput),
        no_due_date: z.number(),
        high_priority_pending: z.number(),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ time_zone }) => {
      const tasks = await viaApi(() => api.list({ status: 'all', limit: 500 }));
      const summary = summarizeTasks(tasks, clock(), time_zone ?? 'UTC');
      return result({
        ...summary,
        overdue: summary.overdue.map(publicTask),
        due_today: summary.due_today.map(publicTask),
        due_this_week: summary.due_this_week.map(publicTask),
      });
    },
  );

  return server;
}

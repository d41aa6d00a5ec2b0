import type { TaskJson } from '@berth/todo-api/tasks-schema';
/**
 * The Todo API over HTTP, as one person: every request carries that person's
 * bearer token, so the API applies its own rules (validation, per-user
 * isolation, revocation) and this server never decides who may see what.
 */

// The API's own declaration of a task (a type only: nothing of the API runs here).
export type Task = TaskJson;

export interface TaskFilters {
  status?: 'all' | 'pending' | 'completed' | undefined;
  q?: string | undefined;
  tag?: string | undefined;
  priority?: 'low' | 'medium' | 'high' | undefined;
  due_before?: string | undefined;
  due_after?: string | undefined;
  sort?: string | undefined;
  limit?: number | undefined;
}

export interface TaskChanges {
  title?: string | undefined;
  description?: string | undefined;
  completed?: boolean | undefined;
  priority?: 'low' | 'medium' | 'high' | undefined;
  due_at?: string | null | undefined;
  tags?: string[] | undefined;
}

/** The API said no (its own message, e.g. "Task 7 not found"), or could not be reached. */
export class TodoApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'TodoApiError';
    this.status = status;
  }
}

const withoutUndefined = (object: object) =>
  Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));

export function todoApiClient(options: { baseUrl: string; token: string; timeoutMs: number }) {
  async function call<T>(method: string, path: string, body?: object): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${options.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(withoutUndefined(body)) }),
        signal: AbortSignal.timeout(options.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new TodoApiError(
        503,
        timedOut
          ? `The Todo API did not answer within ${options.timeoutMs} ms; try again shortly`
          : 'The Todo API cannot be reached; try again shortly',
      );
    }
    const text = await response.text();
    if (!response.ok) {
      let message = `The Todo API answered ${response.status}`;
      try {
        const parsed = JSON.parse(text) as { error?: unknown };
        if (typeof parsed.error === 'string') message = parsed.error;
      } catch {
        // not JSON: keep the status-only message
      }
      throw new TodoApiError(response.status, message);
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  return {
    list(filters: TaskFilters): Promise<Task[]> {
      const query = new URLSearchParams(
        Object.entries(withoutUndefined(filters)).map(([key, value]): [string, string] => [key, String(value)]),
      );
      const search = query.size > 0 ? `?${query}` : '';
      return call('GET', `/api/tasks${search}`);
    },
    get: (id: number): Promise<Task> => call('GET', `/api/tasks/${id}`),
    create: (fields: TaskChanges & { title: string }): Promise<Task> => call('POST', '/api/tasks', fields),
    update: (id: number, changes: TaskChanges): Promise<Task> => call('PATCH', `/api/tasks/${id}`, changes),
    remove: (id: number): Promise<void> => call('DELETE', `/api/tasks/${id}`),
  };
}

export type TodoApi = ReturnType<typeof todoApiClient>;

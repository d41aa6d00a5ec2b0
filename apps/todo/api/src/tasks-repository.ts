import { HttpError, type Queryable } from '@berth/service-kit';
import { type Priority, type SortKey, type TaskFields, type TaskRow, taskBody, taskRow } from './tasks-schema.ts';

export interface ListFilter {
  status: 'all' | 'pending' | 'completed';
  q?: string | undefined;
  tag?: string | undefined;
  priority?: Priority | undefined;
  dueBefore?: Date | undefined;
  dueAfter?: Date | undefined;
}

export interface Position {
  /** The sort expression's value as PostgreSQL prints it. */
  key: string;
  id: number;
}

export interface ListOptions {
  sort: SortKey;
  descending: boolean;
  limit: number;
  after?: Position | undefined;
}

// Each sort is an SQL expression with a total order (ties broken by id), so a
// cursor — the last row's (value, id) — marks an exact place in the list.
// Tasks without a due date sort after those with one.
const SORTS: Record<SortKey, { expression: string; type: string }> = {
  created_at: { expression: 'created_at', type: 'timestamptz' },
  updated_at: { expression: 'updated_at', type: 'timestamptz' },
  due_at: { expression: "COALESCE(due_at, 'infinity'::timestamptz)", type: 'timestamptz' },
  priority: { expression: "CASE priority WHEN 'low' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END", type: 'integer' },
  title: { expression: 'title COLLATE "C"', type: 'text' },
};

// Column names come from the schema, never from a request's keys.
const UPDATABLE = new Set(Object.keys(taskBody.shape));
const COLUMNS = Object.keys(taskRow.shape).join(', ');

/** `%`, `_` and `\` match themselves in a search, not as LIKE wildcards. */
const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, '\\$&')}%`;

// A token can outlive its account (a database restored or replaced under the
// same JWT secret); writing a task for it would break the foreign key.
function accountGone(error: unknown): never {
  if ((error as { code?: unknown }).code === '23503') {
    throw new HttpError(401, 'The account of this token no longer exists; sign in again');
  }
  throw error;
}

/** All SQL for tasks. Every statement is scoped to one user: another user's task does not exist here. */
export function tasksRepository(db: Queryable) {
  const one = async (sql: string, params: unknown[]) => (await db.query<TaskRow>(sql, params))[0];
  return {
    async create(userId: string, task: TaskFields): Promise<TaskRow> {
      const row = await one(
        `INSERT INTO tasks (user_id, title, description, completed, priority, due_at, tags)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
        [userId, task.title, task.description, task.completed, task.priority, task.due_at, task.tags],
      ).catch(accountGone);
      if (row === undefined) throw new Error('INSERT … RETURNING returned no row');
      return row;
    },

    get: (userId: string, id: number) =>
      one(`SELECT ${COLUMNS} FROM tasks WHERE id = $1 AND user_id = $2`, [id, userId]),

    /** Sets the given fields (and updated_at); undefined when there is no such task for this user. */
    update(userId: string, id: number, fields: Partial<TaskFields>): Promise<TaskRow | undefined> {
      const entries = Object.entries(fields).filter(([column, value]) => value !== undefined && UPDATABLE.has(column));
      const assignments = entries.map(([column], index) => `${column} = $${index + 3}`);
      return one(
        `UPDATE tasks SET ${[...assignments, 'updated_at = now()'].join(', ')}
         WHERE id = $1 AND user_id = $2 RETURNING ${COLUMNS}`,
        [id, userId, ...entries.map(([, value]) => value)],
      );
    },

    toggle: (userId: string, id: number) =>
      one(
        `UPDATE tasks SET completed = NOT completed, updated_at = now()
         WHERE id = $1 AND user_id = $2 RETURNING ${COLUMNS}`,
        [id, userId],
      ),

    async remove(userId: string, id: number): Promise<boolean> {
      return (await db.query('DELETE FROM tasks WHERE id = $1 AND user_id = $2 RETURNING id', [id, userId])).length > 0;
    },

    /** One page: up to `limit` rows, and the position after the last when more follow. */
    async list(
      userId: string,
      filter: ListFilter,
      options: ListOptions,
    ): Promise<{ rows: TaskRow[]; next: Position | undefined }> {
      const params: unknown[] = [userId];
      const where = ['user_id = $1'];
      const param = (value: unknown) => `$${params.push(value)}`;
      if (filter.status !== 'all') where.push(`completed = ${param(filter.status === 'completed')}`);
      if (filter.q !== undefined) {
        const pattern = param(likePattern(filter.q));
        where.push(`(title ILIKE ${pattern} OR description ILIKE ${pattern})`);
      }
      if (filter.tag !== undefined) where.push(`${param(filter.tag)} = ANY (tags)`);
      if (filter.priority !== undefined) where.push(`priority = ${param(filter.priority)}`);
      if (filter.dueBefore !== undefined) where.push(`due_at < ${param(filter.dueBefore)}`);
      if (filter.dueAfter !== undefined) where.push(`due_at > ${param(filter.dueAfter)}`);
      const { expression, type } = SORTS[options.sort];
      const direction = options.descending ? 'DESC' : 'ASC';
      if (options.after !== undefined) {
        const key = `${param(options.after.key)}::${type}${options.sort === 'title' ? ' COLLATE "C"' : ''}`;
        where.push(`(${expression}, id) ${options.descending ? '<' : '>'} (${key}, ${param(options.after.id)})`);
      }
      const rows = await db.query<TaskRow & { sort_key: string }>(
        `SELECT ${COLUMNS}, (${expression})::text AS sort_key FROM tasks
         WHERE ${where.join(' AND ')}
         ORDER BY ${expression} ${direction}, id ${direction}
         LIMIT ${param(options.limit + 1)}`,
        params,
      );
      const page = rows.slice(0, options.limit);
      const last = page.at(-1);
      const next = rows.length > options.limit && last !== undefined ? { key: last.sort_key, id: last.id } : undefined;
      return { rows: page.map(({ sort_key: _, ...row }) => row), next };
    },
  };
}

export type TasksRepository = ReturnType<typeof tasksRepository>;

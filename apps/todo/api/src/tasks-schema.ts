import { objectBody, text, z } from '@berth/service-kit';

/**
 * A task, declared once. The row the repository returns is `taskRow` (and the
 * JSON the API sends: Fastify serializes its dates as RFC 3339 strings); the
 * bodies POST, PUT and PATCH accept are derived from the same fields; the sort
 * keys are listed once and the `sort` parameter is built from them.
 */
export const PRIORITIES = ['low', 'medium', 'high'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const SORT_KEYS = ['created_at', 'updated_at', 'due_at', 'priority', 'title'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
/** A sort key, ascending, or descending with a leading "-". */
export type Sort = SortKey | `-${SortKey}`;
const SORTS = SORT_KEYS.flatMap((key): Sort[] => [key, `-${key}`]) as [Sort, ...Sort[]];

export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 100;

export const taskRow = z.object({
  id: z.int().min(1),
  user_id: z.uuid(),
  title: z.string(),
  description: z.string(),
  completed: z.boolean(),
  priority: z.enum(PRIORITIES),
  due_at: z.date().nullable(),
  tags: z.array(z.string()),
  created_at: z.date(),
  updated_at: z.date(),
});
export type TaskRow = z.output<typeof taskRow>;

const EARLIEST = Date.UTC(1900, 0, 1);
const LATEST = Date.UTC(10_000, 0, 1) - 1;

/** An RFC 3339 date-time with an offset (2030-01-31T17:00:00Z, …+02:00), as a Date. */
function dateTime(description: string) {
  return z.iso
    .datetime({ offset: true, error: 'must be a date-time like 2030-01-31T17:00:00Z' })
    .transform((value, ctx) => {
      const date = new Date(value);
      const time = date.getTime();
      if (Number.isNaN(time) || time < EARLIEST || time > LATEST) {
        ctx.addIssue({ code: 'custom', message: 'must be a date between the years 1900 and 9999' });
        return z.NEVER;
      }
      return date;
    })
    .meta({ description });
}

// The rules for each field a client may set.
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

/** POST and PUT: a whole task; fields left out take their defaults. */
export const taskBody = z.strictObject(
  {
    title,
    description: description.optional().default(''),
    completed: completed.optional().default(false),
    priority: priority.optional().default('medium'),
    due_at: dueAt.optional().default(null),
    tags: tags.optional().default([]),
  },
  objectBody(''),
);
/** The fields a client sets: the output of a whole-task body. */
export type TaskFields = z.output<typeof taskBody>;

/** PATCH: only the fields given change. */
export const taskPatch = z
  .strictObject(
    {
      title: title.optional(),
      description: description.optional(),
      completed: completed.optional(),
      priority: priority.optional(),
      due_at: dueAt.optional(),
      tags: tags.optional(),
    },
    objectBody(''),
  )
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), 'give at least one field to change');

export const listQuery = z.object({
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
    .regex(/^[1-9][0-9]{0,2}$/, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
    .transform(Number)
    .refine((n) => n <= MAX_PAGE_SIZE, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
    .optional()
    .meta({
      description: `Page size, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}); the Link header has the next page.`,
    }),
  cursor: z.string().max(1000).optional().meta({ description: 'From the Link header of the previous page.' }),
});
export type ListQuery = z.output<typeof listQuery>;

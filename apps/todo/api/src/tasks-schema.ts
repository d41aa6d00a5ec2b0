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
const PAGE_SIZE_ERROR = `must be a whole number from 1 to ${MAX_PAGE_SIZE}`;

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
/** A task as its JSON answer carries it (dates as ISO 8601 strings): what clients of the API read. */
export type TaskJson = {
  [K in keyof TaskRow]: TaskRow[K] extends Date ? string : TaskRow[K] extends Date | null ? string | null : TaskRow[K];
};

const EARLIEST = Date.UTC(1900, 0, 1);
const LATEST = Date.UTC(10_000, 0, 1) - 1;

/**
 * An RFC 3339 date-time with an offset (2030-01-31T17:00:00Z, …+02:00), or a
 * date alone (2030-01-31), which means the start of that day in UTC
 * (2030-01-31T00:00:00Z): as a due date, as due_before (due before that day
 * begins) and as due_after (due after that day began). Parsed to a Date.
 */
function dateTime(description: string) {
  return z
    .union([z.iso.datetime({ offset: true }), z.iso.date()], {
      error: 'must be a date-time like 2030-01-31T17:00:00Z or a date like 2030-01-31',
    })
    .transform((value, ctx) => {
      const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
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
const dueAt = dateTime(
  'When the task is due (RFC 3339), a date alone (the start of that day, UTC), or null for no due date.',
).nullable();
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

/**
 * PATCH /api/tasks/{id}/complete: {"completed": true|false} sets the state
 * (a retry changes nothing); no body at all (Fastify gives null) toggles it, as older clients expect.
 */
export const completion = z.strictObject({ completed }, objectBody('{"completed": true}')).nullish();

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
  due_before: dateTime('Only tasks due before this instant (a date alone: before that day begins, UTC).').optional(),
  due_after: dateTime('Only tasks due after this instant (a date alone: after that day began, UTC).').optional(),
  sort: z
    .enum(SORTS, { error: `must be one of ${SORTS.join(', ')}` })
    .default('created_at')
    .meta({ description: 'Order; a leading "-" reverses it. Tasks without a due date sort last by due_at.' }),
  // Documented as the integer range it is (1–MAX_PAGE_SIZE), so the document and the server agree.
  limit: z.coerce
    .number({ error: PAGE_SIZE_ERROR })
    .int(PAGE_SIZE_ERROR)
    .min(1, PAGE_SIZE_ERROR)
    .max(MAX_PAGE_SIZE, PAGE_SIZE_ERROR)
    .optional()
    .meta({
      description: `Page size, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}); the Link header has the next page.`,
    }),
  cursor: z.string().max(1000).optional().meta({ description: 'From the Link header of the previous page.' }),
});
export type ListQuery = z.output<typeof listQuery>;

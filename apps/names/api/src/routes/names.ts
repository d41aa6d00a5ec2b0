import { type FastifyInstance, HttpError, parseInput, z } from '@berth/service-kit';
import type { NamesRepository } from '../names-repository.ts';

// Control characters (NUL cannot be stored in PostgreSQL text at all) and
// unpaired surrogates (they would be silently replaced by U+FFFD) are refused
// rather than stored differently from what the client sent.
const CONTROL_CHARACTER = /\p{Cc}/u;

export function nameSchema(maxLength: number) {
  return z.object(
    {
      name: z
        .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
        .transform((name) => name.trim())
        .superRefine((name, ctx) => {
          const length = [...name].length; // code points, so an emoji counts once
          if (length === 0) ctx.addIssue({ code: 'custom', message: 'must not be empty' });
          else if (length > maxLength) {
            ctx.addIssue({ code: 'custom', message: `must be at most ${maxLength} characters (got ${length})` });
          } else if (!name.isWellFormed() || CONTROL_CHARACTER.test(name)) {
            ctx.addIssue({ code: 'custom', message: 'must not contain control characters' });
          }
        }),
    },
    { error: 'Request body must be a JSON object like {"name": "Ada"}' },
  );
}

const ID = /^[1-9]\d{0,9}$/;
const MAX_ID = 2 ** 31 - 1;

function parseId(raw: string): number {
  const id = Number(raw);
  if (!ID.test(raw) || id > MAX_ID) throw new HttpError(400, `id must be a positive whole number (got "${raw}")`);
  return id;
}

const serialize = (row: { id: number; name: string; created_at: Date }) => ({
  id: row.id,
  name: row.name,
  created_at: row.created_at.toISOString(),
});

/** The Names Manager contract of seed 000. */
export function namesRoutes(app: FastifyInstance, names: NamesRepository, maxNameLength: number): void {
  const body = nameSchema(maxNameLength);

  app.get('/api/names', async () => ({ names: (await names.list()).map(serialize) }));

  app.post('/api/names', async (request, reply) => {
    const { name } = parseInput(body, request.body);
    reply.code(201);
    return serialize(await names.add(name));
  });

  app.delete<{ Params: { id: string } }>('/api/names/:id', async (request) => {
    const id = parseId(request.params.id);
    if (!(await names.remove(id))) throw new HttpError(404, `Name with id ${id} not found`);
    return { deleted: id };
  });
}

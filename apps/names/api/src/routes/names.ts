import { errorResponses, HttpError, idParam, jsonResponse, type ServiceApp, z } from '@berth/service-kit';
import type { NamesRepository } from '../names-repository.ts';
import { nameRow, newName } from '../names-schema.ts';

const ERRORS = {
  400: 'The body or the id is invalid; the message names the field.',
  404: 'No name with this id.',
  413: 'The request body is too large.',
  415: 'The body is not application/json.',
  503: 'The database is unavailable; retry shortly.',
};

/** The Names Manager's API: list, add and delete names. */
export function namesRoutes(app: ServiceApp, names: NamesRepository, maxNameLength: number): void {
  const tags = ['names'];

  app.get(
    '/api/names',
    {
      schema: {
        operationId: 'listNames',
        summary: 'Every name, in the order added',
        tags,
        response: {
          200: jsonResponse('The names.', z.object({ names: z.array(nameRow) })),
          ...errorResponses(ERRORS, [503]),
        },
      },
    },
    async () => ({ names: await names.list() }),
  );

  app.post(
    '/api/names',
    {
      schema: {
        operationId: 'addName',
        summary: 'Add a name',
        tags,
        body: newName(maxNameLength),
        response: { 201: jsonResponse('The new name.', nameRow), ...errorResponses(ERRORS, [400, 413, 415, 503]) },
      },
    },
    async (request, reply) => {
      reply.code(201);
      return names.add(request.body.name);
    },
  );

  app.delete(
    '/api/names/:id',
    {
      schema: {
        operationId: 'deleteName',
        summary: 'Delete a name by id',
        tags,
        params: z.object({ id: idParam('Name id (a positive whole number).') }),
        response: {
          200: jsonResponse('Deleted.', z.object({ deleted: z.int() })),
          ...errorResponses(ERRORS, [400, 404, 503]),
        },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!(await names.remove(id))) throw new HttpError(404, `Name with id ${id} not found`);
      return { deleted: id };
    },
  );
}

// Model-based property test: random sequences of create, update, complete,
// delete, get and list by several users, run against the API and against a
// plain in-memory model of what a todo service should do. They always agree.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Service } from '@berth/service-kit';
import { type Backend, backends } from '@berth/testkit';
import fc from 'fast-check';
import { client, startTodoApi, type TaskJson } from '../../test/test-client.ts';

// CI replays the same sequences so a red build is always reproducible;
// PROPERTY_SEED=random explores new ones (a failure prints its seed).
const SEED = process.env.PROPERTY_SEED === 'random' ? undefined : Number(process.env.PROPERTY_SEED ?? 20261123);

type Priority = 'low' | 'medium' | 'high';
interface ModelTask {
  owner: number;
  title: string;
  description: string;
  completed: boolean;
  priority: Priority;
  tags: string[];
}

const USERS = 3;
const user = fc.nat({ max: USERS - 1 });
const title = fc
  .string({ unit: fc.constantFrom('a', 'B', 'z', ' ', 'é', '😀', '%', '_', '1'), minLength: 1, maxLength: 12 })
  .filter((s) => s.trim().length > 0);
const priority = fc.constantFrom<Priority>('low', 'medium', 'high');
const tags = fc.uniqueArray(fc.constantFrom('home', 'work', 'x'), { maxLength: 3 });
const pick = fc.nat(); // index into every id ever created, or a missing id when there are none

const action = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      user,
      title,
      priority,
      tags,
      completed: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      user,
      pick,
      patch: fc
        .record(
          { title, description: fc.string({ maxLength: 10 }), completed: fc.boolean(), priority, tags },
          { requiredKeys: [] },
        )
        .filter((patch) => Object.keys(patch).length > 0),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('complete' as const), user, pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), user, pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('get' as const), user, pick }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('list' as const),
      user,
      status: fc.constantFrom('all', 'pending', 'completed'),
      priority: fc.option(priority, { nil: undefined }),
      tag: fc.option(fc.constantFrom('home', 'work', 'x'), { nil: undefined }),
      q: fc.option(fc.constantFrom('a', 'Z', '%', '_', 'é'), { nil: undefined }),
    }),
  },
);

const view = (task: TaskJson) => ({
  title: task.title,
  description: task.description,
  completed: task.completed,
  priority: task.priority,
  tags: task.tags,
});
const modelView = ({ owner: _, ...task }: ModelTask) => task;

for (const { name: backendName, start } of backends) {
  describe(`tasks model on ${backendName}`, () => {
    let backend: Backend;
    let service: Service;
    before(async () => {
      backend = await start();
      service = await startTodoApi(backend.env);
    });
    after(async () => {
      await service.close();
      await backend.cleanup();
    });

    test('random sequences of create/update/complete/delete/get/list by several users agree with an in-memory model', async () => {
      const api = client(service);
      await fc.assert(
        fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 25 }), async (actions) => {
          const users = await Promise.all(Array.from({ length: USERS }, () => api.user('model')));
          const model = new Map<number, ModelTask>();
          const ids: number[] = [];
          const target = (index: number) => (ids.length === 0 ? 2_147_000_000 : (ids[index % ids.length] as number));
          const expectOne = (response: { status: number; body: unknown }, owner: number, id: number) => {
            const task = model.get(id);
            if (task === undefined || task.owner !== owner) {
              assert.equal(response.status, 404, `task ${id} is not user ${owner}'s`);
              return;
            }
            assert.equal(response.status, 200);
            assert.deepEqual(view(response.body as TaskJson), modelView(task));
          };
          for (const step of actions) {
            const token = users[step.user]?.token;
            switch (step.kind) {
              case 'create': {
                const body = { title: step.title, priority: step.priority, tags: step.tags, completed: step.completed };
                const response = await api.call<TaskJson>('POST', '/api/tasks', { token, body });
                assert.equal(response.status, 201);
                const task = { owner: step.user, description: '', ...body, title: step.title.trim() };
                assert.deepEqual(view(response.body), modelView(task));
                model.set(response.body.id, task);
                ids.push(response.body.id);
                break;
              }
              case 'update': {
                const id = target(step.pick);
                const response = await api.call('PATCH', `/api/tasks/${id}`, { token, body: step.patch });
                const task = model.get(id);
                if (task?.owner === step.user) {
                  Object.assign(
                    task,
                    step.patch,
                    step.patch.title === undefined ? {} : { title: step.patch.title.trim() },
                  );
                }
                expectOne(response, step.user, id);
                break;
              }
              case 'complete': {
                const id = target(step.pick);
                const response = await api.call('PATCH', `/api/tasks/${id}/complete`, { token });
                const task = model.get(id);
                if (task?.owner === step.user) task.completed = !task.completed;
                expectOne(response, step.user, id);
                break;
              }
              case 'delete': {
                const id = target(step.pick);
                const response = await api.call('DELETE', `/api/tasks/${id}`, { token });
                const task = model.get(id);
                if (task?.owner === step.user) {
                  assert.equal(response.status, 204);
                  model.delete(id);
                } else {
                  assert.equal(response.status, 404);
                }
                break;
              }
              case 'get': {
                const id = target(step.pick);
                expectOne(await api.call('GET', `/api/tasks/${id}`, { token }), step.user, id);
                break;
              }
              case 'list': {
                const query = new URLSearchParams({ status: step.status });
                if (step.priority) query.set('priority', step.priority);
                if (step.tag) query.set('tag', step.tag);
                if (step.q) query.set('q', step.q);
                const response = await api.call<TaskJson[]>('GET', `/api/tasks?${query}`, { token });
                assert.equal(response.status, 200);
                const expected = [...model.entries()]
                  .filter(([, task]) => task.owner === step.user)
                  .filter(([, task]) => step.status === 'all' || task.completed === (step.status === 'completed'))
                  .filter(([, task]) => step.priority === undefined || task.priority === step.priority)
                  .filter(([, task]) => step.tag === undefined || task.tags.includes(step.tag))
                  .filter(
                    ([, task]) =>
                      step.q === undefined ||
                      `${task.title}\n${task.description}`.toLowerCase().includes(step.q.toLowerCase()),
                  )
                  .sort(([a], [b]) => a - b);
                assert.deepEqual(
                  response.body.map((task) => [task.id, view(task)]),
                  expected.map(([id, task]) => [id, modelView(task)]),
                  `list ${query}`,
                );
                break;
              }
            }
          }
        }),
        { numRuns: backendName.startsWith('embedded') ? 40 : 25, endOnFailure: false, seed: SEED },
      );
    });
  });
}

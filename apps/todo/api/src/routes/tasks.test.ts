import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Service } from '@berth/service-kit';
import { type Backend, backends } from '@berth/testkit';
import { client, startTodoApi, type TaskJson } from '../../test/test-client.ts';

for (const { name: backendName, start } of backends) {
  describe(`tasks on ${backendName}`, () => {
    let backend: Backend;
    let service: Service;
    let api: ReturnType<typeof client>;

    before(async () => {
      backend = await start();
      service = await startTodoApi(backend.env);
      api = client(service);
    });
    after(async () => {
      await service.close();
      await backend.cleanup();
    });

    const create = async (token: string, body: Record<string, unknown>) => {
      const response = await api.call<TaskJson>('POST', '/api/tasks', { token, body });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      return response.body;
    };
    const list = async (token: string, query = '') => {
      const response = await api.call<TaskJson[]>('GET', `/api/tasks${query}`, { token });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      return response;
    };

    test('seed 001\'s smoke flow: register, login, create "Test Task", the list (a JSON array) contains it; health says database ok', async () => {
      const health = await api.call<Record<string, string>>('GET', '/api/health');
      assert.equal(health.status, 200);
      assert.match(JSON.stringify(health.body), /database.*ok/);
      const registered = await api.call('POST', '/api/auth/register', {
        body: { email: 'test@example.com', password: 'testpass123' },
      });
      assert.equal(registered.status, 201);
      const login = await api.call<{ token: string }>('POST', '/api/auth/login', {
        body: { email: 'test@example.com', password: 'testpass123' },
      });
      const token = login.body.token;
      const created = await create(token, { title: 'Test Task', description: 'Created via smoke test' });
      assert.deepEqual(
        { ...created, id: 0, user_id: '', created_at: '', updated_at: '' },
        {
          id: 0,
          user_id: '',
          title: 'Test Task',
          description: 'Created via smoke test',
          completed: false,
          priority: 'medium',
          due_at: null,
          tags: [],
          created_at: '',
          updated_at: '',
        },
      );
      const listed = (await list(token)).body;
      assert.ok(Array.isArray(listed));
      assert.deepEqual(
        listed.filter((t) => t.title === 'Test Task'),
        [created],
      );
    });

    test('get, put, patch, toggle complete, delete', async () => {
      const { token } = await api.user();
      const task = await create(token, {
        title: '  Write report  ',
        priority: 'high',
        due_at: '2030-01-31T17:00:00+01:00',
        tags: ['work', 'work', ' urgent '],
      });
      assert.equal(task.title, 'Write report');
      assert.equal(task.due_at, '2030-01-31T16:00:00.000Z');
      assert.deepEqual(task.tags, ['work', 'urgent']);
      assert.deepEqual((await api.call('GET', `/api/tasks/${task.id}`, { token })).body, task);

      const patched = await api.call<TaskJson>('PATCH', `/api/tasks/${task.id}`, {
        token,
        body: { description: 'Quarterly', due_at: null },
      });
      assert.equal(patched.status, 200);
      assert.equal(patched.body.description, 'Quarterly');
      assert.equal(patched.body.due_at, null);
      assert.equal(patched.body.title, 'Write report', 'fields not given are kept');
      assert.ok(patched.body.updated_at >= task.updated_at);

      const replaced = await api.call<TaskJson>('PUT', `/api/tasks/${task.id}`, {
        token,
        body: { title: 'Rewritten' },
      });
      assert.equal(replaced.status, 200);
      assert.deepEqual(
        [replaced.body.title, replaced.body.description, replaced.body.priority, replaced.body.tags],
        ['Rewritten', '', 'medium', []],
        'PUT replaces: fields left out take their defaults',
      );
      assert.equal(replaced.body.created_at, task.created_at);

      const done = await api.call<TaskJson>('PATCH', `/api/tasks/${task.id}/complete`, { token });
      assert.equal(done.body.completed, true);
      const undone = await api.call<TaskJson>('PATCH', `/api/tasks/${task.id}/complete`, { token });
      assert.equal(undone.body.completed, false);

      const deleted = await api.call('DELETE', `/api/tasks/${task.id}`, { token });
      assert.equal(deleted.status, 204);
      assert.equal((await api.call('GET', `/api/tasks/${task.id}`, { token })).status, 404);
      assert.equal((await api.call('DELETE', `/api/tasks/${task.id}`, { token })).status, 404);
    });

    test('PATCH …/complete with {"completed"} sets the state (a retry changes nothing) and refuses unknown fields; no body still toggles', async () => {
      const { token } = await api.user();
      const task = await create(token, { title: 'Idempotent' });
      const complete = (body?: unknown) =>
        api.call<TaskJson & { error?: string }>('PATCH', `/api/tasks/${task.id}/complete`, { token, body });
      for (let attempt = 0; attempt < 2; attempt++) {
        const done = await complete({ completed: true });
        assert.equal(done.status, 200);
        assert.equal(done.body.completed, true, `attempt ${attempt + 1}: still completed`);
      }
      assert.equal((await complete({ completed: false })).body.completed, false);
      for (const [body, message] of [
        [{ bogus: 1 }, /Unrecognized key: "bogus"/],
        [{ completed: 'yes' }, /completed: must be true or false/],
        [{}, /completed: /],
      ] as const) {
        const refused = await complete(body);
        assert.equal(refused.status, 400, JSON.stringify(body));
        assert.match(refused.body.error ?? '', message);
      }
      assert.equal((await complete()).body.completed, true, 'no body: toggled');
      assert.equal((await complete()).body.completed, false, 'no body: toggled back');
    });

    test('a date alone is a due date and a due_before/due_after bound: the start of that day in UTC', async () => {
      const { token } = await api.user();
      const task = await create(token, { title: 'Dated', due_at: '2026-12-01' });
      assert.equal(task.due_at, '2026-12-01T00:00:00.000Z');
      const titles = async (query: string) => (await list(token, query)).body.map((t) => t.title);
      assert.deepEqual(await titles('?due_before=2026-12-02'), ['Dated']);
      assert.deepEqual(await titles('?due_before=2026-12-01'), [], 'due before that day begins: not this one');
      assert.deepEqual(await titles('?due_after=2026-11-30'), ['Dated']);
      for (const bad of ['2026-13-01', '2026-02-30', '26-12-01']) {
        const response = await api.call<{ error: string }>('POST', '/api/tasks', {
          token,
          body: { title: 'x', due_at: bad },
        });
        assert.equal(response.status, 400, bad);
        assert.match(response.body.error, /due_at: must be a date-time .* or a date like/);
      }
    });

    test("isolation: B cannot read, change, complete, delete or list A's tasks (404); a wrong /api/{user_id}/ is 403", async () => {
      const a = await api.user('a');
      const b = await api.user('b');
      const task = await create(a.token, { title: 'A private task' });
      const attempts: [Parameters<typeof api.call>[0], string, unknown?][] = [
        ['GET', `/api/tasks/${task.id}`],
        ['PUT', `/api/tasks/${task.id}`, { title: 'Mine now' }],
        ['PATCH', `/api/tasks/${task.id}`, { title: 'Mine now' }],
        ['PATCH', `/api/tasks/${task.id}/complete`],
        ['DELETE', `/api/tasks/${task.id}`],
        ['GET', `/api/${b.id}/tasks/${task.id}`],
        ['DELETE', `/api/${b.id}/tasks/${task.id}`],
      ];
      for (const [method, url, body] of attempts) {
        const response = await api.call<{ error: string }>(method, url, { token: b.token, body });
        assert.equal(response.status, 404, `${method} ${url}`);
        assert.equal(response.body.error, `Task ${task.id} not found`, 'the same answer as a task that never existed');
      }
      assert.deepEqual((await list(b.token)).body, []);
      for (const [method, url, body] of [
        ['GET', `/api/${a.id}/tasks`],
        ['POST', `/api/${a.id}/tasks`, { title: 'Sneaky' }],
        ['GET', `/api/${a.id}/tasks/${task.id}`],
        ['PATCH', `/api/${a.id}/tasks/${task.id}/complete`],
        ['DELETE', `/api/${a.id}/tasks/${task.id}`],
        ['GET', `/api/not-a-uuid/tasks`],
      ] as const) {
        const response = await api.call<{ error: string }>(method, url, { token: b.token, body });
        assert.equal(response.status, 403, `${method} ${url}`);
      }
      assert.deepEqual((await api.call('GET', `/api/tasks/${task.id}`, { token: a.token })).body, task, 'unchanged');
      assert.equal((await list(b.token)).body.length, 0, 'B stored nothing');
    });

    test('/api/{user_id}/tasks… serves the same tasks for the signed-in user', async () => {
      const user = await api.user();
      const created = await api.call<TaskJson>('POST', `/api/${user.id}/tasks`, {
        token: user.token,
        body: { title: 'Via alias' },
      });
      assert.equal(created.status, 201);
      const id = created.body.id;
      assert.deepEqual((await api.call('GET', `/api/${user.id}/tasks`, { token: user.token })).body, [created.body]);
      assert.deepEqual((await api.call('GET', `/api/tasks/${id}`, { token: user.token })).body, created.body);
      const toggled = await api.call<TaskJson>('PATCH', `/api/${user.id}/tasks/${id}/complete`, { token: user.token });
      assert.equal(toggled.body.completed, true);
      const put = await api.call<TaskJson>('PUT', `/api/${user.id}/tasks/${id}`, {
        token: user.token,
        body: { title: 'Renamed', completed: true },
      });
      assert.equal(put.body.title, 'Renamed');
      assert.equal((await api.call('DELETE', `/api/${user.id}/tasks/${id}`, { token: user.token })).status, 204);
      assert.deepEqual((await api.call('GET', `/api/${user.id}/tasks`, { token: user.token })).body, []);
    });

    test('filters: status, q (wildcards are literal), tag, priority, due before/after', async () => {
      const { token } = await api.user();
      const t = {
        milk: await create(token, {
          title: 'Buy milk',
          tags: ['shopping'],
          priority: 'low',
          due_at: '2030-01-01T00:00:00Z',
        }),
        report: await create(token, {
          title: 'Report',
          description: 'Q1 100% done',
          priority: 'high',
          due_at: '2031-06-01T12:00:00Z',
        }),
        call: await create(token, { title: 'Call mum', tags: ['family', 'shopping'] }),
      };
      await api.call('PATCH', `/api/tasks/${t.report.id}/complete`, { token });
      const titles = async (query: string) => (await list(token, query)).body.map((task) => task.title);
      assert.deepEqual(await titles('?status=pending'), ['Buy milk', 'Call mum']);
      assert.deepEqual(await titles('?status=completed'), ['Report']);
      assert.deepEqual(await titles('?status=all'), ['Buy milk', 'Report', 'Call mum']);
      assert.deepEqual(await titles('?q=MILK'), ['Buy milk']);
      assert.deepEqual(await titles('?q=100%25'), ['Report'], 'searches the description');
      assert.deepEqual(await titles('?q=%25'), ['Report'], '% matches only itself');
      assert.deepEqual(await titles('?q=_'), [], '_ matches only itself');
      assert.deepEqual(await titles('?tag=shopping'), ['Buy milk', 'Call mum']);
      assert.deepEqual(await titles('?tag=shopping&status=pending&priority=low'), ['Buy milk']);
      assert.deepEqual(await titles('?priority=medium'), ['Call mum']);
      assert.deepEqual(await titles('?due_before=2030-06-01T00:00:00Z'), ['Buy milk']);
      assert.deepEqual(await titles('?due_after=2030-06-01T00:00:00Z'), ['Report']);
      assert.deepEqual(await titles('?due_after=2029-01-01T00:00:00Z&due_before=2032-01-01T00:00:00%2B02:00'), [
        'Buy milk',
        'Report',
      ]);
    });

    test('sorts, each direction, and cursor pagination through the Link header visit every task once', async () => {
      const { token } = await api.user();
      const specs = [
        { title: 'delta', priority: 'low', due_at: '2030-03-01T00:00:00Z' },
        { title: 'Alpha', priority: 'high', due_at: null },
        { title: 'charlie', priority: 'medium', due_at: '2030-01-01T00:00:00Z' },
        { title: 'bravo', priority: 'high', due_at: '2030-01-01T00:00:00Z' },
        { title: 'echo', priority: 'low', due_at: null },
      ];
      const made: TaskJson[] = [];
      for (const spec of specs) made.push(await create(token, spec));
      // PGlite's clock ticks in milliseconds: without a pause the touch can share
      // the last create's updated_at, and the tie falls to the higher id.
      await new Promise((resolve) => setTimeout(resolve, 20));
      await api.call('PATCH', `/api/tasks/${made[0]?.id}`, { token, body: { description: 'touched' } });
      const rank = { low: 0, medium: 1, high: 2 };
      const due = (task: TaskJson) => (task.due_at === null ? Number.POSITIVE_INFINITY : Date.parse(task.due_at));
      const keys: Record<string, (task: TaskJson) => number | string> = {
        created_at: (task) => task.id,
        due_at: due,
        priority: (task) => rank[task.priority],
        title: (task) => task.title,
      };
      for (const [sort, key] of Object.entries(keys)) {
        for (const descending of [false, true]) {
          const expected = [...made]
            .sort((x, y) => {
              const [kx, ky] = [key(x), key(y)];
              const order = kx < ky ? -1 : kx > ky ? 1 : x.id - y.id;
              return descending ? -order : order;
            })
            .map((task) => task.id);
          const seen: number[] = [];
          let url: string | undefined = `/api/tasks?sort=${descending ? '-' : ''}${sort}&limit=2`;
          let pages = 0;
          while (url !== undefined) {
            const page: Awaited<ReturnType<typeof list>> = await list(token, url.replace('/api/tasks', ''));
            seen.push(...page.body.map((task) => task.id));
            const link = String(page.headers.link ?? '');
            url = /^<([^>]+)>; rel="next"$/.exec(link)?.[1];
            pages += 1;
          }
          assert.deepEqual(seen, expected, `sort=${descending ? '-' : ''}${sort}`);
          assert.equal(pages, 3);
        }
      }
      const updated = (await list(token, '?sort=-updated_at&limit=1')).body;
      assert.equal(updated[0]?.id, made[0]?.id, 'the touched task was updated last');
    });

    test('bad input is a clear 4xx and stores nothing', async () => {
      const { token } = await api.user();
      const kept = await create(token, { title: 'Keep me' });
      const post = (raw: string, type = 'application/json') =>
        api.call<{ error: string }>('POST', '/api/tasks', { token, raw, headers: { 'content-type': type } });
      const cases: [string, number, RegExp][] = [
        ['{"title": "x"', 400, /not valid JSON/],
        ['', 400, /empty/],
        ['[]', 400, /JSON object/],
        ['"title"', 400, /JSON object/],
        ['{}', 400, /title: is required/],
        ['{"title": "x", "owner": "someone"}', 400, /Unrecognized key: "owner"/],
        ['{"title": "   "}', 400, /title: must not be empty/],
        [JSON.stringify({ title: 'x'.repeat(201) }), 400, /title: must be at most 200 characters \(got 201\)/],
        [JSON.stringify({ title: 'x', description: 'y'.repeat(2001) }), 400, /description: must be at most 2000/],
        ['{"title": "a\\u0000b"}', 400, /title: must not contain control characters/],
        ['{"title": "\\ud800"}', 400, /title: must not contain control characters/],
        ['{"title": 5}', 400, /title: must be a string/],
        ['{"title": "x", "completed": "yes"}', 400, /completed: must be true or false/],
        ['{"title": "x", "priority": "urgent"}', 400, /priority: must be one of low, medium, high/],
        ['{"title": "x", "due_at": "tomorrow"}', 400, /due_at: .*date-time/],
        ['{"title": "x", "due_at": "2030-02-30T00:00:00Z"}', 400, /due_at/],
        ['{"title": "x", "due_at": "2030-01-01T00:00:00"}', 400, /due_at/],
        ['{"title": "x", "due_at": "0001-01-01T00:00:00Z"}', 400, /due_at: must be a date between/],
        ['{"title": "x", "tags": "work"}', 400, /tags: must be an array/],
        [JSON.stringify({ title: 'x', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }), 400, /at most 20 tags/],
        [JSON.stringify({ title: 'x', tags: ['y'.repeat(51)] }), 400, /tags.0: must be at most 50/],
        ['{"__proto__": {"title": "x"}}', 400, /./],
        [JSON.stringify({ title: 'x', description: 'z'.repeat(70_000) }), 413, /too large/],
      ];
      for (const [raw, status, message] of cases) {
        const response = await post(raw);
        assert.equal(response.status, status, `${raw.slice(0, 60)} → ${JSON.stringify(response.body)}`);
        assert.match(response.body.error, message, raw.slice(0, 60));
      }
      assert.equal((await post('title=x', 'application/x-www-form-urlencoded')).status, 415);
      assert.equal((await post('title', 'text/plain')).status, 415);

      for (const id of ['abc', '0', '-1', '1.5', '99999999999', '1e3', '2147483648']) {
        const response = await api.call<{ error: string }>('GET', `/api/tasks/${id}`, { token });
        assert.equal(response.status, 400, `GET /api/tasks/${id}`);
        assert.match(response.body.error, /id: must be/);
      }
      assert.equal((await api.call('GET', '/api/tasks/2147483647', { token })).status, 404);
      const patchEmpty = await api.call<{ error: string }>('PATCH', `/api/tasks/${kept.id}`, { token, body: {} });
      assert.equal(patchEmpty.status, 400);
      assert.match(patchEmpty.body.error, /at least one field/);
      for (const [query, message] of [
        ['?status=done', /status: must be all, pending or completed/],
        ['?sort=owner', /sort: must be one of/],
        ['?limit=0', /limit/],
        ['?limit=501', /limit/],
        ['?limit=ten', /limit/],
        ['?due_before=yesterday', /due_before/],
        ['?tag=a&tag=b', /tag/],
        ['?cursor=forged', /cursor: is not one this API gave out/],
        ['?q=%00', /q: must not contain control characters/],
      ] as const) {
        const response = await api.call<{ error: string }>('GET', `/api/tasks${query}`, { token });
        assert.equal(response.status, 400, query);
        assert.match(response.body.error, message, query);
      }
      // A genuine cursor used with another sort is refused, not misread.
      await create(token, { title: 'Second' });
      const link = String((await list(token, '?limit=1')).headers.link);
      const cursor = /cursor=([^&>]+)/.exec(link)?.[1];
      const mixed = await api.call<{ error: string }>('GET', `/api/tasks?limit=1&sort=title&cursor=${cursor}`, {
        token,
      });
      assert.equal(mixed.status, 400);
      assert.match(mixed.body.error, /belongs to sort=created_at/);

      assert.deepEqual(
        (await list(token)).body.map((task) => task.title),
        ['Keep me', 'Second'],
        'nothing else was stored',
      );
    });

    test('text is stored exactly: emoji count as one character, SQL-like text is literal, line breaks in descriptions kept', async () => {
      const { token } = await api.user();
      const emoji = await create(token, { title: '😀'.repeat(200), description: 'line one\nline two\ttabbed' });
      assert.equal(emoji.title, '😀'.repeat(200));
      assert.equal(emoji.description, 'line one\nline two\ttabbed');
      const sql = await create(token, { title: "Robert'); DROP TABLE tasks;--", tags: ["'; --"] });
      assert.equal((await api.call<TaskJson>('GET', `/api/tasks/${sql.id}`, { token })).body.title, sql.title);
      assert.deepEqual((await list(token, `?tag=${encodeURIComponent("'; --")}`)).body, [sql]);
    });
  });
}

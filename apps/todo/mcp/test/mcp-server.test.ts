// The MCP server driven by the MCP SDK's own client over Streamable HTTP,
// against the real Todo API process on each database.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { backends, type ServiceProcess } from '@berth/testkit';
import { assistantForSuite, expiredToken, newAccount, postJson, startTodoMcp } from '@berth/todo-api/test-support';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectMcp } from './mcp-client.ts';

interface ToolTask {
  id: number;
  title: string;
  description: string;
  completed: boolean;
  priority: string;
  due_at: string | null;
  tags: string[];
}

type CallResult = { isError?: boolean; content: { type: string; text?: string }[]; structuredContent?: unknown };

async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallResult> {
  return (await client.callTool({ name, arguments: args })) as CallResult;
}

/** The structured result of a call that must succeed. */
async function ok<T>(client: Client, name: string, args: Record<string, unknown> = {}): Promise<T> {
  const result = await call(client, name, args);
  assert.ok(!result.isError, `${name} failed: ${result.content[0]?.text}`);
  return result.structuredContent as T;
}

/** The message of a call that must fail as an MCP tool error. */
async function refused(client: Client, name: string, args: Record<string, unknown> = {}): Promise<string> {
  const result = await call(client, name, args);
  assert.equal(result.isError, true, `${name} should have failed: ${JSON.stringify(result)}`);
  return result.content[0]?.text ?? '';
}

const titles = async (client: Client, args: Record<string, unknown> = {}) =>
  (await ok<{ tasks: ToolTask[] }>(client, 'list_tasks', args)).tasks.map((task) => task.title);

for (const { name: backendName, start } of backends) {
  describe(`Todo MCP server over Streamable HTTP, Todo API on ${backendName}`, () => {
    const stack = assistantForSuite({ startBackend: start });
    let api: ServiceProcess;
    let mcp: ServiceProcess;
    let ada: Client;
    let adaToken: string;

    before(async () => {
      ({ api, mcp } = stack);
      adaToken = await newAccount(api.url, 'ada');
      ada = await connectMcp(mcp.url, adaToken);
    });
    after(async () => {
      await ada?.close();
    });

    test('lists the tools, each with a description and an input schema', async () => {
      const { tools } = await ada.listTools();
      const byName = new Map(tools.map((tool) => [tool.name, tool]));
      assert.deepEqual([...byName.keys()].sort(), [
        'add_task',
        'complete_task',
        'delete_task',
        'list_tasks',
        'summarize_tasks',
        'update_task',
      ]);
      for (const tool of tools) {
        assert.ok((tool.description ?? '').length > 20, `${tool.name} says what it does`);
        assert.equal(tool.inputSchema.type, 'object');
      }
      const add = byName.get('add_task');
      assert.deepEqual(add?.inputSchema.required, ['title']);
      assert.deepEqual(Object.keys(add?.inputSchema.properties ?? {}).sort(), [
        'description',
        'due_at',
        'priority',
        'tags',
        'title',
      ]);
      const priority = (add?.inputSchema.properties as Record<string, { enum?: string[] }> | undefined)?.priority;
      assert.deepEqual(priority?.enum, ['low', 'medium', 'high']);
      assert.deepEqual(
        Object.keys(byName.get('list_tasks')?.inputSchema.properties ?? {}).sort(),
        ['due_after', 'due_before', 'limit', 'priority', 'q', 'sort', 'status', 'tag'],
        'the filters of GET /api/tasks',
      );
      assert.equal(byName.get('delete_task')?.annotations?.destructiveHint, true);
      assert.equal(byName.get('list_tasks')?.annotations?.readOnlyHint, true);
    });

    test('each tool works: add, list with filters, update, complete and reopen, summarize, delete', async () => {
      const milk = await ok<ToolTask>(ada, 'add_task', {
        title: 'Buy milk',
        priority: 'high',
        due_at: '2020-01-01T09:00:00Z',
        tags: ['home'],
      });
      assert.equal(milk.title, 'Buy milk');
      assert.equal(milk.priority, 'high');
      assert.equal(milk.due_at, '2020-01-01T09:00:00.000Z');
      assert.deepEqual(milk.tags, ['home']);
      assert.equal('user_id' in milk, false, 'the owner id is not shown');
      const report = await ok<ToolTask>(ada, 'add_task', {
        title: 'Write report',
        description: 'quarterly numbers',
        due_at: new Date(Date.now() + 3 * 3600_000).toISOString(),
        tags: ['work'],
      });
      await ok(ada, 'add_task', { title: 'Read a book', priority: 'low' });

      assert.deepEqual(await titles(ada), ['Buy milk', 'Write report', 'Read a book']);
      assert.deepEqual(await titles(ada, { tag: 'work' }), ['Write report']);
      assert.deepEqual(await titles(ada, { priority: 'high' }), ['Buy milk']);
      assert.deepEqual(await titles(ada, { q: 'QUARTERLY' }), ['Write report']);
      assert.deepEqual(await titles(ada, { due_before: '2021-01-01T00:00:00Z' }), ['Buy milk']);
      assert.deepEqual(await titles(ada, { sort: '-title', limit: 2 }), ['Write report', 'Read a book']);

      const renamed = await ok<ToolTask>(ada, 'update_task', { id: milk.id, title: 'Buy oat milk', due_at: null });
      assert.equal(renamed.title, 'Buy oat milk');
      assert.equal(renamed.due_at, null);

      assert.equal((await ok<ToolTask>(ada, 'complete_task', { id: report.id })).completed, true);
      assert.equal(
        (await ok<ToolTask>(ada, 'complete_task', { id: report.id })).completed,
        true,
        'completing twice keeps it completed (not a toggle)',
      );
      assert.deepEqual(await titles(ada, { status: 'completed' }), ['Write report']);
      assert.equal((await ok<ToolTask>(ada, 'complete_task', { id: report.id, completed: false })).completed, false);

      const overdue = await ok<ToolTask>(ada, 'add_task', { title: 'Pay rent', due_at: '2020-06-01T00:00:00Z' });
      const summary = await ok<{
        pending: number;
        completed: number;
        overdue: ToolTask[];
        due_today: ToolTask[];
        due_this_week: ToolTask[];
        no_due_date: number;
      }>(ada, 'summarize_tasks', { time_zone: 'UTC' });
      assert.equal(summary.pending, 4);
      assert.equal(summary.completed, 0);
      assert.deepEqual(
        summary.overdue.map((task) => task.title),
        ['Pay rent'],
      );
      assert.equal(summary.no_due_date, 2);
      assert.equal(summary.due_today.length + summary.due_this_week.length, 1, 'the report is due within a day');

      const deleted = await ok<{ deleted: number; title: string }>(ada, 'delete_task', { id: overdue.id });
      assert.deepEqual(deleted, { deleted: overdue.id, title: 'Pay rent' });
      assert.match(await refused(ada, 'delete_task', { id: overdue.id }), new RegExp(`Task ${overdue.id} not found`));
    });

    test("a second user's tasks are never visible or changeable", async () => {
      const secret = await ok<ToolTask>(ada, 'add_task', { title: "Ada's secret plan" });
      const bob = await connectMcp(mcp.url, await newAccount(api.url, 'bob'));
      try {
        assert.deepEqual(await titles(bob), [], "Bob sees none of Ada's tasks");
        assert.equal((await ok<{ pending: number }>(bob, 'summarize_tasks')).pending, 0);
        for (const [tool, args] of [
          ['update_task', { id: secret.id, title: 'hijacked' }],
          ['complete_task', { id: secret.id }],
          ['delete_task', { id: secret.id }],
        ] as const) {
          assert.match(await refused(bob, tool, args), new RegExp(`Task ${secret.id} not found`), tool);
        }
        const still = (await ok<{ tasks: ToolTask[] }>(ada, 'list_tasks', { q: 'secret plan' })).tasks;
        assert.deepEqual(
          still.map((task) => [task.title, task.completed]),
          [["Ada's secret plan", false]],
          'unchanged',
        );
      } finally {
        await bob.close();
      }
    });

    test('a missing token is refused before anything runs; an expired, forged or revoked token is refused by every tool', async () => {
      await assert.rejects(connectMcp(mcp.url), (error: Error & { code?: number }) => {
        assert.equal(error.code, 401);
        assert.match(error.message, /Not signed in: send .*Authorization: Bearer <token>/);
        return true;
      });
      const raw = await postJson<{ error: { message: string } }>(`${mcp.url}/mcp`, {
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/list',
      });
      assert.equal(raw.status, 401);
      assert.match(raw.body.error.message, /Not signed in/);

      const me = await fetch(`${api.url}/api/auth/me`, { headers: { authorization: `Bearer ${adaToken}` } });
      const { id: adaId } = (await me.json()) as { id: string };
      const before = (await titles(ada)).length;

      const revokedToken = await newAccount(api.url, 'leaver');
      assert.equal((await postJson(`${api.url}/api/auth/logout`, undefined, revokedToken)).status, 204);
      const badTokens = {
        expired: expiredToken(adaId),
        forged: `${expiredToken(adaId).split('.').slice(0, 2).join('.')}.${'A'.repeat(43)}`,
        revoked: revokedToken,
      };
      for (const [kind, token] of Object.entries(badTokens)) {
        const client = await connectMcp(mcp.url, token);
        try {
          assert.match(
            await refused(client, 'list_tasks'),
            /Not signed in: the Todo API refused the bearer token/,
            kind,
          );
          assert.match(await refused(client, 'add_task', { title: 'should not exist' }), /Not signed in/, kind);
        } finally {
          await client.close();
        }
      }
      assert.equal((await titles(ada)).length, before, 'nothing was added');
    });

    test('bad arguments get an MCP error naming the problem, and nothing is stored', async () => {
      const before = await titles(ada);
      const cases: [string, Record<string, unknown>, RegExp][] = [
        ['add_task', {}, /title/],
        ['add_task', { title: '' }, /title/],
        ['add_task', { title: 'x'.repeat(201) }, /title/],
        ['add_task', { title: 'ok', priority: 'urgent' }, /priority/],
        ['add_task', { title: 'ok', due_at: 'tomorrow' }, /due_at/],
        ['add_task', { title: 'ok', tags: 'home' }, /tags/],
        ['update_task', { id: 'one', title: 'x' }, /id/],
        ['update_task', { id: 1 }, /Nothing to change/],
        ['complete_task', { id: -3 }, /id/],
        ['delete_task', {}, /id/],
        ['list_tasks', { status: 'done' }, /status/],
        ['summarize_tasks', { time_zone: 'Mars/Olympus' }, /IANA time zone/],
      ];
      for (const [tool, args, expected] of cases) {
        const message = await refused(ada, tool, args);
        assert.match(message, expected, `${tool} ${JSON.stringify(args)}: ${message}`);
      }
      // The API's own rule, past the tool's schema: a title of only control characters.
      assert.match(await refused(ada, 'add_task', { title: 'a\u0007b' }), /control characters/);
      assert.match(await refused(ada, 'complete_task', { id: 2_000_000_000 }), /not found/);
      assert.deepEqual(await titles(ada), before, 'nothing was stored');
    });

    test('stateless: GET and DELETE on /mcp are 405, and a second replica answers the same client', async () => {
      assert.equal((await fetch(`${mcp.url}/mcp`)).status, 405);
      assert.equal((await fetch(`${mcp.url}/mcp`, { method: 'DELETE' })).status, 405);
      const replica = await startTodoMcp(api.url);
      try {
        const viaReplica = await connectMcp(replica.url, adaToken);
        try {
          assert.deepEqual(await titles(viaReplica), await titles(ada));
        } finally {
          await viaReplica.close();
        }
      } finally {
        await replica.stop();
      }
      const readiness = (await (await fetch(`${mcp.url}/readyz`)).json()) as { checks: Record<string, string> };
      assert.deepEqual(readiness.checks, { 'todo-api': 'ok' });
      assert.ok(!mcp.output().includes(adaToken), 'no token in the logs');
      assert.ok(!mcp.output().includes('eyJ'), 'no token in the logs');
    });

    test('/metrics counts tool runs by tool and outcome', async () => {
      const count = async (tool: string, outcome: string) => {
        const text = await (await fetch(`${mcp.url}/metrics`)).text();
        const line = text
          .split('\n')
          .find((row) => row.startsWith(`mcp_tool_calls_total{tool="${tool}",outcome="${outcome}"`));
        return line === undefined ? 0 : Number(line.split(' ').at(-1));
      };
      const [okBefore, errorBefore] = [await count('summarize_tasks', 'ok'), await count('complete_task', 'error')];
      await ok(ada, 'summarize_tasks');
      await ok(ada, 'summarize_tasks');
      await refused(ada, 'complete_task', { id: 2_000_000_000 });
      assert.equal(await count('summarize_tasks', 'ok'), okBefore + 2);
      assert.equal(await count('complete_task', 'error'), errorBefore + 1);
    });
  });
}

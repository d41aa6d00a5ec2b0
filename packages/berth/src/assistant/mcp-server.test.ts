// berth's MCP server through the SDK's own client (in-process transport), with
// a kubeconfig whose server does not answer: whatever the scope refuses is
// refused before any request, so the answers here are the guard's own, never
// "connection refused". The tools on a running app are in the cluster suite
// (test/cluster/apps/berth-ask.test.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { modelLoop } from '@berth/assistant-kit';
import { API_KEY, type StandInModel, startStandInModel, turnSoFar } from '@berth/testkit/stand-in-model';
import { Context } from '../context.ts';
import { Output } from '../output.ts';
import { confirmingToolBox } from './confirm.ts';
import { READ_TOOLS, WRITE_TOOLS } from './mcp-server.ts';
import { Scope } from './scope.ts';
import { openBerthTools } from './session.ts';

const REPO = fileURLToPath(new URL('../../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'berth-mcp-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function closedPortKubeconfig(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  const file = join(dir, `closed-${port}`);
  writeFileSync(
    file,
    `apiVersion: v1\nkind: Config\nclusters: [{name: gone, cluster: {server: "https://127.0.0.1:${port}"}}]\nusers: [{name: u, user: {token: x}}]\ncontexts: [{name: gone, context: {cluster: gone, user: u}}]\ncurrent-context: gone\n`,
  );
  return file;
}

async function tools(allowWrite: boolean) {
  const ctx = new Context(
    { kubeconfig: await closedPortKubeconfig(), root: REPO, namespace: 'names-dev' },
    new Output({ json: false, noColor: true }),
  );
  const app = ctx.app('names');
  return openBerthTools({ ctx, app, scope: new Scope(['names-dev', 'names-stage']), allowWrite });
}

const EVERY_CALL: Record<string, Record<string, unknown>> = {
  status: {},
  diagnose: { component: 'db' },
  logs: { component: 'web', tail: 10 },
  events: {},
  top: {},
  volumes: {},
  network_policies: { component: 'api' },
  scale: { component: 'api', replicas: 3, confirm: true },
  restart: { component: 'api', confirm: true },
  rollback: { confirm: true },
};

describe('berth mcp tools through the MCP SDK client', () => {
  test('read-only by default: the read tools, each with a namespace argument; no tool that changes anything', async () => {
    const box = await tools(false);
    try {
      assert.deepEqual(box.tools.map((t) => t.name).sort(), [...READ_TOOLS].sort());
      for (const tool of box.tools.filter((t) => t.name !== 'cluster_health')) {
        const properties = (tool.inputSchema as { properties: Record<string, { description?: string }> }).properties;
        assert.match(
          properties.namespace?.description ?? '',
          /names-dev, names-stage .*Any other is refused/,
          tool.name,
        );
      }
      const scale = await box.call('scale', { component: 'api', replicas: 3, confirm: true });
      assert.equal(scale.isError, true);
      assert.match(scale.text, /Tool scale not found/);
    } finally {
      await box.close();
    }
  });

  test('--allow-write adds scale, restart and rollback, each with a confirm argument', async () => {
    const box = await tools(true);
    try {
      assert.deepEqual(box.tools.map((t) => t.name).sort(), [...READ_TOOLS, ...WRITE_TOOLS].sort());
      for (const name of WRITE_TOOLS) {
        const tool = box.tools.find((t) => t.name === name);
        assert.ok(tool, name);
        const properties = (tool.inputSchema as { properties: Record<string, unknown> }).properties;
        assert.ok(properties.confirm, `${name} has confirm`);
      }
    } finally {
      await box.close();
    }
  });

  test('every tool refuses a namespace outside the scope before it sends a single request', async () => {
    const box = await tools(true);
    try {
      for (const [name, args] of Object.entries(EVERY_CALL)) {
        for (const namespace of ['kube-system', 'default', 'names-dev-other']) {
          const outcome = await box.call(name, { ...args, namespace });
          assert.equal(outcome.isError, true, `${name} in ${namespace}`);
          assert.match(
            outcome.text,
            new RegExp(`^Refused: namespace "${namespace}" is outside .*\\(allowed: names-dev, names-stage\\)`),
            `${name} in ${namespace}: ${outcome.text}`,
          );
          assert.deepEqual(outcome.structured, { refused: true, reason: 'namespace' });
        }
      }
      // Inside the scope the tool does go to the cluster (which does not answer here).
      const inside = await box.call('status', { namespace: 'names-stage' });
      assert.equal(inside.isError, true);
      assert.match(inside.text, /does not answer: nothing listens there/);
    } finally {
      await box.close();
    }
  });
});

describe('berth ask with a language model (a stand-in OpenAI-compatible provider)', () => {
  let model: StandInModel;
  before(async () => {
    model = await startStandInModel((request) => {
      const { lastUser, toolResults, lastResult } = turnSoFar(request);
      if (toolResults.length > 0) return { text: `The tool said: ${lastResult}` };
      if (lastUser === 'look at kube-system') {
        return { toolCalls: [{ name: 'diagnose', arguments: '{"namespace":"kube-system"}' }] };
      }
      if (lastUser === 'scale coredns up') {
        return {
          toolCalls: [
            {
              name: 'scale',
              arguments: '{"namespace":"kube-system","component":"api","replicas":5,"confirm":true}',
            },
          ],
        };
      }
      return { text: `You said: ${lastUser}` };
    });
  });
  after(async () => {
    await model?.close();
  });

  for (const [request, tool] of [
    ['look at kube-system', 'diagnose'],
    ['scale coredns up', 'scale'],
  ] as const) {
    test(`"${request}": the model's ${tool} call outside the allowed namespaces is refused, and the person is never asked`, async () => {
      const box = await tools(true);
      const asked: string[] = [];
      try {
        const loop = modelLoop({
          model: 'stand-in-1',
          baseUrl: model.baseUrl,
          apiKey: API_KEY,
          maxSteps: 3,
          timeoutMs: 5000,
          retries: 0,
        });
        const answer = await loop.run({
          messages: [{ role: 'user', content: request }],
          tools: confirmingToolBox(box, async (plan) => {
            asked.push(plan);
            return true;
          }),
          stream: false,
          onText: () => undefined,
        });
        assert.match(answer, /^The tool said: Error: Refused: namespace "kube-system" is outside/);
        assert.deepEqual(asked, []);
        assert.deepEqual(
          box.calls.map((c) => [c.name, c.arguments.namespace, c.is_error]),
          [[tool, 'kube-system', true]],
        );
        const offered = model.seen.at(-1)?.body.tools?.map((t) => t.function.name) ?? [];
        assert.ok(offered.includes('scale') && offered.includes('diagnose'), 'the model is offered the MCP tools');
      } finally {
        await box.close();
      }
    });
  }
});

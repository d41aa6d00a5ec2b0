// Issue 17's acceptance list, on the real cluster of test/cluster: the Names
// app installed with the real `berth up names --env dev`; `berth mcp` driven by
// the MCP SDK's own client over stdio (and Streamable HTTP with --listen);
// `berth ask` offline on the requests, each answer checked against the
// cluster's state as kubectl reads it (the database broken on purpose for
// "why is the database pod failing?"); and `berth ask` with a language model,
// a stand-in OpenAI-compatible server in this process (the real provider is
// paid), whose tool calls run through MCP and are refused outside the allowed
// namespaces. Needs the cluster up (test/cluster/up) and root. Namespace
// ask-names, NodePort 30095, images tagged ask-<commit>.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  BERTH_BUILD_FLAGS,
  BERTH_ENV,
  berthCli,
  deleteNamespace,
  eventually,
  explainRun,
  kubectl,
  kubectlJson,
  REPO,
  removeRelease,
  run,
} from '@berth/testkit/cluster';
import { API_KEY, type StandInModel, startStandInModel, turnSoFar } from '@berth/testkit/stand-in-model';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const MAIN = join(REPO, 'packages/berth/src/main.ts');
const NS = 'ask-names';
const NODE_PORT = 30095;
// No model from the machine's environment: each test says whether it wants one.
const ENV: NodeJS.ProcessEnv = { BERTH_MODEL: '', OPENAI_BASE_URL: '', OPENAI_API_KEY: '' };
const BUILD_FLAGS = BERTH_BUILD_FLAGS;
const READ_TOOLS = ['cluster_health', 'diagnose', 'events', 'logs', 'network_policies', 'status', 'top', 'volumes'];
const WRITE_TOOLS = ['restart', 'rollback', 'scale'];

const berth = (args: string[], env: NodeJS.ProcessEnv = {}) => berthCli(args, { ...ENV, ...env });

const ask = (question: string, ...extra: string[]) => berth(['ask', '--app', 'names', question, '-n', NS, ...extra]);

const explain = explainRun;

interface Pod {
  metadata: { name: string; labels?: Record<string, string> };
  status: {
    phase: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: { name: string; state?: { waiting?: { reason?: string } } }[];
  };
}

async function pods(selector = 'app.kubernetes.io/instance=names'): Promise<Pod[]> {
  return (await kubectlJson<{ items: Pod[] }>(['-n', NS, 'get', 'pods', '-l', selector])).items.filter(
    (p) => p.status.phase !== 'Succeeded',
  );
}

const ready = (pod: Pod) => pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

async function replicas(deployment: string): Promise<{ spec: number; ready: number }> {
  const d = await kubectlJson<{ spec: { replicas: number }; status: { readyReplicas?: number } }>([
    '-n',
    NS,
    'get',
    'deployment',
    deployment,
  ]);
  return { spec: d.spec.replicas, ready: d.status.readyReplicas ?? 0 };
}

/** Restart counts change between two readings: compare findings without them. */
const withoutCounts = (text: string) => text.replace(/\b(?:once|\d+ times)\b/g, 'N').replace(/\d+/g, '#');

function textOf(result: unknown): string {
  return ((result as { content?: { type: string; text?: string }[] }).content ?? [])
    .map((part) => part.text ?? '')
    .join('\n');
}

async function mcpClient(args: string[]): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MAIN, 'mcp', 'names', '-n', NS, ...args],
    env: { ...BERTH_ENV, ...ENV } as Record<string, string>,
    cwd: REPO,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk) => (stderr += chunk));
  const client = new Client({ name: 'berth-ask-suite', version: '0.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr };
}

let deployed = false;
const needsApp = () => assert.ok(deployed, 'berth up names did not deploy the app (see the first test)');

before(async () => {
  await deleteNamespace(NS);
});
after(async () => {
  await removeRelease('names', NS);
});

describe('berth mcp and berth ask on the Names app', () => {
  test('berth up names --env dev in the ask-names namespace', { timeout: 1_200_000 }, async () => {
    const commit = (await run('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: REPO })).stdout.trim();
    const result = await berth([
      'up',
      'names',
      '--env',
      'dev',
      '-n',
      NS,
      '--tag',
      `ask-${commit}`,
      '--set',
      `web.service.nodePort=${NODE_PORT}`,
      ...BUILD_FLAGS,
    ]);
    assert.equal(result.code, 0, explain(result));
    deployed = true;
  });

  test('MCP over stdio with the SDK client: read tools listed and answering on the running app; no write tool', async () => {
    needsApp();
    const { client } = await mcpClient([]);
    try {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), READ_TOOLS);

      const status = (await client.callTool({ name: 'status', arguments: {} })) as unknown as {
        isError?: boolean;
        structuredContent: { healthy: boolean; workloads: { name: string; ready: number; desired: number }[] };
      };
      assert.notEqual(status.isError, true, textOf(status));
      const apiNow = await replicas('names-api');
      const api = status.structuredContent.workloads.find((w) => w.name === 'names-api');
      assert.deepEqual([api?.ready, api?.desired], [apiNow.ready, apiNow.spec]);
      assert.match(textOf(status), /statefulset\/names-db: 1\/1 ready/);

      const diagnose = (await client.callTool({ name: 'diagnose', arguments: {} })) as unknown as {
        structuredContent: { healthy: boolean };
      };
      assert.equal(diagnose.structuredContent.healthy, true, textOf(diagnose));

      const apiPods = (await pods('app.kubernetes.io/instance=names,app.kubernetes.io/component=api')).map(
        (p) => p.metadata.name,
      );
      const logs = (await client.callTool({ name: 'logs', arguments: { component: 'api', tail: 5 } })) as unknown as {
        structuredContent: { entries: { pod: string; lines: string[] }[] };
      };
      assert.deepEqual(logs.structuredContent.entries.map((e) => e.pod).sort(), apiPods.sort());
      for (const entry of logs.structuredContent.entries) assert.ok(entry.lines.length <= 5, 'bounded to tail');

      const events = await client.callTool({ name: 'events', arguments: { limit: 5 } });
      assert.notEqual(events.isError, true, textOf(events));

      const volumes = await client.callTool({ name: 'volumes', arguments: {} });
      assert.match(textOf(volumes), /pvc\/data-names-db-0: Bound, .* mounted by pod\/names-db-0 at postgres:/);

      const policies = await client.callTool({ name: 'network_policies', arguments: { component: 'api' } });
      assert.match(textOf(policies), /networkpolicy\/names-api /);

      const health = (await client.callTool({ name: 'cluster_health', arguments: {} })) as unknown as {
        structuredContent: { nodes: { name: string; ready: boolean }[] };
      };
      const nodes = await kubectlJson<{
        items: { metadata: { name: string }; status: { conditions: { type: string; status: string }[] } }[];
      }>(['get', 'nodes']);
      assert.deepEqual(
        health.structuredContent.nodes.map((n) => [n.name, n.ready]),
        nodes.items.map((n) => [
          n.metadata.name,
          n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
        ]),
      );

      // metrics-server reports a pod about a minute after it starts.
      await eventually('pod metrics from the top tool', async () => {
        const top = (await client.callTool({ name: 'top', arguments: { sort: 'memory' } })) as unknown as {
          isError?: boolean;
          structuredContent?: { pods: { pod: string; memoryMiB: number }[] };
        };
        const rows = top.structuredContent?.pods ?? [];
        return rows.length >= 4 && rows.every((r, i) => i === 0 || (rows[i - 1]?.memoryMiB ?? 0) >= r.memoryMiB);
      });

      const outside = await client.callTool({ name: 'status', arguments: { namespace: 'kube-system' } });
      assert.equal(outside.isError, true);
      assert.match(textOf(outside), /^Refused: namespace "kube-system" is outside .*\(allowed: ask-names\)/);

      const scale = await client.callTool({
        name: 'scale',
        arguments: { component: 'api', replicas: 3, confirm: true },
      });
      assert.equal(scale.isError, true);
      assert.match(textOf(scale), /Tool scale not found/);
    } finally {
      await client.close();
    }
  });

  test('MCP with --allow-write: write tools listed; without confirm they refuse, say what they would do, and change nothing', async () => {
    needsApp();
    const { client } = await mcpClient(['--allow-write']);
    try {
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), [...READ_TOOLS, ...WRITE_TOOLS].sort());
      const before = await replicas('names-api');
      for (const [name, args] of [
        ['scale', { component: 'api', replicas: 3 }],
        ['scale', { component: 'api', replicas: 3, confirm: false }],
        ['restart', { component: 'web' }],
      ] as const) {
        const result = (await client.callTool({ name, arguments: args })) as unknown as {
          isError?: boolean;
          structuredContent: { confirmation_required?: boolean; plan?: string };
        };
        assert.equal(result.isError, true, `${name} without confirm`);
        assert.equal(result.structuredContent.confirmation_required, true);
        assert.match(textOf(result), /^Not done: this would .* Nothing was changed\./);
      }
      const plan = (await client.callTool({
        name: 'scale',
        arguments: { component: 'api', replicas: 3 },
      })) as unknown as {
        structuredContent: { plan: string };
      };
      assert.match(plan.structuredContent.plan, new RegExp(`deployment/names-api in ${NS} from ${before.spec} to 3`));
      const rollback = await client.callTool({ name: 'rollback', arguments: {} });
      assert.match(textOf(rollback), /revision 1: there is no previous revision/);
      const web = await kubectl([
        '-n',
        NS,
        'get',
        'deployment',
        'names-web',
        '-o',
        'jsonpath={.spec.template.metadata.annotations}',
      ]);
      assert.doesNotMatch(web, /restartedAt/, 'restart without confirm restarted nothing');
      assert.deepEqual((await replicas('names-api')).spec, before.spec, 'scale without confirm changed nothing');
      const outside = await client.callTool({
        name: 'scale',
        arguments: { namespace: 'kube-system', component: 'api', replicas: 3, confirm: true },
      });
      assert.match(textOf(outside), /^Refused: namespace "kube-system"/);
    } finally {
      await client.close();
    }
  });

  test('MCP over Streamable HTTP with --listen: the same tools at http://127.0.0.1:<port>/mcp', async () => {
    needsApp();
    const child = spawn(process.execPath, [MAIN, 'mcp', 'names', '-n', NS, '--listen', '127.0.0.1:0'], {
      env: { ...BERTH_ENV, ...ENV },
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const url = await eventually(
        'berth mcp --listen to say its URL',
        async () => /serving Streamable HTTP at (http:\/\/\S+)/.exec(stderr)?.[1],
        60_000,
      );
      const client = new Client({ name: 'berth-ask-suite-http', version: '0.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), READ_TOOLS);
      const status = await client.callTool({ name: 'status', arguments: {} });
      assert.match(textOf(status), /deployment\/names-api: \d\/\d ready/);
      await client.close();
    } finally {
      child.kill('SIGTERM');
    }
  });

  test('ask, offline: "scale the names api to 3 replicas" asks first (nothing without --yes), then it happens', async () => {
    needsApp();
    const before = await replicas('names-api');
    assert.notEqual(before.spec, 3);
    const refused = await ask('scale the names api to 3 replicas');
    assert.equal(refused.code, 5, explain(refused));
    assert.match(
      refused.stdout,
      new RegExp(`berth will scale deployment/names-api in ${NS} from ${before.spec} to 3 replicas`),
    );
    assert.match(refused.stdout, /Nothing was changed/);
    assert.equal((await replicas('names-api')).spec, before.spec);

    const result = await ask('scale the names api to 3 replicas', '--yes');
    assert.equal(result.code, 0, explain(result));
    assert.match(result.stdout, /berth will scale deployment\/names-api/, 'it says what it will do first');
    assert.match(result.stdout, /Done: deployment\/names-api in ask-names is set to 3 replicas/);
    await eventually('3 ready names-api pods', async () => {
      const now = await replicas('names-api');
      return now.spec === 3 && now.ready === 3;
    });
    const hpa = await kubectl(['-n', NS, 'get', 'hpa', 'names-api', '-o', 'jsonpath={.spec.minReplicas}']);
    assert.equal(hpa, '3', 'the autoscaler keeps the 3');
  });

  test('ask, offline: "show me the logs of the frontend pod" shows that pod’s latest lines', async () => {
    needsApp();
    const [web] = await pods('app.kubernetes.io/instance=names,app.kubernetes.io/component=web');
    assert.ok(web);
    const recent = (await kubectl(['-n', NS, 'logs', web.metadata.name, '--tail', '3'])).split('\n').filter(Boolean);
    const result = await ask('show me the logs of the frontend pod');
    assert.equal(result.code, 0, explain(result));
    assert.match(result.stdout, new RegExp(`==> pod/${web.metadata.name} container nginx`));
    for (const line of recent)
      assert.ok(result.stdout.includes(line), `the answer has the line kubectl shows: ${line}`);
  });

  test('ask, offline: "analyze the cluster health" and "are there any pods with failing health checks?" on a healthy app', async () => {
    needsApp();
    const health = await ask('analyze the cluster health');
    assert.equal(health.code, 0, explain(health));
    const nodes = (await kubectl(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'])).split(' ');
    for (const node of nodes) assert.match(health.stdout, new RegExp(`✓ node/${node}: Ready`));
    assert.match(health.stdout, /The cluster looks healthy/);
    assert.match(health.stdout, new RegExp(`✓ ${NS}: healthy`));

    const all = await pods();
    assert.ok(all.every(ready), 'kubectl: every pod is ready');
    const checks = await ask('are there any pods with failing health checks?');
    assert.equal(checks.code, 0, explain(checks));
    assert.match(checks.stdout, new RegExp(`^No: all ${all.length} pods pass their health checks`, 'm'));
  });

  test('ask with a model (a stand-in OpenAI-compatible server): its tool calls run through MCP on the cluster; outside the namespaces they are refused', async () => {
    needsApp();
    let model: StandInModel | undefined;
    try {
      model = await startStandInModel((request) => {
        const { lastUser, toolResults, lastResult } = turnSoFar(request);
        if (toolResults.length > 0) return { text: `The tool said: ${lastResult}` };
        if (lastUser === 'how is the api doing?') return { toolCalls: [{ name: 'status', arguments: '{}' }] };
        if (lastUser === 'what is wrong in kube-system?') {
          return { toolCalls: [{ name: 'diagnose', arguments: '{"namespace":"kube-system"}' }] };
        }
        if (lastUser === 'scale the api to 4') {
          return { toolCalls: [{ name: 'scale', arguments: '{"component":"api","replicas":4,"confirm":true}' }] };
        }
        return { text: `You said: ${lastUser}` };
      });
      const withModel = ['--model', 'stand-in-1', '--base-url', model.baseUrl];
      const env = { OPENAI_API_KEY: API_KEY };

      const status = await berth(['ask', '--app', 'names', 'how is the api doing?', '-n', NS, ...withModel], env);
      assert.equal(status.code, 0, explain(status));
      const now = await replicas('names-api');
      assert.match(
        status.stdout,
        new RegExp(`The tool said: .*deployment/names-api: ${now.ready}/${now.spec} ready`, 's'),
      );
      const offered = model.seen
        .at(-1)
        ?.body.tools?.map((t) => t.function.name)
        .sort();
      assert.deepEqual(offered, [...READ_TOOLS, ...WRITE_TOOLS].sort());

      const outside = await berth(
        ['ask', '--app', 'names', 'what is wrong in kube-system?', '-n', NS, ...withModel],
        env,
      );
      assert.equal(outside.code, 0, explain(outside));
      assert.match(
        outside.stdout,
        /The tool said: Error: Refused: namespace "kube-system" is outside .*\(allowed: ask-names\)/,
      );

      // The model's own confirm: true is not the person's: without --yes and a terminal, nothing changes.
      const unconfirmed = await berth(['ask', '--app', 'names', 'scale the api to 4', '-n', NS, ...withModel], env);
      assert.equal(unconfirmed.code, 5, explain(unconfirmed));
      assert.match(unconfirmed.stdout, /berth will scale deployment\/names-api in ask-names from 3 to 4 replicas/);
      assert.equal((await replicas('names-api')).spec, 3);

      const confirmed = await berth(
        ['ask', '--app', 'names', 'scale the api to 4', '-n', NS, '--yes', ...withModel],
        env,
      );
      assert.equal(confirmed.code, 0, explain(confirmed));
      assert.match(confirmed.stdout, /The tool said: Done: deployment\/names-api in ask-names is set to 4 replicas/);
      await eventually('names-api at 4 replicas', async () => (await replicas('names-api')).spec === 4);
    } finally {
      await model?.close();
    }
  });

  test('ask, offline: "why is the database pod failing?" after the database is broken on purpose names the cause and fix as berth doctor does', {
    timeout: 600_000,
  }, async () => {
    needsApp();
    // A setting postgres does not know: it exits at start, and Kubernetes restarts it into CrashLoopBackOff.
    await kubectl([
      '-n',
      NS,
      'patch',
      'statefulset',
      'names-db',
      '--type',
      'json',
      '-p',
      JSON.stringify([
        { op: 'add', path: '/spec/template/spec/containers/0/args', value: ['postgres', '-c', 'no_such_setting=on'] },
      ]),
    ]);
    await eventually(
      'names-db-0 in CrashLoopBackOff',
      async () => {
        const [db] = await pods('app.kubernetes.io/instance=names,app.kubernetes.io/component=db');
        return db?.status.containerStatuses?.some((c) => c.state?.waiting?.reason === 'CrashLoopBackOff');
      },
      300_000,
    );
    const doctor = await berth(['doctor', 'names', '-n', NS, '--json']);
    const diagnosis = (
      JSON.parse(doctor.stdout) as {
        diagnosis: { findings: { kind: string; objects: string[]; summary: string; fix: string }[] };
      }
    ).diagnosis;
    const dbFinding = diagnosis.findings.find((f) => f.objects.includes('pod/names-db-0') && f.kind === 'crash-loop');
    assert.ok(dbFinding, `berth doctor finds the crash loop:\n${doctor.stdout}`);

    const why = await ask('why is the database pod failing?');
    assert.equal(why.code, 0, explain(why));
    assert.match(why.stdout, /wrong with the db component/);
    assert.ok(
      withoutCounts(why.stdout).includes(withoutCounts(dbFinding.summary)),
      `the cause as doctor says it:\n${why.stdout}`,
    );
    assert.ok(why.stdout.includes(`fix: ${dbFinding.fix}`), `the fix as doctor says it:\n${why.stdout}`);
    assert.match(why.stdout, /no_such_setting/, 'the evidence: the log line that says why');

    const checks = await ask('are there any pods with failing health checks?');
    const notReady = (await pods()).filter((p) => !ready(p)).map((p) => p.metadata.name);
    assert.ok(notReady.includes('names-db-0'));
    assert.match(checks.stdout, /^Yes: /m, explain(checks));
    assert.match(checks.stdout, /• pod\/names-db-0 \(db\)/);
  });
});

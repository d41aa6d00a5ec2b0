import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { AppDefinition } from '../apps/descriptor.ts';
import type { Context } from '../context.ts';
import { BerthError } from '../exit-codes.ts';
import {
  type Answer,
  apiMessage,
  clusterHealth,
  diagnoseNamespace,
  events,
  LOG_LIMITS,
  logs,
  networkPolicies,
  type Plan,
  planRestart,
  planRollback,
  planScale,
  status,
  type Target,
  ToolRefusal,
  targetIn,
  top,
  volumes,
} from './operations.ts';
import { OutOfScopeError, type Scope } from './scope.ts';

/**
 * berth's operations as MCP tools. Every tool names its namespace (or takes
 * the first one in scope) and the Scope refuses any other before a single
 * request is sent. Read tools are always there; tools that change the
 * cluster are registered only with allowWrite, and each of them, called
 * without `confirm: true`, changes nothing and answers with what it would do.
 */

export const READ_TOOLS = [
  'status',
  'diagnose',
  'logs',
  'events',
  'top',
  'cluster_health',
  'volumes',
  'network_policies',
] as const;
export const WRITE_TOOLS = ['scale', 'restart', 'rollback'] as const;
export type WriteTool = (typeof WRITE_TOOLS)[number];

export function isWriteTool(name: string): name is WriteTool {
  return (WRITE_TOOLS as readonly string[]).includes(name);
}

export interface BerthToolsOptions {
  ctx: Context;
  app: AppDefinition;
  scope: Scope;
  allowWrite: boolean;
}

type ToolResult = {
  content: { type: 'text'; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
};

function answered(answer: Answer<object>): ToolResult {
  return {
    content: [{ type: 'text', text: answer.text }],
    structuredContent: answer.data as Record<string, unknown>,
  };
}

function refused(message: string, data: Record<string, unknown> = {}): ToolResult {
  return { content: [{ type: 'text', text: message }], structuredContent: { refused: true, ...data }, isError: true };
}

/** Problems a person or a model can act on come back as tool errors with their words; anything else as its message. */
function failure(error: unknown): ToolResult {
  if (error instanceof OutOfScopeError) return refused(error.message, { reason: 'namespace' });
  if (error instanceof ToolRefusal) return refused(error.message);
  if (error instanceof BerthError) return refused(`${error.message}${error.next ? ` (next: ${error.next})` : ''}`);
  const status = (error as { code?: unknown }).code;
  if (typeof status === 'number')
    return refused(`the Kubernetes API answered ${status}: ${apiMessage(error).slice(0, 300)}`);
  return refused(error instanceof Error ? error.message : String(error));
}

export function confirmationNeeded(tool: WriteTool, plan: string): ToolResult {
  return {
    content: [
      {
        type: 'text',
        text: `Not done: this would ${plan}. Nothing was changed. To do it, call ${tool} again with the same arguments and confirm: true, once the person has agreed.`,
      },
    ],
    structuredContent: { done: false, confirmation_required: true, plan },
    isError: true,
  };
}

const namespaceArg = (scope: Scope) =>
  z
    .string()
    .max(63)
    .optional()
    .describe(`The namespace: one of ${scope.allowed.join(', ')} (default ${scope.default}). Any other is refused.`);

export function createBerthMcpServer(options: BerthToolsOptions): McpServer {
  const { ctx, app, scope } = options;
  const server = new McpServer(
    { name: 'berth', title: 'Berth', version: '0.1.0' },
    {
      instructions: [
        `Operations on the app "${app.name}" (components: ${app.components.join(', ')}) deployed on Kubernetes, in the namespaces ${scope.allowed.join(', ')} only.`,
        'Start with diagnose to learn why something fails: it names the cause and the fix of every problem, as berth doctor does.',
        options.allowWrite
          ? 'scale, restart and rollback change the cluster: call them first without confirm to learn what they would do, tell the person, and call again with confirm: true only after the person agreed.'
          : 'This server is read-only: it cannot change the cluster.',
      ].join(' '),
    },
  );

  const namespace = namespaceArg(scope);
  const component = z
    .string()
    .min(1)
    .max(63)
    .describe(`A component of the app: ${app.components.join(', ')}.`);
  const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

  /** Runs a tool in one namespace of the scope; the scope decides before anything is read. */
  const inScope =
    <A extends object>(work: (target: Target, args: A) => Promise<Answer<object>>) =>
    async (args: A & { namespace?: string | undefined }): Promise<ToolResult> => {
      try {
        const target = targetIn(ctx, app, scope.resolve(args.namespace));
        return answered(await work(target, args));
      } catch (error) {
        return failure(error);
      }
    };

  server.registerTool(
    'status',
    {
      title: 'Status of the app',
      description:
        'Workloads with ready/desired replicas, pods (ready, restarts), Services with ready endpoints, the autoscaler and the Helm release revision, as berth status shows them.',
      inputSchema: { namespace },
      annotations: readOnly,
    },
    inScope((t) => status(t)),
  );

  server.registerTool(
    'diagnose',
    {
      title: 'Diagnose problems',
      description:
        "berth doctor's diagnosis of the namespace, or of one component: every unhealthy thing (crash loops with exit code and last log lines, OOM kills, image pull failures, Pending pods, failing probes, Services without endpoints, Pending PVCs) with its cause in plain words, the fix, and the evidence.",
      inputSchema: { namespace, component: component.optional() },
      annotations: readOnly,
    },
    inScope((t, args: { component?: string | undefined }) => diagnoseNamespace(t, { component: args.component })),
  );

  server.registerTool(
    'logs',
    {
      title: 'Recent logs',
      description: `The last lines of the logs of a component's pods, or of one pod, every container (at most ${LOG_LIMITS.maxTail} lines, ${LOG_LIMITS.maxPods} pods, ${LOG_LIMITS.maxBytesPerContainer / 1024} KiB per container).`,
      inputSchema: {
        namespace,
        component: component.optional().describe('The component whose pods to read (default: all pods of the app).'),
        pod: z.string().min(1).max(253).optional().describe('One pod by name, instead of a component.'),
        tail: z.number().int().min(1).max(LOG_LIMITS.maxTail).optional().describe('Lines per container (default 50).'),
        previous: z.boolean().optional().describe('The run before the last restart (why a container crashed).'),
      },
      annotations: readOnly,
    },
    inScope(
      (
        t,
        args: {
          component?: string | undefined;
          pod?: string | undefined;
          tail?: number | undefined;
          previous?: boolean | undefined;
        },
      ) => logs(t, { component: args.component, pod: args.pod, tail: args.tail ?? 50, previous: args.previous }),
    ),
  );

  server.registerTool(
    'events',
    {
      title: 'Recent events',
      description:
        'The namespace’s Kubernetes events, newest first: scheduling, pulls, probe failures, kills, scaling.',
      inputSchema: {
        namespace,
        warnings_only: z.boolean().optional().describe('Only Warning events.'),
        limit: z.number().int().min(1).max(200).optional().describe('At most this many (default 30).'),
      },
      annotations: readOnly,
    },
    inScope((t, args: { warnings_only?: boolean | undefined; limit?: number | undefined }) =>
      events(t, { warningsOnly: args.warnings_only, limit: args.limit ?? 30 }),
    ),
  );

  server.registerTool(
    'top',
    {
      title: 'CPU and memory use',
      description: 'CPU and memory use of the namespace’s pods from metrics-server, heaviest first, with their limits.',
      inputSchema: {
        namespace,
        sort: z.enum(['cpu', 'memory']).optional().describe('Order by cpu (default) or memory.'),
      },
      annotations: readOnly,
    },
    inScope((t, args: { sort?: 'cpu' | 'memory' | undefined }) => top(t, { sort: args.sort ?? 'cpu' })),
  );

  server.registerTool(
    'cluster_health',
    {
      title: 'Cluster health',
      description:
        'The nodes (Ready, memory/disk/PID pressure, CPU and memory use) and the diagnosis of every namespace berth may work on.',
      inputSchema: {},
      annotations: readOnly,
    },
    async () => {
      try {
        return answered(await clusterHealth(scope.allowed.map((ns) => targetIn(ctx, app, ns))));
      } catch (error) {
        return failure(error);
      }
    },
  );

  server.registerTool(
    'volumes',
    {
      title: 'Persistent volume claims',
      description: 'The PVCs of the namespace: Bound or Pending, size, storage class, and which pods mount them where.',
      inputSchema: { namespace },
      annotations: readOnly,
    },
    inScope((t) => volumes(t)),
  );

  server.registerTool(
    'network_policies',
    {
      title: 'Network policies',
      description:
        'The NetworkPolicies of the namespace, or only those that select one pod or a component’s pods, with the traffic each allows in and out.',
      inputSchema: {
        namespace,
        pod: z.string().min(1).max(253).optional().describe('A pod by name.'),
        component: component.optional(),
      },
      annotations: readOnly,
    },
    inScope((t, args: { pod?: string | undefined; component?: string | undefined }) =>
      networkPolicies(t, { pod: args.pod, component: args.component }),
    ),
  );

  if (!options.allowWrite) return server;

  const confirm = z
    .boolean()
    .optional()
    .describe(
      'true to do it. Without it nothing changes and the answer says what would be done: ask the person first.',
    );
  const changing = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false };

  /** A change: in scope, planned from the cluster's state, done only with confirm: true. */
  const change =
    <A extends object>(tool: WriteTool, plan: (target: Target, args: A) => Promise<Plan>) =>
    async (args: A & { namespace?: string | undefined; confirm?: boolean | undefined }): Promise<ToolResult> => {
      try {
        const target = targetIn(ctx, app, scope.resolve(args.namespace));
        const planned = await plan(target, args);
        if (args.confirm !== true) return confirmationNeeded(tool, planned.summary);
        return answered(await planned.apply());
      } catch (error) {
        return failure(error);
      }
    };

  server.registerTool(
    'scale',
    {
      title: 'Scale a component',
      description:
        'Set the number of replicas of a component’s Deployment or StatefulSet; an autoscaler on it is set to keep at least that many. Changes the cluster: needs confirm: true.',
      inputSchema: {
        namespace,
        component,
        replicas: z.number().int().min(0).max(50).describe('How many pods, 0–50.'),
        confirm,
      },
      annotations: changing,
    },
    change('scale', (t, args: { component: string; replicas: number }) => planScale(t, args.component, args.replicas)),
  );

  server.registerTool(
    'restart',
    {
      title: 'Restart a component',
      description: 'A rolling restart of a component’s pods. Changes the cluster: needs confirm: true.',
      inputSchema: { namespace, component, confirm },
      annotations: changing,
    },
    change('restart', (t, args: { component: string }) => planRestart(t, args.component)),
  );

  server.registerTool(
    'rollback',
    {
      title: 'Roll the release back',
      description:
        'helm rollback of the app’s release to the previous revision (or a given one), waiting for the workloads. Changes the cluster: needs confirm: true.',
      inputSchema: {
        namespace,
        revision: z
          .number()
          .int()
          .min(1)
          .optional()
          .describe('The revision to go back to (default: the previous one).'),
        confirm,
      },
      annotations: changing,
    },
    change('rollback', (t, args: { revision?: number | undefined }) => planRollback(t, args.revision)),
  );

  return server;
}

import type { ToolBox, ToolOutcome } from '@berth/assistant-kit';
import type { Finding } from '../doctor/findings.ts';
import { type AppWords, type Intent, parseIntent } from './intent.ts';

/**
 * berth ask's offline brain: reads the request with `parseIntent`, calls the
 * berth MCP tools it needs, and answers in plain words. Changes go through
 * the same tools as everything else; the tool box it is given decides
 * whether the person confirmed them.
 */

export function helpText(app: AppWords): string {
  const api = app.components.find((c) => c !== app.entry && c !== app.database) ?? app.components[0];
  return [
    `I work on the app's namespaces with berth's tools. Try:`,
    `• "why is the ${app.database ? 'database' : api} pod failing?" (the causes and fixes berth doctor finds)`,
    `• "show me the logs of the frontend pod", "last 20 log lines of the ${api}"`,
    '• "analyze the cluster health", "status"',
    '• "are there any pods with failing health checks?"',
    '• "what uses the most CPU?" / "… memory?"',
    '• "which PVCs are mounted?", "network policies affecting the api"',
    '• "recent warning events"',
    `• "scale the ${api} to 3 replicas", "restart the ${api}", "roll back" (I ask before changing anything)`,
    `Components: ${app.components.join(', ')}.`,
  ].join('\n');
}

interface Diagnosed {
  healthy: boolean;
  component: string | null;
  findings: Finding[];
  checked: { pods: number; services: number; pvcs: number };
}

interface StatusData {
  pods: { name: string; component: string; phase: string; ready: boolean; restarts: number }[];
}

function describeFinding(finding: Finding): string {
  return [
    `✗ ${finding.summary}`,
    `  fix: ${finding.fix}`,
    `  on: ${finding.objects.join(', ')}${finding.workload ? ` (${finding.workload})` : ''}`,
    ...(finding.evidence.length ? ['  evidence:', ...finding.evidence.slice(0, 8).map((line) => `    ${line}`)] : []),
  ].join('\n');
}

const PROBE_KINDS = new Set(['probe-failing', 'not-ready']);

function failed(outcome: ToolOutcome, what: string): string {
  return `I could not ${what}: ${outcome.text}`;
}

async function withNamespace(
  tools: ToolBox,
  name: string,
  args: Record<string, unknown>,
  namespace: string | undefined,
): Promise<ToolOutcome> {
  return tools.call(name, namespace === undefined ? args : { ...args, namespace });
}

/** Calls a tool and answers with its text, or what went wrong. */
async function show(
  tools: ToolBox,
  name: string,
  args: Record<string, unknown>,
  namespace: string | undefined,
  what: string,
): Promise<string> {
  const outcome = await withNamespace(tools, name, args, namespace);
  return outcome.isError ? failed(outcome, what) : outcome.text;
}

async function act(intent: Intent, tools: ToolBox, app: AppWords): Promise<string> {
  const ns = intent.namespace;
  switch (intent.kind) {
    case 'help':
      return helpText(app);
    case 'unknown':
      return `Sorry, I did not understand that.\n${helpText(app)}`;
    case 'status':
      return show(tools, 'status', {}, ns, 'read the status');
    case 'cluster-health':
      return show(tools, 'cluster_health', {}, ns, 'check the cluster');
    case 'top':
      return show(tools, 'top', { sort: intent.sort }, ns, `read the ${intent.sort} use`);
    case 'volumes':
      return show(tools, 'volumes', {}, ns, 'list the volumes');
    case 'events':
      return show(tools, 'events', { warnings_only: intent.warningsOnly, limit: 20 }, ns, 'read the events');
    case 'network-policies':
      return show(
        tools,
        'network_policies',
        { ...(intent.pod ? { pod: intent.pod } : intent.component ? { component: intent.component } : {}) },
        ns,
        'read the network policies',
      );
    case 'logs':
      return show(
        tools,
        'logs',
        {
          ...(intent.pod ? { pod: intent.pod } : intent.component ? { component: intent.component } : {}),
          tail: intent.tail ?? 50,
          ...(intent.previous ? { previous: true } : {}),
        },
        ns,
        'read the logs',
      );
    case 'why': {
      const outcome = await withNamespace(
        tools,
        'diagnose',
        intent.component ? { component: intent.component } : {},
        ns,
      );
      if (outcome.isError) return failed(outcome, 'diagnose it');
      const diagnosis = outcome.structured as Diagnosed;
      const problems = diagnosis.findings.filter((f) => f.severity !== 'info');
      const subject = diagnosis.component ? `the ${diagnosis.component} component` : 'the app';
      if (problems.length === 0) {
        return `I find nothing wrong with ${subject} right now (berth doctor looked at the namespace's ${diagnosis.checked.pods} pods, ${diagnosis.checked.services} services and ${diagnosis.checked.pvcs} PVCs). If it failed earlier, ask for its events or its logs.`;
      }
      return [
        `${problems.length === 1 ? 'This is' : `These ${problems.length} things are`} wrong with ${subject}:`,
        '',
        problems.map(describeFinding).join('\n\n'),
      ].join('\n');
    }
    case 'health-checks': {
      const [diagnosed, state] = await Promise.all([
        withNamespace(tools, 'diagnose', {}, ns),
        withNamespace(tools, 'status', {}, ns),
      ]);
      if (diagnosed.isError) return failed(diagnosed, 'check the health checks');
      if (state.isError) return failed(state, 'check the health checks');
      const pods = (state.structured as StatusData).pods;
      const notReady = pods.filter((p) => !p.ready);
      const probeFindings = (diagnosed.structured as Diagnosed).findings.filter((f) => PROBE_KINDS.has(f.kind));
      if (notReady.length === 0 && probeFindings.length === 0) {
        return `No: all ${pods.length} pods pass their health checks (every one is ready).`;
      }
      return [
        `Yes: ${notReady.length} of ${pods.length} pods ${notReady.length === 1 ? 'is' : 'are'} not ready:`,
        ...notReady.map((p) => `• pod/${p.name} (${p.component}): ${p.phase}, ${p.restarts} restarts`),
        ...(probeFindings.length ? ['', probeFindings.map(describeFinding).join('\n\n')] : []),
        ...(notReady.length > 0 && probeFindings.length === 0
          ? ['', 'No probe failure is recorded for them yet; ask "why is … failing?" for the cause.']
          : []),
      ].join('\n');
    }
    case 'scale': {
      if (intent.component === undefined) {
        return `Which component shall I scale to ${intent.replicas}? (${app.components.join(', ')}), e.g. "scale the ${app.components[0]} to ${intent.replicas} replicas"`;
      }
      return change(tools, 'scale', { component: intent.component, replicas: intent.replicas }, ns);
    }
    case 'restart': {
      if (intent.component === undefined) {
        return `Which component shall I restart? (${app.components.join(', ')})`;
      }
      return change(tools, 'restart', { component: intent.component }, ns);
    }
    case 'rollback':
      return change(tools, 'rollback', intent.revision === undefined ? {} : { revision: intent.revision }, ns);
  }
}

async function change(
  tools: ToolBox,
  name: string,
  args: Record<string, unknown>,
  namespace: string | undefined,
): Promise<string> {
  // Done, refused, or not confirmed: the tool box and the tool word each outcome.
  return (await withNamespace(tools, name, args, namespace)).text;
}

export async function interpret(message: string, tools: ToolBox, app: AppWords): Promise<string> {
  return act(parseIntent(message, app), tools, app);
}

import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import type { V1Service } from '@kubernetes/client-node';
import type { AppDefinition } from './apps/descriptor.ts';
import type { Context } from './context.ts';
import { BerthError, EXIT } from './exit-codes.ts';
import { detectFlavour, type FlavourFacts } from './flavour.ts';
import { run, spawnFailure } from './process.ts';

/** Finding a release's objects (by the app.kubernetes.io labels every chart sets) and reaching it. */
export function selector(release: string, component?: string): string {
  return `app.kubernetes.io/instance=${release}${component ? `,app.kubernetes.io/component=${component}` : ''}`;
}

export async function componentService(ctx: Context, app: AppDefinition, component: string): Promise<V1Service> {
  const namespace = ctx.namespace(app);
  const list = await ctx.kube().core.listNamespacedService({
    namespace,
    labelSelector: selector(ctx.release(app), component),
  });
  const service = list.items.find((s) => s.spec?.clusterIP !== 'None') ?? list.items[0];
  if (!service) {
    throw new BerthError(
      `no Service of component ${component} for release ${ctx.release(app)} in namespace ${namespace}`,
      EXIT.unhealthy,
      `is the app deployed there? berth status -n ${namespace}; berth up ${app.name}`,
    );
  }
  return service;
}

export async function flavourOf(ctx: Context): Promise<FlavourFacts> {
  const kube = ctx.kube();
  const nodes = await kube.core
    .listNode()
    .then((l) => l.items)
    .catch(() => []);
  return detectFlavour(kube.context, nodes);
}

async function nodeAddress(ctx: Context): Promise<string | undefined> {
  const nodes = await ctx.kube().core.listNode();
  for (const node of nodes.items) {
    const address = node.status?.addresses?.find((a) => a.type === 'InternalIP' || a.type === 'ExternalIP');
    if (address) return address.address;
  }
  return undefined;
}

export interface PortForward {
  url: string;
  localPort: number;
  close(): void;
  closed: Promise<number | null>;
}

/** kubectl port-forward to a Service; resolves once kubectl says it forwards. */
export function portForward(
  ctx: Context,
  namespace: string,
  service: string,
  remotePort: number,
  localPort = 0,
): Promise<PortForward> {
  const argv = ctx.kubectlArgv([
    '-n',
    namespace,
    'port-forward',
    `service/${service}`,
    `${localPort === 0 ? '' : localPort}:${remotePort}`,
    '--address',
    '127.0.0.1',
  ]);
  const [program, ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = spawn(program ?? 'kubectl', args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let text = '';
    let settled = false;
    const closed = new Promise<number | null>((done) => child.on('close', done));
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(text);
      if (match && !settled) {
        settled = true;
        const port = Number(match[1]);
        resolve({ url: `http://127.0.0.1:${port}`, localPort: port, close: () => child.kill(), closed });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => {
      if (!settled) reject(spawnFailure(program ?? 'kubectl', error));
    });
    child.on('close', (code) => {
      if (!settled) {
        settled = true;
        reject(new BerthError(`kubectl port-forward exited ${code}: ${text.trim()}`, EXIT.failed, 'berth doctor'));
      }
    });
  });
}

export interface PublicUrl {
  url: string;
  how: 'nodeport' | 'ingress' | 'port-forward' | 'given';
  close(): void;
}

/** Where users reach the app: --url, the NodePort on the node's address, an Ingress host, or a port-forward. */
export async function publicUrl(
  ctx: Context,
  app: AppDefinition,
  known: { given?: string | undefined; flavour?: FlavourFacts } = {},
): Promise<PublicUrl> {
  const { given, flavour } = known;
  if (given) return { url: given.replace(/\/$/, ''), how: 'given', close: () => undefined };
  const service = await componentService(ctx, app, app.entry);
  const port = service.spec?.ports?.[0];
  const kind = (flavour ?? (await flavourOf(ctx))).flavour;
  if (service.spec?.type === 'NodePort' && port?.nodePort && kind !== 'minikube' && kind !== 'kind') {
    const host = kind === 'docker-desktop' ? 'localhost' : await nodeAddress(ctx);
    if (host) return { url: `http://${host}:${port.nodePort}`, how: 'nodeport', close: () => undefined };
  }
  const forward = await portForward(ctx, ctx.namespace(app), service.metadata?.name ?? '', port?.port ?? 80);
  return { url: forward.url, how: 'port-forward', close: forward.close };
}

/** The Helm release's current revision and status, or undefined when it is not installed. */
export async function helmStatus(
  ctx: Context,
  app: AppDefinition,
): Promise<{ revision: number; status: string; chart?: string } | undefined> {
  const result = await run(ctx.helmArgv(['status', ctx.release(app), '-n', ctx.namespace(app), '-o', 'json']), {
    allowFailure: true,
  });
  if (result.code !== 0) {
    if (/not found/i.test(result.stderr)) return undefined;
    throw new BerthError(`helm status failed: ${result.stderr.trim()}`, EXIT.environment, 'berth doctor');
  }
  const parsed = JSON.parse(result.stdout) as {
    version: number;
    info: { status: string };
    chart?: { metadata?: { version?: string } };
  };
  return {
    revision: parsed.version,
    status: parsed.info.status,
    ...(parsed.chart?.metadata?.version ? { chart: parsed.chart.metadata.version } : {}),
  };
}

/** The release's database is a CloudNativePG Cluster (the charts' HA mode), not the single pod berth execs into. */
export class ClusterDatabaseError extends BerthError {}

/** The running database pod of the release. */
export async function databasePod(ctx: Context, app: AppDefinition): Promise<{ pod: string; container: string }> {
  if (!app.database) throw new BerthError(`app ${app.name} has no database`, EXIT.usage);
  const namespace = ctx.namespace(app);
  const pods = await ctx.kube().core.listNamespacedPod({
    namespace,
    labelSelector: selector(ctx.release(app), app.database.component),
  });
  const pod = pods.items.find(
    (p) => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
  if (!pod?.metadata?.name) {
    throw new BerthError(
      `no ready database pod for release ${ctx.release(app)} in namespace ${namespace}`,
      EXIT.unhealthy,
      `berth doctor ${app.name}${ctx.namespaceFlag()}`,
    );
  }
  // An instance of the chart's HA mode has none of the POSTGRES_* variables the single pod
  // has, and may be a replica: pg_dump there would dump the wrong database and succeed.
  if (pod.metadata.labels?.['cnpg.io/cluster']) {
    throw new ClusterDatabaseError(
      `the database of release ${ctx.release(app)} is a CloudNativePG Cluster (HA mode); this works on the single database pod only`,
      EXIT.usage,
      `take scheduled backups (${app.database.backupValues}.enabled=true) and restore one with berth restore --scheduled latest --app ${app.name}${ctx.namespaceFlag()}`,
    );
  }
  return { pod: pod.metadata.name, container: app.database.container };
}

/** Runs a program with stdout written to a file (binary-safe). */
export async function runToFile(argv: string[], file: string): Promise<void> {
  const [program, ...args] = argv;
  const child = spawn(program ?? '', args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
  const sink = createWriteStream(file);
  // pipe() ends the file when stdout ends; wait for both the file and the process.
  const written = new Promise<void>((resolve, reject) => {
    sink.on('close', resolve);
    sink.on('error', reject);
  });
  child.stdout.pipe(sink);
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', (error) => reject(spawnFailure(program ?? '', error)));
    child.on('close', resolve);
  });
  await written;
  if (code !== 0) throw new Error(`${argv.join(' ')} exited ${code}: ${stderr.trim()}`);
}

/** Runs a program with a file as its stdin (binary-safe). */
export function runFromFile(argv: string[], file: string): Promise<string> {
  const [program, ...args] = argv;
  return new Promise((resolve, reject) => {
    const child = spawn(program ?? '', args, { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    createReadStream(file).pipe(child.stdin);
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => reject(spawnFailure(program ?? '', error)));
    child.on('close', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${argv.join(' ')} exited ${code}: ${output.trim()}`)),
    );
  });
}

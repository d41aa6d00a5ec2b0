import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLoad as startBerthLoad } from '@berth/cli/load';

/**
 * The real cluster of test/cluster, driven the way an operator drives one:
 * kubectl and helm processes, images built with buildah and imported into
 * the node's containerd.
 */
const REPO = fileURLToPath(new URL('../../..', import.meta.url));
const CLUSTER_DIR = join(REPO, 'test/cluster');
const versions = Object.fromEntries(
  readFileSync(join(CLUSTER_DIR, 'versions.env'), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => /^[A-Z0-9_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
) as Record<string, string>;
const CACHE = process.env.BERTH_CACHE ?? '/var/cache/berth';
const STATE = process.env.BERTH_STATE ?? '/var/lib/berth-cluster';

export const KUBECONFIG = join(STATE, 'admin.kubeconfig');
export const KUBECTL = join(CACHE, `kubernetes-${versions.K8S_VERSION}`, 'bin', 'kubectl');
export const K8S_VERSION = versions.K8S_VERSION ?? '';
/** kubeseal as test/cluster builds it (lib/build-addons.sh), for `berth seal`. */
export const KUBESEAL = join(CACHE, `sealed-secrets-${versions.SEALED_SECRETS_VERSION}`, 'bin', 'kubeseal');
const CTR = join(CACHE, `containerd-${versions.CONTAINERD_VERSION}`, 'bin', 'ctr');
const CTRD_SOCK = '/run/berth-containerd/containerd.sock';

export { REPO };

/** podman/buildah configured for the cluster's image storage (where the base images are). */
const imageToolEnv = {
  ...process.env,
  CONTAINERS_CONF: join(CLUSTER_DIR, 'lib/containers.conf'),
  CONTAINERS_STORAGE_CONF: join(CLUSTER_DIR, 'lib/storage.conf'),
};

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * How long a program run by these helpers may take unless its caller states otherwise. The
 * kubectl and helm calls of the suites carry their own `--timeout` of at most 5 minutes, so
 * this is a backstop for a call that hangs before it gets there (an unanswered connection).
 */
const RUN_BOUND_MS = 6 * 60_000;
/**
 * An app image build: `npm ci` of the production dependencies on the locally built node base
 * image, then a copy of the sources (and a Vite build for the Todo web). Measured 4-23 s
 * on the 2-core CI machine with `npm test` running beside it; the bound leaves room for a
 * machine ten times slower.
 */
const IMAGE_BUILD_BOUND_MS = 5 * 60_000;

/**
 * Runs a program (no shell); rejects with its output when it exits non-zero, or when it runs
 * past `timeoutMs` (it is then sent SIGTERM, and SIGKILL 10 s later).
 */
export function run(
  command: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv; allowFailure?: boolean; cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? RUN_BOUND_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? { ...process.env, KUBECONFIG },
      cwd: options.cwd ?? REPO,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }, timeoutMs);
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const result = { code, stdout, stderr };
      if (timedOut)
        reject(new Error(`${command} ${args.join(' ')} ran past its ${timeoutMs} ms bound\n${stderr}${stdout}`));
      else if (code === 0 || options.allowFailure) resolve(result);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${stderr}${stdout}`));
    });
    // a program that exits without reading its input (git, podman image exists) closes the pipe:
    // an EPIPE then is no failure of the program's, which `close` reports
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

export async function kubectl(args: string[], input?: string): Promise<string> {
  return (await run(KUBECTL, args, input === undefined ? {} : { input })).stdout.trim();
}

/**
 * The prometheus-operator's ServiceMonitor and PrometheusRule CRDs (from its Go module, as
 * kube-prometheus-stack installs them) on the cluster, so the API server checks a chart's
 * monitoring objects against their schemas. Applying them again changes nothing.
 */
export async function applyMonitoringCrds(): Promise<void> {
  const module = `github.com/prometheus-operator/prometheus-operator@${versions.PROMETHEUS_OPERATOR_VERSION}`;
  const { stdout } = await run(versions.GO ?? 'go', ['mod', 'download', '-json', module], {
    env: { ...process.env, GOMODCACHE: process.env.GOMODCACHE ?? join(CACHE, 'go', 'mod'), GOFLAGS: '-mod=mod' },
  });
  const crds = join((JSON.parse(stdout) as { Dir: string }).Dir, 'example', 'prometheus-operator-crd');
  const files = ['servicemonitors', 'prometheusrules'].map((kind) => join(crds, `monitoring.coreos.com_${kind}.yaml`));
  await kubectl(['apply', '--server-side', '--force-conflicts', ...files.flatMap((file) => ['-f', file])]);
  await kubectl([
    'wait',
    '--for=condition=Established',
    'crd/servicemonitors.monitoring.coreos.com',
    'crd/prometheusrules.monitoring.coreos.com',
    '--timeout=60s',
  ]);
}

/**
 * The lines of a database pod's current log where the server turned a client away for a role
 * or database that does not exist: what a probe asking as the wrong role leaves, every few
 * seconds. A healthy install has none.
 */
export async function unknownRoleRefusals(namespace: string, pod: string): Promise<string[]> {
  const log = await kubectl(['-n', namespace, 'logs', pod]);
  return log.split('\n').filter((line) => /FATAL: .*(role|database) ".*" does not exist/.test(line));
}

export async function kubectlJson<T = { items: Record<string, unknown>[] }>(args: string[]): Promise<T> {
  return JSON.parse(await kubectl([...args, '-o', 'json'])) as T;
}

/** Deletes a namespace (if there) and waits until it is gone. */
export async function deleteNamespace(name: string): Promise<void> {
  await kubectl(['delete', 'namespace', name, '--ignore-not-found', '--wait=true', '--timeout=180s']);
}

/** A suite's cleanup: its release uninstalled (if it got that far) and its namespace deleted. */
export async function removeRelease(release: string, namespace: string): Promise<void> {
  await run(BERTH_ENV.BERTH_HELM ?? 'helm', ['--kubeconfig', KUBECONFIG, 'uninstall', release, '-n', namespace], {
    allowFailure: true,
  });
  await deleteNamespace(namespace);
}

/** A fresh namespace (any old one deleted first) with PodSecurity restricted enforced. */
export async function restrictedNamespace(name: string): Promise<void> {
  await deleteNamespace(name);
  await kubectl(['create', 'namespace', name]);
  await kubectl(['label', 'namespace', name, 'pod-security.kubernetes.io/enforce=restricted']);
}

export async function helm(args: string[]): Promise<string> {
  return (await run(process.env.HELM ?? 'helm', ['--kubeconfig', KUBECONFIG, ...args])).stdout;
}

export async function nodeIP(): Promise<string> {
  return kubectl(['get', 'nodes', '-o', 'jsonpath={.items[0].status.addresses[?(@.type=="InternalIP")].address}']);
}

/**
 * This machine reaches the npm registry through a proxy whose CA only the
 * host trusts. RUN steps (npm ci) see the host's CA bundle and an npmrc that
 * points npm at it, as volumes: nothing of it lands in the image.
 */
export function hostTrustVolumes(): string[] {
  const bundle = '/etc/ssl/certs/ca-certificates.crt';
  if (!existsSync(bundle)) return [];
  const dir = mkdtempSync(join(tmpdir(), 'berth-npmrc-'));
  writeFileSync(join(dir, 'npmrc'), `cafile=${bundle}\n`);
  return ['--volume', `${bundle}:${bundle}:ro`, '--volume', `${join(dir, 'npmrc')}:/usr/local/etc/npmrc:ro`];
}

/** Builds an image from the repository root with buildah, on the locally built base images. */
export async function buildImage(
  dockerfile: string,
  tag: string,
  buildArgs: Record<string, string> = {},
): Promise<void> {
  await run(
    'buildah',
    [
      'bud',
      ...hostTrustVolumes(),
      '--pull=never',
      '--network',
      'host',
      '--isolation',
      'chroot',
      '--layers=false',
      ...Object.entries(buildArgs).flatMap(([key, value]) => ['--build-arg', `${key}=${value}`]),
      '-f',
      dockerfile,
      '-t',
      tag,
      '.',
    ],
    { env: imageToolEnv, timeoutMs: IMAGE_BUILD_BOUND_MS },
  );
}

export async function tagImage(source: string, tag: string): Promise<void> {
  await run('buildah', ['tag', source, tag], { env: imageToolEnv });
}

export async function imageSize(tag: string): Promise<number> {
  const { stdout } = await run('podman', ['image', 'inspect', '--format', '{{.Size}}', tag], { env: imageToolEnv });
  return Number(stdout.trim());
}

/**
 * An image built and imported once: built only when the build storage has neither the tag nor
 * one of `sameSource` (tags of an image built from the same sources, e.g. by another suite
 * earlier in the run: it is tagged instead), imported only when the node's containerd lacks it.
 */
export async function ensureImage(dockerfile: string, tag: string, sameSource: string[] = []): Promise<void> {
  const exists = async (ref: string) =>
    (await run('podman', ['image', 'exists', ref], { env: imageToolEnv, allowFailure: true })).code === 0;
  if (!(await exists(tag))) {
    let built = false;
    for (const other of sameSource) {
      if (await exists(other)) {
        await tagImage(other, tag);
        built = true;
        break;
      }
    }
    if (!built) await buildImage(dockerfile, tag);
  }
  const listed = await run(CTR, ['--address', CTRD_SOCK, '-n', 'k8s.io', 'images', 'ls', '-q', `name==${tag}`]);
  if (listed.stdout.trim() !== tag) await loadImage(tag);
}

/** Imports an image from the build storage into the node's containerd (k8s.io namespace). */
export async function loadImage(tag: string): Promise<void> {
  await run(join(CLUSTER_DIR, 'load-image'), [tag], { env: imageToolEnv });
}

export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 180_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

export interface HttpAnswer {
  status: number;
  body: string;
  ms: number;
  /** The response's headers (names in lower case), e.g. x-app-version. */
  headers: IncomingHttpHeaders;
}

/**
 * One HTTP request on a fresh connection, as a browser behind a NodePort makes them;
 * `headers` adds a Host (for an Ingress rule) or an Authorization.
 */
export function httpRequest(
  url: string,
  method = 'GET',
  body?: unknown,
  timeoutMs = 10_000,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      url,
      {
        method,
        agent: false,
        timeout: timeoutMs,
        headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text, ms: performance.now() - started, headers: res.headers }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * `httpRequest` with the answer's body parsed as JSON (kept as text when it is not JSON), as
 * the suites read the apps' APIs.
 */
export async function httpJson<T = Record<string, unknown>>(
  url: string,
  method = 'GET',
  body?: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 15_000,
): Promise<{ status: number; data: T; headers: IncomingHttpHeaders }> {
  const answer = await httpRequest(url, method, body, timeoutMs, headers);
  let data: unknown = answer.body;
  try {
    data = JSON.parse(answer.body);
  } catch {
    // not JSON: kept as text
  }
  return { status: answer.status, data: data as T, headers: answer.headers };
}

/** The headers of a request to an app behind the ingress: its host, and its bearer token when there is one. */
export function appHeaders(host: string, token?: string): Record<string, string> {
  return token ? { host, authorization: `Bearer ${token}` } : { host };
}

export interface LoadReport {
  ok: number;
  failures: string[];
  p50: number;
  p99: number;
}

/**
 * Sends GETs from several clients until stopped, each on a new connection (as new browsers
 * arrive through a NodePort or an ingress); every non-2xx or error is a failure. This is
 * `berth load`'s generator, so the suites measure the way operators do.
 */
export function startLoad(
  url: string,
  clients = 4,
  headers: Record<string, string> = {},
): { stop(): Promise<LoadReport> } {
  const load = startBerthLoad(url, {
    headers,
    connections: clients,
    keepAlive: false,
    pauseMs: 10,
    answered: (status) => status >= 200 && status < 300,
  });
  return {
    async stop() {
      const figures = await load.stop();
      return { ok: figures.requests - figures.errors, failures: figures.failures, p50: figures.p50, p99: figures.p99 };
    },
  };
}

/** The environment `berth` runs in on the test cluster: its kubeconfig, kubectl and helm, and buildah on the cluster's image store. */
export const BERTH_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  KUBECONFIG,
  BERTH_KUBECTL: KUBECTL,
  BERTH_HELM: process.env.HELM ?? 'helm',
  BERTH_KUBESEAL: KUBESEAL,
  CONTAINERS_CONF: join(CLUSTER_DIR, 'lib/containers.conf'),
  CONTAINERS_STORAGE_CONF: join(CLUSTER_DIR, 'lib/storage.conf'),
  NO_COLOR: '1',
};

/** What `berth up` needs on this cluster to build and import images: buildah without a registry, and load-image. */
export const BERTH_BUILD_FLAGS = [
  '--builder',
  'buildah',
  '--builder-arg=--pull=never',
  '--builder-arg=--network=host',
  '--builder-arg=--isolation=chroot',
  '--builder-arg=--layers=false',
  // npm ci in the image build must trust this machine's registry proxy.
  ...hostTrustVolumes()
    .filter((arg) => arg !== '--volume')
    .map((volume) => `--builder-arg=--volume=${volume}`),
  '--loader',
  join(CLUSTER_DIR, 'load-image'),
];

export interface BerthRun extends RunResult {
  /** The parsed document when the command was given --json, else {}. */
  json: Record<string, unknown>;
}

/** Runs the berth CLI from the repository as a user would; a non-zero exit is a result, not an error. */
export async function berthCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<BerthRun> {
  const main = join(REPO, 'packages/berth/src/main.ts');
  const result = await run(process.execPath, [main, ...args], {
    env: { ...BERTH_ENV, ...env },
    allowFailure: true,
    cwd: REPO,
  });
  let json: Record<string, unknown> = {};
  if (args.includes('--json')) {
    try {
      json = JSON.parse(result.stdout) as Record<string, unknown>;
    } catch {
      throw new Error(`berth ${args.join(' ')} --json printed no JSON document:\n${result.stdout}\n${result.stderr}`);
    }
  }
  return { ...result, json };
}

/** A berth run's exit code and output, for an assertion's message. */
export function explainRun(result: RunResult): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

import type { Context } from './context.ts';
import type { ExitCode } from './exit-codes.ts';

/**
 * berth's commands, each declared once: its help, its options (typed: a
 * command's handler receives exactly the options it declares, with their
 * types) and how to load its handler. Handlers load on demand, so --help and
 * usage errors never pay for the Kubernetes client.
 */

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  description: string;
  /** Shown in help as the value's name, e.g. --env <dev|prod>. */
  value?: string;
  /** The only values the option takes; anything else is a usage error naming them. */
  choices?: readonly string[];
}

export type Options = Record<string, OptionSpec>;

/** What parseArgs gives for declared options: booleans, strings, or lists of strings for `multiple`. */
export type OptionValues<O extends Options> = {
  -readonly [K in keyof O]?: O[K] extends { type: 'boolean' }
    ? boolean
    : O[K] extends { multiple: true }
      ? string[]
      : string;
};

/** Options every command accepts. */
export const GLOBAL_OPTIONS = {
  app: { type: 'string', value: 'name', description: 'the app (default: the only app of the project)' },
  namespace: { type: 'string', short: 'n', value: 'ns', description: 'namespace (default: the app name)' },
  release: { type: 'string', value: 'name', description: 'Helm release name (default: the app name)' },
  kubeconfig: {
    type: 'string',
    value: 'file',
    description: 'kubeconfig file (default: $KUBECONFIG or ~/.kube/config)',
  },
  context: { type: 'string', value: 'name', description: 'kube context (default: the current context)' },
  root: {
    type: 'string',
    value: 'dir',
    description: 'project root (default: the nearest folder above with deploy/charts)',
  },
  json: { type: 'boolean', description: 'print one JSON document for scripts instead of text' },
  'no-color': { type: 'boolean', description: 'no colour even on a terminal (also: NO_COLOR=1)' },
  help: { type: 'boolean', short: 'h', description: 'show help for the command' },
} as const satisfies Options;

export type GlobalOptionValues = OptionValues<typeof GLOBAL_OPTIONS>;

export interface CommandInput<O extends Options> {
  positionals: string[];
  options: OptionValues<O> & GlobalOptionValues;
}

/**
 * A command's handler. Declared through a method so that one list can hold
 * handlers of different option types (method parameters are bivariant); each
 * handler is still checked against its own command's options where it is written.
 */
export type Handler<O extends Options> = {
  bivarianceHack(ctx: Context, input: CommandInput<O>): Promise<ExitCode>;
}['bivarianceHack'];

export interface CommandSpec<O extends Options = Options> {
  name: string;
  summary: string;
  usage: string;
  description: string;
  /** `rest`: the last positional takes every word after it, joined with spaces. */
  positionals: { name: string; required: boolean; rest?: boolean }[];
  options: O;
  examples: string[];
  load: () => Promise<Handler<O>>;
}

/** Ties an entry to its own options: its handler must take exactly CommandInput<typeof its options>. */
function command<const O extends Options>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec;
}

const app = (extra: string) => `berth ${extra}`;

/** Each command's own options; its handler takes `CommandInput<typeof <NAME>_OPTIONS>`. */
export const DOCTOR_OPTIONS = {
  'cluster-only': { type: 'boolean', description: 'only check tools and the cluster, not an app' },
} as const satisfies Options;

export const UP_OPTIONS = {
  env: {
    type: 'string',
    value: 'dev|stage|prod',
    choices: ['dev', 'stage', 'prod'],
    description: "the environment: the chart's values-<env>.yaml (default dev)",
  },
  set: { type: 'string', multiple: true, value: 'k=v', description: 'a Helm value (repeatable)' },
  values: {
    type: 'string',
    short: 'f',
    multiple: true,
    value: 'file',
    description: 'a Helm values file, after the environment values (repeatable), e.g. from `berth seal --values`',
  },
  registry: { type: 'string', value: 'R', description: 'push images to this registry instead of importing them' },
  tag: {
    type: 'string',
    value: 'T',
    description: 'image tag (default: the git commit, +dirty.<time> with changes)',
  },
  'no-build': { type: 'boolean', description: 'do not build or import images (use --tag of images already there)' },
  builder: {
    type: 'string',
    value: 'tool',
    description: 'docker | podman | buildah | nerdctl (default: first found)',
  },
  'builder-arg': {
    type: 'string',
    multiple: true,
    value: 'arg',
    description: 'extra argument for the builder (repeatable), e.g. --builder-arg=--pull=never',
  },
  flavour: {
    type: 'string',
    value: 'f',
    description: 'k3s | minikube | kind | docker-desktop | containerd | other (default: detected)',
  },
  loader: {
    type: 'string',
    value: 'program',
    description: 'import each image by running <program> <image> (overrides the flavour)',
  },
  timeout: { type: 'string', value: 'duration', description: 'how long Helm waits for readiness (default 5m)' },
  'no-smoke': { type: 'boolean', description: 'skip the smoke checks' },
  'no-create-namespace': { type: 'boolean', description: 'the namespace must exist already' },
} as const satisfies Options;

/** How a new version's image is built and reaches the cluster: the same options as berth up. */
const BUILD_OPTIONS = {
  registry: UP_OPTIONS.registry,
  'no-build': { type: 'boolean', description: 'do not build or import the image (it is on the cluster already)' },
  builder: UP_OPTIONS.builder,
  'builder-arg': UP_OPTIONS['builder-arg'],
  flavour: UP_OPTIONS.flavour,
  loader: UP_OPTIONS.loader,
} as const satisfies Options;

/** Where berth sends requests and reads the ingress controller's figures, and how long each step may take. */
const TRAFFIC_OPTIONS = {
  'ingress-url': {
    type: 'string',
    value: 'U',
    description: "the ingress controller's address (default: its Service's load balancer or NodePort)",
  },
  timeout: {
    type: 'string',
    value: 'duration',
    description: 'how long Helm waits for readiness at each step (default 5m)',
  },
} as const satisfies Options;

/** The canary analysis: compare the canary's errors and latency with the stable track's, abort when worse. */
const ANALYSIS_OPTIONS = {
  analysis: {
    type: 'string',
    value: 'duration',
    description: 'watch the canary this long and abort it automatically if it is worse (0: do not watch)',
  },
  'max-error-increase': {
    type: 'string',
    value: 'points',
    description:
      "abort when the canary's error ratio exceeds the stable track's by more than this many percentage points (default 5)",
  },
  'max-latency-ratio': {
    type: 'string',
    value: 'x',
    description:
      "abort when the canary's mean latency is more than x times the stable track's (default 2; and 50 ms worse)",
  },
  'min-requests': {
    type: 'string',
    value: 'N',
    description: 'requests the canary must have answered before a verdict (default 20)',
  },
  metrics: {
    type: 'string',
    value: 'ns/service:port',
    description: "Traefik's Prometheus metrics (default kube-system/traefik-metrics:9100)",
  },
} as const satisfies Options;

export const DEPLOY_OPTIONS = {
  strategy: {
    type: 'string',
    value: 'blue-green|canary',
    choices: ['blue-green', 'canary'],
    description: 'blue-green: switch every request at once; canary: a share first (required)',
  },
  'image-tag': { type: 'string', value: 'T', description: 'the version to deliver: its image tag (required)' },
  weight: { type: 'string', value: 'N', description: 'canary: its first share of requests, in percent (default 10)' },
  hold: {
    type: 'boolean',
    description: 'blue-green: bring the new track up and test it, but switch only on berth promote',
  },
  ...BUILD_OPTIONS,
  ...TRAFFIC_OPTIONS,
  ...ANALYSIS_OPTIONS,
} as const satisfies Options;

export const PROMOTE_OPTIONS = {
  weight: {
    type: 'string',
    value: 'N',
    description: "the candidate's new share, in percent (default 100: it becomes live)",
  },
  ...TRAFFIC_OPTIONS,
  ...ANALYSIS_OPTIONS,
} as const satisfies Options;

export const ABORT_OPTIONS = { ...TRAFFIC_OPTIONS } as const satisfies Options;

export const APPS_OPTIONS = {} as const satisfies Options;

export const STATUS_OPTIONS = {} as const satisfies Options;

export const SMOKE_OPTIONS = {
  url: { type: 'string', value: 'U', description: 'base URL to test (default: found from the Service)' },
} as const satisfies Options;

export const LOGS_OPTIONS = {
  follow: { type: 'boolean', short: 'f', description: 'keep streaming' },
  tail: { type: 'string', value: 'N', description: 'last N lines of each pod (default 100)' },
  previous: { type: 'boolean', description: 'the run before the last restart' },
} as const satisfies Options;

export const OPEN_OPTIONS = {
  port: { type: 'string', value: 'P', description: 'local port (default: a free one)' },
} as const satisfies Options;

export const ROLLBACK_OPTIONS = {
  to: { type: 'string', value: 'REV', description: 'revision number (default: the previous one)' },
  timeout: { type: 'string', value: 'duration', description: 'how long to wait (default 5m)' },
} as const satisfies Options;

export const DOWN_OPTIONS = {
  'keep-data': { type: 'boolean', description: 'keep PVCs and the credentials Secret' },
} as const satisfies Options;

export const SEAL_OPTIONS = {
  'from-file': {
    type: 'string',
    multiple: true,
    value: 'KEY=path',
    description: 'a key of the Secret and the file holding its value (repeatable)',
  },
  'from-env': {
    type: 'string',
    multiple: true,
    value: 'KEY=VARIABLE',
    description: 'a key of the Secret and the environment variable holding its value (repeatable)',
  },
  output: { type: 'string', short: 'o', value: 'file', description: 'write the YAML here (default: stdout)' },
  values: {
    type: 'boolean',
    description: 'print chart values (sealedSecrets.<name>.encryptedData) instead of a SealedSecret manifest',
  },
  cert: {
    type: 'string',
    value: 'file|URL',
    description: "the controller's public key (default: fetched from the cluster)",
  },
  'controller-namespace': {
    type: 'string',
    value: 'ns',
    description: 'namespace of the Sealed Secrets controller (default sealed-secrets)',
  },
  'controller-name': {
    type: 'string',
    value: 'name',
    description: 'Service of the Sealed Secrets controller (default sealed-secrets-controller)',
  },
} as const satisfies Options;

export const BACKUP_OPTIONS = {
  output: { type: 'string', short: 'o', value: 'file', description: 'dump file (default <app>-<time>.dump)' },
} as const satisfies Options;

export const RESTORE_OPTIONS = {
  scheduled: {
    type: 'string',
    value: 'name',
    description: 'restore a scheduled backup instead of a file: latest, or the dump file name',
  },
} as const satisfies Options;

export const LOAD_OPTIONS = {
  duration: { type: 'string', value: 'D', description: 'how long (default 30s)' },
  connections: { type: 'string', value: 'C', description: 'concurrent connections (default 10)' },
  url: { type: 'string', value: 'U', description: 'base URL (default: found from the Service)' },
  path: { type: 'string', value: 'p', description: 'request path (default: the app’s list endpoint)' },
} as const satisfies Options;

const ALLOW_NAMESPACE = {
  type: 'string',
  multiple: true,
  value: 'ns',
  description: 'another namespace the tools may work in (repeatable); all others are refused',
} as const satisfies OptionSpec;

export const MCP_OPTIONS = {
  'allow-write': {
    type: 'boolean',
    description:
      'also offer the tools that change the cluster (scale, restart, rollback); each still needs confirm: true',
  },
  'allow-namespace': ALLOW_NAMESPACE,
  listen: {
    type: 'string',
    value: '[host:]port',
    description: 'serve MCP over Streamable HTTP at http://host:port/mcp instead of stdio (host default 127.0.0.1)',
  },
} as const satisfies Options;

export const ASK_OPTIONS = {
  yes: { type: 'boolean', short: 'y', description: 'do what was asked without asking to confirm (for scripts)' },
  'allow-namespace': ALLOW_NAMESPACE,
  model: {
    type: 'string',
    value: 'name',
    description: 'plan with this language model (default $BERTH_MODEL; none: the offline interpreter answers)',
  },
  'base-url': {
    type: 'string',
    value: 'url',
    description:
      "the model's OpenAI-compatible endpoint (default $OPENAI_BASE_URL, else OpenAI's; the key is $OPENAI_API_KEY)",
  },
  offline: { type: 'boolean', description: 'use the offline interpreter even when a model is configured' },
} as const satisfies Options;

export const COMMANDS = [
  command({
    name: 'doctor',
    load: async () => (await import('./commands/doctor.ts')).doctor,
    summary: 'check tools, cluster and the app; name the cause and the fix of every problem',
    usage: 'berth doctor [app] [-n ns]',
    description:
      'Checks kubectl, helm and an image builder, the kube context, that the cluster answers, its flavour (k3s, Minikube, kind, Docker Desktop, other), the default StorageClass, an Ingress controller and metrics-server. With an app or a namespace, it then explains every unhealthy thing there: image pull failures, crash loops (exit code and last log lines), OOM kills (the limit), Pending pods (the scheduler reason), failing probes, Services without endpoints and Pending PVCs — plain words first, raw evidence after.',
    positionals: [{ name: 'app', required: false }],
    options: DOCTOR_OPTIONS,
    examples: [
      app('doctor'),
      app('doctor names'),
      app('doctor -n my-namespace --json'),
      app('doctor --context kind-kind'),
    ],
  }),
  command({
    name: 'up',
    load: async () => (await import('./commands/up.ts')).up,
    summary: 'build, load, deploy, wait, smoke-test and print how to reach the app',
    usage: 'berth up <app> [--env dev|stage|prod] [-f values.yaml]... [--set k=v]... [--registry R]',
    description:
      "Builds the app's images tagged with the git commit (never latest), makes them available to the cluster (containerd/k3s import, minikube image load, kind load, or a push to --registry), runs helm upgrade --install --atomic with the environment's values, shows each workload's progress until it is ready, runs the smoke checks and prints the URL. When the upgrade fails, Helm rolls back to the previous revision and berth says what failed and why.",
    positionals: [{ name: 'app', required: true }],
    options: UP_OPTIONS,
    examples: [
      app('up names'),
      app('up names --env prod --registry registry.example.com/team'),
      app('up names --set web.service.nodePort=30090 --timeout 3m'),
      app('up names --builder buildah --loader ./load-image'),
    ],
  }),
  command({
    name: 'deploy',
    load: async () => (await import('./commands/deploy.ts')).deploy,
    summary: 'deliver a new version beside the live one: blue-green, or a canary share with automatic abort',
    usage: 'berth deploy <app> --strategy blue-green|canary --image-tag T [--weight N] [--analysis D]',
    description:
      "Progressive delivery (the chart's delivery.* values on): builds and imports the image tagged T, brings it up on the track that is not live (blue or green) at 0 % of the traffic, and smoke-tests it through the ingress controller with the track header. blue-green: then every request switches to it at once; the old track keeps running for berth abort to switch back (--hold waits for berth promote). canary: it gets --weight percent of the requests, and for --analysis berth compares its error ratio and mean latency, as the ingress controller measures them, with the stable track's; when it is worse beyond the thresholds berth aborts it (0 %) on its own and exits 4. Each step is a Helm revision.",
    positionals: [{ name: 'app', required: true }],
    options: DEPLOY_OPTIONS,
    examples: [
      app('deploy names --strategy blue-green --image-tag 1.4.0'),
      app('deploy names --strategy canary --image-tag 1.4.0 --weight 10 --analysis 2m'),
      app('deploy todo --strategy canary --image-tag 1.4.0 --weight 30 --max-error-increase 2'),
    ],
  }),
  command({
    name: 'promote',
    load: async () => (await import('./commands/promote.ts')).promote,
    summary: "move the candidate's share of traffic up (default: to 100 %, it becomes live)",
    usage: 'berth promote <app> [--weight N] [--analysis D]',
    description:
      'Sets the share of requests the new version (the candidate track) receives, waits until the ingress controller serves it, and below 100 % watches it like berth deploy does (--analysis, default 1m). At 100 % the candidate is the live track; the old track keeps running, so berth abort still switches back at once.',
    positionals: [{ name: 'app', required: true }],
    options: PROMOTE_OPTIONS,
    examples: [app('promote names --weight 30'), app('promote names'), app('promote names --weight 50 --analysis 5m')],
  }),
  command({
    name: 'abort',
    load: async () => (await import('./commands/abort.ts')).abort,
    summary: 'every request back to the previous version (the other track), at once',
    usage: 'berth abort <app>',
    description:
      'Sends every request to the track the candidate was brought up beside (its share to 0 %) and waits until the ingress controller does. After a blue-green switch or a promote to 100 %, that is the switch back. Nothing is deleted: the candidate keeps its pods until the next berth deploy replaces them.',
    positionals: [{ name: 'app', required: true }],
    options: ABORT_OPTIONS,
    examples: [app('abort names'), app('abort todo -n todo-prod --json')],
  }),
  command({
    name: 'apps',
    load: async () => (await import('./commands/apps.ts')).apps,
    summary: 'the apps of the project: components, environments, images',
    usage: 'berth apps [--root dir]',
    description:
      'Lists the apps berth found (a berth.app.json in each deploy/charts/<chart>/ folder): the names `--app` and `berth up <app>` accept, each with its components, the environments its chart has values files for, and the images it builds. Needs no cluster.',
    positionals: [],
    options: APPS_OPTIONS,
    examples: [app('apps'), app('apps --json')],
  }),
  command({
    name: 'status',
    load: async () => (await import('./commands/status.ts')).status,
    summary: 'workloads, readiness, restarts, endpoints, HPA, release revision',
    usage: 'berth status [--app a] [-n ns]',
    description:
      'Shows every workload of the release with ready/desired replicas, pods with restarts, Services with their endpoint count, the HPA (current/desired replicas, CPU) and the Helm release revision. Exits 4 when something is not ready.',
    positionals: [],
    options: STATUS_OPTIONS,
    examples: [app('status'), app('status -n names-dev --json')],
  }),
  command({
    name: 'smoke',
    load: async () => (await import('./commands/smoke.ts')).smoke,
    summary: "the app's HTTP checks through its public URL, then the chart's helm test (the in-cluster flow)",
    usage: 'berth smoke [--url U]',
    description:
      "Runs the HTTP checks the app declares in its berth.app.json (for names: the UI page and the API's database readiness) through the public URL (NodePort, Ingress host, or a port-forward berth opens for the run), then the chart's `helm test`, whose test pod runs the app's flow inside the cluster (for names: create, list and delete a name) and reports each step. Exits 4 when a check fails.",
    positionals: [],
    options: SMOKE_OPTIONS,
    examples: [app('smoke'), app('smoke --url http://localhost:8080')],
  }),
  command({
    name: 'logs',
    load: async () => (await import('./commands/logs.ts')).logs,
    summary: "a component's logs (all its pods)",
    usage: 'berth logs <component> [-f] [--tail N] [--previous]',
    description:
      'Prints the logs of every pod of a component (the components the app declares; for names: api, web, db), each line prefixed with its pod. Exits 4 when the component has no pods, 5 when kubectl cannot read the logs (for example --previous without a restart).',
    positionals: [{ name: 'component', required: true }],
    options: LOGS_OPTIONS,
    examples: [app('logs api'), app('logs api -f'), app('logs db --previous --tail 50')],
  }),
  command({
    name: 'open',
    load: async () => (await import('./commands/open.ts')).open,
    summary: 'port-forward to the app, Prometheus or the log store and print the URL',
    usage: 'berth open [component|prometheus|logs] [--port P]',
    description:
      "Opens a port-forward from this machine to the Service of a component (default web) and prints the URL; Ctrl-C closes it. `prometheus` and `logs` open the cluster's Prometheus API and log store (VictoriaLogs, with its web UI) in namespace monitoring (-n picks another).",
    positionals: [{ name: 'component', required: false }],
    options: OPEN_OPTIONS,
    examples: [app('open'), app('open --port 8080'), app('open api'), app('open prometheus'), app('open logs')],
  }),
  command({
    name: 'rollback',
    load: async () => (await import('./commands/rollback.ts')).rollback,
    summary: 'go back to the previous (or a given) release revision',
    usage: 'berth rollback [--to REV]',
    description: 'Runs helm rollback and waits until the workloads are ready again.',
    positionals: [],
    options: ROLLBACK_OPTIONS,
    examples: [app('rollback'), app('rollback --to 3')],
  }),
  command({
    name: 'down',
    load: async () => (await import('./commands/down.ts')).down,
    summary: 'uninstall the app; delete its data unless --keep-data',
    usage: 'berth down [--keep-data]',
    description:
      'Uninstalls the Helm release. Without --keep-data it also deletes the database volume (PVCs), the kept credentials Secret and the namespace if berth created it. With --keep-data the next `berth up` finds the data again.',
    positionals: [],
    options: DOWN_OPTIONS,
    examples: [app('down --keep-data'), app('down -n names-dev')],
  }),
  command({
    name: 'seal',
    load: async () => (await import('./commands/seal.ts')).seal,
    summary: 'encrypt a credential for the cluster, as YAML to commit to Git',
    usage: 'berth seal <secret> (--from-file KEY=path | --from-env KEY=VARIABLE)... [--values] [-o file]',
    description:
      "Encrypts a Secret with the cluster's Sealed Secrets public key (kubeseal, strict scope): only that cluster's controller can decrypt it, and only as this Secret name in this namespace. Values are read from files or environment variables, never from the command line. Prints a SealedSecret manifest (kubectl apply it, or commit it), or with --values the charts' sealedSecrets values; point the chart's existingSecret at the name.",
    positionals: [{ name: 'secret', required: true }],
    options: SEAL_OPTIONS,
    examples: [
      app('seal names-db --from-file POSTGRES_PASSWORD=./pw.txt --from-env POSTGRES_USER=DB_USER -o sealed-db.yaml'),
      app('seal names-db --values --from-file POSTGRES_PASSWORD=./pw.txt -n names-prod -o values-sealed.yaml'),
      app('seal todo-jwt --app todo --from-env JWT_SECRET=JWT_SECRET --cert https://sealed.example.com/v1/cert.pem'),
    ],
  }),
  command({
    name: 'backup',
    load: async () => (await import('./commands/backup.ts')).backup,
    summary: "pg_dump the app's database through the database pod",
    usage: 'berth backup [--output file]',
    description:
      'Writes a pg_dump (custom format) of the database, taken through the database pod, and a .json file beside it with the row count of every table, which `berth restore` checks.',
    positionals: [],
    options: BACKUP_OPTIONS,
    examples: [app('backup'), app('backup -o backups/names.dump')],
  }),
  command({
    name: 'restore',
    load: async () => (await import('./commands/backup.ts')).restore,
    summary: 'pg_restore a backup (a file, or a scheduled one) and verify it',
    usage: 'berth restore <file> | --scheduled latest|<name>',
    description:
      "Restores a `berth backup` file into the running database (replacing the tables it contains) and checks that every table has the row count recorded at backup time. With --scheduled, restores one of the dumps the chart's backup CronJob keeps on its volume (postgresql.backup.enabled), through a Job in the cluster, and prints the row counts after.",
    positionals: [{ name: 'file', required: false }],
    options: RESTORE_OPTIONS,
    examples: [
      app('restore names-2026-11-23T10-00-00.dump'),
      app('restore C:\\backups\\names.dump'),
      app('restore --scheduled latest'),
    ],
  }),
  command({
    name: 'load',
    load: async () => (await import('./commands/load.ts')).load,
    summary: 'load test: requests/s, p50/p99 latency, errors, and the HPA replicas meanwhile',
    usage: 'berth load [--duration D] [--connections C]',
    description:
      "Sends GET requests to the app's public URL from C connections for D, then reports requests per second, p50/p99 latency, errors, and the HPA's replica count sampled during the run.",
    positionals: [],
    options: LOAD_OPTIONS,
    examples: [app('load'), app('load --duration 2m --connections 50')],
  }),
  command({
    name: 'mcp',
    load: async () => (await import('./commands/mcp.ts')).mcp,
    summary: "berth's operations as MCP tools for an AI assistant (stdio, or HTTP with --listen)",
    usage: 'berth mcp [app] [-n ns] [--allow-namespace ns]... [--allow-write] [--listen [host:]port]',
    description:
      "An MCP server (Model Context Protocol) whose tools are berth's operations on the app: status, diagnose (berth doctor's findings with their fixes), logs (bounded), events, top (metrics-server), cluster_health, volumes and network_policies. Read-only unless --allow-write, which adds scale, restart and rollback; each of those changes nothing unless called with confirm: true, and says what it would do otherwise. The tools act with your kubeconfig in the app's namespace (and each --allow-namespace) only: any other namespace is refused. It speaks over stdio (for an assistant that starts it) or, with --listen, Streamable HTTP at http://host:port/mcp (127.0.0.1 unless you name a host).",
    positionals: [{ name: 'app', required: false }],
    options: MCP_OPTIONS,
    examples: [
      app('mcp names -n names-dev'),
      app('mcp names -n names-dev --allow-write'),
      app('mcp names -n names-dev --listen 8765'),
    ],
  }),
  command({
    name: 'ask',
    load: async () => (await import('./commands/ask.ts')).ask,
    summary: 'ask about or act on the app in plain words ("why is the database failing?")',
    usage: 'berth ask <question...> [-n ns] [--yes] [--model name --base-url url]',
    description:
      "The tools of berth mcp behind plain words. Offline, it understands the common requests: scale a component, show logs, why a component is failing (the causes and fixes berth doctor finds), the cluster's health, what uses the most CPU or memory, pods with failing health checks, the PVCs and where they are mounted, the network policies that affect a pod, recent events, restart, roll back. With a model (--model or $BERTH_MODEL, and an OpenAI-compatible endpoint: --base-url, $OPENAI_BASE_URL, or $OPENAI_API_KEY for OpenAI) the model plans with the same tools. Before anything changes it prints what it will do and asks; --yes skips the question, and without a terminal and without --yes nothing changes. Like berth mcp, it never works outside the app's namespace and each --allow-namespace.",
    positionals: [{ name: 'question', required: true, rest: true }],
    options: ASK_OPTIONS,
    examples: [
      app('ask "why is the database pod failing?" -n names-dev'),
      app('ask "scale the api to 3 replicas" -n names-dev --yes'),
      app('ask "show me the logs of the frontend pod"'),
      app('ask "what uses the most memory?" --model llama3.1 --base-url http://localhost:11434/v1'),
    ],
  }),
] as const;

export function findCommand(name: string): CommandSpec | undefined {
  const all: readonly CommandSpec[] = COMMANDS;
  return all.find((c) => c.name === name);
}

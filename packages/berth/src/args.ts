import { parseArgs } from 'node:util';
import { BerthError, EXIT, EXIT_CODE_HELP } from './exit-codes.ts';

type OptionSpec = {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  description: string;
  /** Shown in help as the value's name, e.g. --env <dev|prod>. */
  value?: string;
};

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  description: string;
  positionals: { name: string; required: boolean }[];
  options: Record<string, OptionSpec>;
  examples: string[];
}

/** Options every command accepts. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  app: { type: 'string', value: 'name', description: 'the app (default: the only app of the project, "names")' },
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
};

const app = (extra: string) => `berth ${extra}`;

export const COMMANDS: CommandSpec[] = [
  {
    name: 'doctor',
    summary: 'check tools, cluster and the app; name the cause and the fix of every problem',
    usage: 'berth doctor [app] [-n ns]',
    description:
      'Checks kubectl, helm and an image builder, the kube context, that the cluster answers, its flavour (k3s, Minikube, kind, Docker Desktop, other), the default StorageClass, an Ingress controller and metrics-server. With an app or a namespace, it then explains every unhealthy thing there: image pull failures, crash loops (exit code and last log lines), OOM kills (the limit), Pending pods (the scheduler reason), failing probes, Services without endpoints and Pending PVCs — plain words first, raw evidence after.',
    positionals: [{ name: 'app', required: false }],
    options: {
      'cluster-only': { type: 'boolean', description: 'only check tools and the cluster, not an app' },
    },
    examples: [
      app('doctor'),
      app('doctor names'),
      app('doctor -n my-namespace --json'),
      app('doctor --context kind-kind'),
    ],
  },
  {
    name: 'up',
    summary: 'build, load, deploy, wait, smoke-test and print how to reach the app',
    usage: 'berth up <app> [--env dev|prod] [--set k=v]... [--registry R]',
    description:
      "Builds the app's images tagged with the git commit (never latest), makes them available to the cluster (containerd/k3s import, minikube image load, kind load, or a push to --registry), runs helm upgrade --install --atomic with the environment's values, shows each workload's progress until it is ready, runs the smoke checks and prints the URL. When the upgrade fails, Helm rolls back to the previous revision and berth says what failed and why.",
    positionals: [{ name: 'app', required: true }],
    options: {
      env: { type: 'string', value: 'dev|prod', description: 'values file of the environment (default dev)' },
      set: { type: 'string', multiple: true, value: 'k=v', description: 'a Helm value (repeatable)' },
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
    },
    examples: [
      app('up names'),
      app('up names --env prod --registry registry.example.com/team'),
      app('up names --set web.service.nodePort=30090 --timeout 3m'),
      app('up names --builder buildah --loader ./load-image'),
    ],
  },
  {
    name: 'status',
    summary: 'workloads, readiness, restarts, endpoints, HPA, release revision',
    usage: 'berth status [--app a] [-n ns]',
    description:
      'Shows every workload of the release with ready/desired replicas, pods with restarts, Services with their endpoint count, the HPA (current/desired replicas, CPU) and the Helm release revision. Exits 4 when something is not ready.',
    positionals: [],
    options: {},
    examples: [app('status'), app('status -n names-dev --json')],
  },
  {
    name: 'smoke',
    summary: "health endpoints plus the app's create/list/delete flow through its public URL",
    usage: 'berth smoke [--url U]',
    description:
      "Calls the app's health endpoints and runs its create, list and delete flow through the public URL (NodePort, Ingress host, or a port-forward berth opens for the run). Exits 4 when a check fails.",
    positionals: [],
    options: { url: { type: 'string', value: 'U', description: 'base URL to test (default: found from the Service)' } },
    examples: [app('smoke'), app('smoke --url http://localhost:8080')],
  },
  {
    name: 'logs',
    summary: "a component's logs (all its pods)",
    usage: 'berth logs <component> [-f] [--tail N] [--previous]',
    description:
      'Prints the logs of every pod of a component (for names: api, web, db), each line prefixed with its pod.',
    positionals: [{ name: 'component', required: true }],
    options: {
      follow: { type: 'boolean', short: 'f', description: 'keep streaming' },
      tail: { type: 'string', value: 'N', description: 'last N lines of each pod (default 100)' },
      previous: { type: 'boolean', description: 'the run before the last restart' },
    },
    examples: [app('logs api'), app('logs api -f'), app('logs db --previous --tail 50')],
  },
  {
    name: 'open',
    summary: 'port-forward to the app and print the URL',
    usage: 'berth open [component] [--port P]',
    description:
      'Opens a port-forward from this machine to the Service of a component (default web) and prints the URL; Ctrl-C closes it.',
    positionals: [{ name: 'component', required: false }],
    options: { port: { type: 'string', value: 'P', description: 'local port (default: a free one)' } },
    examples: [app('open'), app('open --port 8080'), app('open api')],
  },
  {
    name: 'rollback',
    summary: 'go back to the previous (or a given) release revision',
    usage: 'berth rollback [--to REV]',
    description: 'Runs helm rollback and waits until the workloads are ready again.',
    positionals: [],
    options: {
      to: { type: 'string', value: 'REV', description: 'revision number (default: the previous one)' },
      timeout: { type: 'string', value: 'duration', description: 'how long to wait (default 5m)' },
    },
    examples: [app('rollback'), app('rollback --to 3')],
  },
  {
    name: 'down',
    summary: 'uninstall the app; delete its data unless --keep-data',
    usage: 'berth down [--keep-data]',
    description:
      'Uninstalls the Helm release. Without --keep-data it also deletes the database volume (PVCs), the kept credentials Secret and the namespace if berth created it. With --keep-data the next `berth up` finds the data again.',
    positionals: [],
    options: { 'keep-data': { type: 'boolean', description: 'keep PVCs and the credentials Secret' } },
    examples: [app('down --keep-data'), app('down -n names-dev')],
  },
  {
    name: 'backup',
    summary: "pg_dump the app's database through the database pod",
    usage: 'berth backup [--output file]',
    description:
      'Writes a pg_dump (custom format) of the database, taken through the database pod, and a .json file beside it with the row count of every table, which `berth restore` checks.',
    positionals: [],
    options: {
      output: { type: 'string', short: 'o', value: 'file', description: 'dump file (default <app>-<time>.dump)' },
    },
    examples: [app('backup'), app('backup -o backups/names.dump')],
  },
  {
    name: 'restore',
    summary: 'pg_restore a backup and verify it by row counts',
    usage: 'berth restore <file>',
    description:
      'Restores a `berth backup` file into the running database (replacing the tables it contains) and checks that every table has the row count recorded at backup time.',
    positionals: [{ name: 'file', required: true }],
    options: {},
    examples: [app('restore names-2026-11-23T10-00-00.dump'), app('restore C:\\backups\\names.dump')],
  },
  {
    name: 'load',
    summary: 'load test: requests/s, p50/p99 latency, errors, and the HPA replicas meanwhile',
    usage: 'berth load [--duration D] [--connections C]',
    description:
      "Sends GET requests to the app's public URL from C connections for D, then reports requests per second, p50/p99 latency, errors, and the HPA's replica count sampled during the run.",
    positionals: [],
    options: {
      duration: { type: 'string', value: 'D', description: 'how long (default 30s)' },
      connections: { type: 'string', value: 'C', description: 'concurrent connections (default 10)' },
      url: { type: 'string', value: 'U', description: 'base URL (default: found from the Service)' },
      path: { type: 'string', value: 'p', description: 'request path (default: the app’s list endpoint)' },
    },
    examples: [app('load'), app('load --duration 2m --connections 50')],
  },
];

export type Values = Record<string, string | boolean | string[] | undefined>;

export interface ParsedCommand {
  command: string;
  positionals: string[];
  values: Values;
}

export type Parsed = ParsedCommand | { help: string } | { version: true };

export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}

function toParseArgsOptions(options: Record<string, OptionSpec>) {
  const out: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(options)) {
    out[name] = { type: spec.type };
    if (spec.short) out[name].short = spec.short;
    if (spec.multiple) out[name].multiple = true;
  }
  return out;
}

function usageError(message: string, command?: string): BerthError {
  return new BerthError(message, EXIT.usage, command ? `berth ${command} --help` : 'berth --help');
}

/** Parses berth's command line (without node and the script). Pure: throws BerthError(usage) on bad input. */
export function parseCommandLine(argv: string[]): Parsed {
  const first = argv[0];
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? argv[1] : undefined;
    if (topic) {
      const spec = findCommand(topic);
      if (!spec) throw usageError(`unknown command "${topic}"`);
      return { help: commandHelp(spec) };
    }
    return { help: mainHelp() };
  }
  if (first === '--version' || first === '-v') return { version: true };
  const spec = findCommand(first);
  if (!spec) {
    const close = COMMANDS.find((c) => c.name.startsWith(first.slice(0, 2)));
    throw usageError(`unknown command "${first}"${close ? ` (did you mean "${close.name}"?)` : ''}`);
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv.slice(1),
      options: toParseArgsOptions({ ...GLOBAL_OPTIONS, ...spec.options }),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usageError((error as Error).message.split('\n')[0] ?? String(error), spec.name);
  }
  const values = parsed.values as Values;
  if (values.help) return { help: commandHelp(spec) };
  const positionals = parsed.positionals;
  const required = spec.positionals.filter((p) => p.required).length;
  if (positionals.length < required) {
    const missing = spec.positionals[positionals.length];
    throw usageError(`missing <${missing?.name}>: usage: ${spec.usage}`, spec.name);
  }
  if (positionals.length > spec.positionals.length) {
    throw usageError(`unexpected argument "${positionals[spec.positionals.length]}"`, spec.name);
  }
  for (const [name, option] of Object.entries(spec.options)) {
    const value = values[name];
    if (option.multiple && name === 'set' && Array.isArray(value)) {
      for (const pair of value) parseSet(pair);
    }
  }
  if (spec.name === 'up' && values.env !== undefined && !['dev', 'prod'].includes(String(values.env))) {
    throw usageError(`--env must be dev or prod, not "${values.env}"`, 'up');
  }
  return { command: spec.name, positionals, values };
}

/** Splits a --set pair; the key is everything before the first "=" (values may contain "="). */
export function parseSet(pair: string): { key: string; value: string } {
  const at = pair.indexOf('=');
  if (at <= 0) throw usageError(`--set needs key=value, not "${pair}"`, 'up');
  return { key: pair.slice(0, at), value: pair.slice(at + 1) };
}

/** "30s", "2m", "1h", "500ms" or a number of seconds → milliseconds. */
export function parseDuration(text: string, option = 'duration'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw usageError(`--${option} must look like 30s, 2m or 1h, not "${text}"`);
  const amount = Number(match[1]);
  const unit = match[2] ?? 's';
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit] ?? 1000;
  return Math.round(amount * factor);
}

/** A positive whole number option. */
export function parsePositiveInt(text: string, option: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1) {
    throw usageError(`--${option} must be a positive whole number, not "${text}"`);
  }
  return Number(text);
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  return Object.entries(options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.value ? ` <${spec.value}>` : ''}`;
    return `  ${flag.padEnd(34)} ${spec.description}`;
  });
}

export function commandHelp(spec: CommandSpec): string {
  return [
    `Usage: ${spec.usage}`,
    '',
    wrap(spec.description, 100),
    '',
    'Options:',
    ...optionLines(spec.options),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Examples:',
    ...spec.examples.map((e) => `  ${e}`),
    '',
    EXIT_CODE_HELP,
  ].join('\n');
}

export function mainHelp(): string {
  return [
    'berth: take an app to Kubernetes and prove it works there.',
    '',
    'Usage: berth <command> [options]      berth <command> --help for its options and examples',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`),
    '',
    'A first deployment:',
    '  berth doctor            # tools, cluster, flavour, storage, ingress, metrics',
    '  berth up names          # build, load, deploy, wait, smoke-test, print the URL',
    '  berth status            # what runs, what is ready',
    '',
    'Examples:',
    '  berth up names --env dev --set web.service.nodePort=30090',
    '  berth doctor names --json',
    '  berth backup -o names.dump && berth restore names.dump',
    '  berth load --duration 1m --connections 20',
    '',
    EXIT_CODE_HELP,
  ].join('\n');
}

function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

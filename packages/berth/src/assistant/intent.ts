/**
 * What a plain-words request to `berth ask` means, decided by patterns alone
 * (no model): the offline interpreter's understanding. Anything it cannot
 * place is `unknown`, and berth says what it can do instead of guessing.
 */

export interface AppWords {
  components: readonly string[];
  /** The component people reach (the frontend). */
  entry: string;
  /** The database component, when the app has one. */
  database?: string | undefined;
}

interface Where {
  /** A namespace named in the request ("in namespace x", "in the x namespace", "-n x"). */
  namespace?: string;
}

export type Intent = Where &
  (
    | { kind: 'help' }
    | { kind: 'scale'; component?: string; replicas: number }
    | { kind: 'restart'; component?: string }
    | { kind: 'rollback'; revision?: number }
    | { kind: 'logs'; component?: string; pod?: string; tail?: number; previous?: boolean }
    | { kind: 'why'; component?: string; pod?: string }
    | { kind: 'health-checks' }
    | { kind: 'cluster-health' }
    | { kind: 'top'; sort: 'cpu' | 'memory' }
    | { kind: 'volumes' }
    | { kind: 'network-policies'; component?: string; pod?: string }
    | { kind: 'events'; warningsOnly: boolean }
    | { kind: 'status'; component?: string }
    | { kind: 'unknown' }
  );

const FRONTEND = ['frontend', 'front-end', 'front end', 'web', 'ui', 'website', 'site', 'nginx'];
const DATABASE = ['database', 'db', 'postgres', 'postgresql', 'pg', 'sql'];
const BACKEND = ['backend', 'back-end', 'back end', 'api', 'server', 'service'];

const word = (text: string, phrase: string) =>
  new RegExp(`(?:^|[^a-z0-9])${phrase.replace(/[-\s]/g, '[-\\s]?')}(?:s)?(?![a-z0-9])`).test(text);

/** The component a request names: by its own name, or by the role words people use (frontend, database, backend). */
export function findComponent(text: string, app: AppWords): string | undefined {
  const lower = text.toLowerCase();
  for (const component of app.components) if (word(lower, component)) return component;
  if (app.database && DATABASE.some((w) => word(lower, w))) return app.database;
  if (FRONTEND.some((w) => word(lower, w))) return app.entry;
  if (BACKEND.some((w) => word(lower, w))) {
    const named = app.components.find((c) => ['api', 'backend', 'server'].includes(c));
    if (named) return named;
    const others = app.components.filter((c) => c !== app.entry && c !== app.database);
    if (others.length === 1) return others[0];
  }
  return undefined;
}

/** A pod named in the request: pod/<name>, or a name shaped like a Deployment's or StatefulSet's pod. */
export function findPod(text: string): string | undefined {
  const explicit = /\bpod\/([a-z0-9][-a-z0-9.]*[a-z0-9])/.exec(text);
  if (explicit) return explicit[1];
  for (const token of text.toLowerCase().split(/[\s,;:'"`()?!]+/)) {
    const name = token.replace(/[.]+$/, '');
    if (/^[a-z0-9]+(?:-[a-z0-9]+)*-[a-z0-9]{6,10}-[a-z0-9]{5}$/.test(name)) return name;
    if (/^[a-z0-9]+(?:-[a-z0-9]+)*-\d{1,3}$/.test(name) && /[a-z]/.test(name)) return name;
  }
  return undefined;
}

export function findNamespace(text: string): string | undefined {
  const patterns = [
    /(?:^|\s)(?:-n|--namespace)[\s=]+([a-z0-9][-a-z0-9]*)/,
    /\bnamespace\s+["'`]?([a-z0-9][-a-z0-9]*)/,
    /\b(?:in|from|of|on)\s+(?:the\s+)?["'`]?([a-z0-9][-a-z0-9]*)["'`]?\s+namespace\b/,
  ];
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match?.[1]) return match[1];
  }
  return undefined;
}

const NUMBER_WORDS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};
const NUMBER = `(\\d{1,3}|${Object.keys(NUMBER_WORDS).join('|')})`;

function toNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  return /^\d+$/.test(text) ? Number(text) : NUMBER_WORDS[text];
}

function replicasIn(text: string): number | undefined {
  return (
    toNumber(new RegExp(`\\b${NUMBER}\\s*(?:replicas?|pods?|instances?|copies)\\b`).exec(text)?.[1]) ??
    toNumber(new RegExp(`\\b(?:to|=|x)\\s*${NUMBER}\\b`).exec(text)?.[1])
  );
}

export function parseIntent(message: string, app: AppWords): Intent {
  const text = message.toLowerCase().replace(/\s+/g, ' ').trim();
  const namespace = findNamespace(text);
  const where: Where = namespace === undefined ? {} : { namespace };
  // Words that name the namespace must not name a component too ("in the api namespace").
  const rest = namespace === undefined ? text : text.split(namespace).join(' ');
  const component = findComponent(rest, app);
  const pod = findPod(rest);
  const about = { ...(component === undefined ? {} : { component }), ...(pod === undefined ? {} : { pod }) };
  const onlyComponent = component === undefined ? {} : { component };

  if (text === '' || /^(?:help|\?|what can you do\??|commands)$/.test(text)) return { kind: 'help', ...where };

  if (/\b(?:scale|resize)\b|\breplicas?\b.*\b(?:to|=)\b/.test(text)) {
    const replicas = replicasIn(text);
    if (replicas !== undefined) return { kind: 'scale', replicas, ...onlyComponent, ...where };
  }
  if (/\b(?:roll ?back|revert|undo the (?:last )?(?:deploy|release|upgrade))/.test(text)) {
    const revision = toNumber(/\b(?:revision|rev|version)\s*#?\s*(\d{1,4})\b/.exec(text)?.[1]);
    return { kind: 'rollback', ...(revision === undefined ? {} : { revision }), ...where };
  }
  if (/\b(?:restart|bounce|reboot|recycle)\b/.test(text) && !/\brestarts\b|\brestarted\b|\bwhy\b/.test(text)) {
    return { kind: 'restart', ...onlyComponent, ...where };
  }
  if (/\blogs?\b|\boutput\b|\bstdout\b|\bprinted\b/.test(text)) {
    const tail = toNumber(/\b(?:last|tail)\s+(\d{1,3})\b/.exec(text)?.[1]);
    const previous = /\b(?:previous|before (?:it|the) (?:crash|restart)|crashed run|last run)\b/.test(text);
    return {
      kind: 'logs',
      ...about,
      ...(tail === undefined ? {} : { tail }),
      ...(previous ? { previous } : {}),
      ...where,
    };
  }
  if (/\bhealth ?checks?\b|\bprobes?\b|\breadiness\b|\bliveness\b|\bnot ready\b|\bunready\b/.test(text)) {
    return { kind: 'health-checks', ...where };
  }
  if (
    /\b(?:cpu|memory|mem|ram)\b/.test(text) &&
    /\b(?:most|top|highest|heaviest|biggest|uses?|using|consum\w*|hog\w*|usage)\b/.test(text)
  ) {
    const memory = /\b(?:memory|mem|ram)\b/.test(text);
    const cpu = /\bcpu\b/.test(text);
    return { kind: 'top', sort: memory && !cpu ? 'memory' : 'cpu', ...where };
  }
  if (/\bnetwork ?polic(?:y|ies)\b|\bnetpols?\b|\bfirewall\b|\btraffic\b|\bcan(?:not|'t)? reach\b/.test(text)) {
    return { kind: 'network-policies', ...about, ...where };
  }
  if (/\bpvcs?\b|\bvolumes?\b|\bpersistent\b|\bstorage\b|\bdisks?\b|\bmounted\b|\bmounts?\b/.test(text)) {
    return { kind: 'volumes', ...where };
  }
  if (/\bevents?\b|\bwhat happened\b/.test(text)) {
    return { kind: 'events', warningsOnly: /\bwarn(?:ing)?s?\b|\berrors?\b|\bproblems?\b/.test(text), ...where };
  }
  if (
    /\bwhy\b|\bfail\w*|\bcrash\w*|\bbroken\b|\bwrong\b|\bnot (?:working|starting|running)\b|\bdown\b|\berrors?\b|\bpending\b|\bproblems?\b|\bissues?\b|\bdiagnos\w*|\bdoctor\b|\boomkill\w*|\bimagepull\w*|\bbackoff\b/.test(
      text,
    ) &&
    !/\bcluster\b/.test(text)
  ) {
    return { kind: 'why', ...about, ...where };
  }
  if (/\bcluster\b|\bnodes?\b|\boverall\b|\bhealth\b|\bhealthy\b/.test(text)) {
    if (component === undefined || /\bcluster\b/.test(text)) return { kind: 'cluster-health', ...where };
  }
  if (/\bstatus\b|\bhow (?:is|are)\b|\bstate\b|\brunning\b|\bready\b|\bhealthy\b|\bhealth\b|\bup\??$/.test(text)) {
    return { kind: 'status', ...onlyComponent, ...where };
  }
  return { kind: 'unknown', ...where };
}

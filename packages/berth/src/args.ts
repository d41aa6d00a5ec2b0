import { parseArgs } from 'node:util';
import { BerthError, EXIT, EXIT_CODE_HELP } from './exit-codes.ts';
import { COMMANDS, type CommandSpec, findCommand, GLOBAL_OPTIONS, type Options } from './registry.ts';

export type Values = Record<string, string | boolean | string[] | undefined>;

export interface ParsedCommand {
  command: string;
  positionals: string[];
  values: Values;
}

export type Parsed = ParsedCommand | { help: string } | { version: true };

function toParseArgsOptions(options: Options) {
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
    const close = closestName(
      first,
      COMMANDS.map((c) => c.name),
    );
    throw usageError(`unknown command "${first}"${close ? ` (did you mean "${close}"?)` : ''}`);
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
    throw optionError(error as Error & { code?: string }, { ...GLOBAL_OPTIONS, ...spec.options }, spec.name);
  }
  const values = parsed.values as Values;
  if (values.help) return { help: commandHelp(spec) };
  let positionals = parsed.positionals;
  const last = spec.positionals.at(-1);
  if (last?.rest && positionals.length > spec.positionals.length) {
    // The last positional takes every word after it: berth ask why is the api failing
    const head = positionals.slice(0, spec.positionals.length - 1);
    positionals = [...head, positionals.slice(head.length).join(' ')];
  }
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
    if (option.choices && typeof value === 'string' && !option.choices.includes(value)) {
      throw usageError(`--${name} must be ${option.choices.join(' or ')}, not "${value}"`, spec.name);
    }
  }
  if (Array.isArray(values.set)) for (const pair of values.set) parseSet(pair);
  return { command: spec.name, positionals, values };
}

/**
 * A usage error for what Node's parseArgs rejected: an unknown option is named,
 * with the closest option the command has; other errors keep parseArgs' first sentence.
 */
function optionError(error: Error & { code?: string }, options: Options, command: string): BerthError {
  const sentence = error.message.split('\n')[0]?.replace(/\. To specify.*$/, '') ?? String(error);
  const given = /^Unknown option '([^']+)'/.exec(sentence)?.[1];
  if (error.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || !given) return usageError(sentence, command);
  const close = closestName(given.replace(/^-+/, ''), Object.keys(options));
  return usageError(
    `Unknown option '${given}' for berth ${command}${close ? ` (did you mean --${close}?)` : ''}`,
    command,
  );
}

/** The name nearest to what was typed (edit distance; "no-" flags also by their stem), if one is near enough. */
export function closestName(typed: string, names: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = Math.min(editDistance(typed, name), editDistance(typed, name.replace(/^no-/, '')));
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(typed.length / 3)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
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

function optionLines(options: Options): string[] {
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

import { z } from 'zod';
import { exitWithStartupError, StartupError } from './startup-error.ts';

/**
 * Configuration comes from environment variables only (12-factor). A service
 * declares the variables it reads as a zod schema; `loadConfig` parses them
 * once at start and reports every bad variable in one error, so an operator
 * fixes a broken Deployment in one round instead of one variable per crash.
 */
export class ConfigError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

// Values that may carry credentials are never echoed back in an error.
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|KEY|URL/i;

/** Kubernetes renders an empty ConfigMap value as "", which means "not set". */
function withoutEmptyValues(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
}

export function parseConfig<Schema extends z.ZodType>(schema: Schema, env: Env = process.env): z.output<Schema> {
  const source = withoutEmptyValues(env);
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = issue.path.join('.') || '(environment)';
    const raw = source[variable];
    const shown = raw === undefined ? 'it is not set' : SECRET_NAME.test(variable) ? 'value hidden' : `got "${raw}"`;
    return `${variable}: ${issue.message} (${shown})`;
  });
  throw new ConfigError(problems);
}

/** Parses config or, on failure, prints the problems and exits 1 — for a service's main. */
export function loadConfig<Schema extends z.ZodType>(schema: Schema, env: Env = process.env): z.output<Schema> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    exitWithStartupError(new StartupError(error.message, { problems: error.problems }));
  }
}

/** Builders for the kinds of variable services read, with messages a person can act on. */
export const env = {
  integer(options: { default?: number; min?: number; max?: number } = {}) {
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
    const schema = z
      .string()
      .regex(/^-?\d+$/, 'must be a whole number')
      .transform(Number)
      .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
    const fallback = options.default;
    return fallback === undefined ? schema : schema.optional().transform((v): number => v ?? fallback);
  },
  port(defaultPort?: number) {
    return env.integer({ min: 1, max: 65535, ...(defaultPort === undefined ? {} : { default: defaultPort }) });
  },
  string(defaultValue?: string) {
    return defaultValue === undefined ? z.string() : z.string().default(defaultValue);
  },
  optionalString() {
    return z.string().optional();
  },
  oneOf<const Values extends readonly [string, ...string[]]>(values: Values, defaultValue: Values[number]) {
    return z.enum(values, { error: `must be one of ${values.join(', ')}` }).default(defaultValue);
  },
  boolean(defaultValue: boolean) {
    return z
      .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
      .optional()
      .transform((v) => (v === undefined ? defaultValue : v === 'true' || v === '1'));
  },
};

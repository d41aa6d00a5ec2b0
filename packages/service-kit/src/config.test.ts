import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, env, parseConfig } from './config.ts';
import { serviceConfigSchema } from './service.ts';

const schema = serviceConfigSchema(5000, { MAX_NAME_LENGTH: env.integer({ default: 50, min: 1 }) });

function problemsOf(vars: Record<string, string>): readonly string[] {
  try {
    parseConfig(schema, vars);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected a ConfigError');
}

test('defaults apply when nothing is set', () => {
  const config = parseConfig(schema, {});
  assert.equal(config.PORT, 5000);
  assert.equal(config.MAX_NAME_LENGTH, 50);
  assert.equal(config.LOG_LEVEL, 'info');
  assert.equal(config.DATA_DIR, '.data');
});

test('every bad variable is reported at once, each by name', () => {
  const problems = problemsOf({ MAX_NAME_LENGTH: 'abc', PORT: '70000', LOG_LEVEL: 'loud' });
  assert.equal(problems.length, 3);
  assert.match(problems.find((p) => p.startsWith('MAX_NAME_LENGTH')) ?? '', /whole number.*got "abc"/);
  assert.match(problems.find((p) => p.startsWith('PORT')) ?? '', /at most 65535/);
  assert.match(problems.find((p) => p.startsWith('LOG_LEVEL')) ?? '', /one of fatal, error/);
});

test("seed 000's upper-case LOG_LEVEL is accepted", () => {
  assert.equal(parseConfig(schema, { LOG_LEVEL: 'INFO' }).LOG_LEVEL, 'info');
  assert.equal(parseConfig(schema, { LOG_LEVEL: 'WARNING' }).LOG_LEVEL, 'warn');
});

test('an empty value counts as unset, as Kubernetes renders empty ConfigMap keys', () => {
  assert.equal(parseConfig(schema, { MAX_NAME_LENGTH: '' }).MAX_NAME_LENGTH, 50);
});

test('DB_HOST without credentials names each missing variable', () => {
  const problems = problemsOf({ DB_HOST: 'db-service' });
  assert.deepEqual(problems.map((p) => p.split(':')[0]).sort(), ['DB_NAME', 'POSTGRES_PASSWORD', 'POSTGRES_USER']);
});

test('credentials are never echoed in the error', () => {
  const problems = problemsOf({ DATABASE_URL: 'mysql://u:hunter2@host/db' });
  assert.equal(problems.length, 1);
  assert.doesNotMatch(problems.join(), /hunter2/);
  assert.match(problems[0] ?? '', /DATABASE_URL: must be a postgres/);
});

test('numbers must be whole numbers, not "1e3" or "12abc"', () => {
  assert.equal(problemsOf({ MAX_NAME_LENGTH: '1e3' }).length, 1);
  assert.equal(problemsOf({ MAX_NAME_LENGTH: '12abc' }).length, 1);
  assert.equal(problemsOf({ MAX_NAME_LENGTH: '0' }).length, 1);
});

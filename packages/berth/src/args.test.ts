import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  closestName,
  commandHelp,
  mainHelp,
  parseCommandLine,
  parseDuration,
  parsePositiveInt,
  parseSet,
} from './args.ts';
import { BerthError, EXIT } from './exit-codes.ts';
import { COMMANDS } from './registry.ts';

function usage(fn: () => unknown, match: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof BerthError, String(error));
    assert.equal(error.code, EXIT.usage);
    assert.match(error.message, match);
    assert.ok(error.next, 'a next step is suggested');
    return true;
  });
}

describe('parseCommandLine', () => {
  test('up with everything the issue lists: app, --env, repeated --set, --registry', () => {
    const parsed = parseCommandLine([
      'up',
      'names',
      '--env',
      'prod',
      '--set',
      'web.service.nodePort=30090',
      '--set',
      'config.logLevel=debug',
      '--registry',
      'registry.example.com/team',
      '--json',
    ]);
    assert.ok('command' in parsed);
    assert.equal(parsed.command, 'up');
    assert.deepEqual(parsed.positionals, ['names']);
    assert.deepEqual(parsed.values.set, ['web.service.nodePort=30090', 'config.logLevel=debug']);
    assert.equal(parsed.values.env, 'prod');
    assert.equal(parsed.values.registry, 'registry.example.com/team');
    assert.equal(parsed.values.json, true);
  });

  test('ask takes its question quoted or as the words that follow, options anywhere among them', () => {
    for (const argv of [
      ['ask', 'why is the api failing?', '-n', 'names-dev'],
      ['ask', 'why', 'is', '-n', 'names-dev', 'the', 'api', 'failing?'],
    ]) {
      const parsed = parseCommandLine(argv);
      assert.ok('command' in parsed);
      assert.deepEqual(parsed.positionals, ['why is the api failing?'], argv.join(' '));
      assert.equal(parsed.values.namespace, 'names-dev');
    }
    usage(() => parseCommandLine(['ask']), /missing <question>/);
    usage(() => parseCommandLine(['status', 'extra']), /unexpected argument "extra"/);
  });

  test('global options anywhere, short -n, --opt=value form, Windows paths kept verbatim', () => {
    const parsed = parseCommandLine([
      'restore',
      '-n',
      'names-dev',
      'C:\\Users\\Ada\\backups\\names 2026.dump',
      '--kubeconfig=C:\\Users\\Ada\\.kube\\config',
    ]);
    assert.ok('command' in parsed);
    assert.deepEqual(parsed.positionals, ['C:\\Users\\Ada\\backups\\names 2026.dump']);
    assert.equal(parsed.values.namespace, 'names-dev');
    assert.equal(parsed.values.kubeconfig, 'C:\\Users\\Ada\\.kube\\config');
  });

  test('logs -f --tail; rollback --to; down --keep-data; load --duration --connections', () => {
    const logs = parseCommandLine(['logs', 'api', '-f', '--tail', '20']);
    assert.ok('command' in logs);
    assert.deepEqual([logs.positionals, logs.values.follow, logs.values.tail], [['api'], true, '20']);
    const rollback = parseCommandLine(['rollback', '--to', '3']);
    assert.ok('command' in rollback && rollback.values.to === '3');
    const down = parseCommandLine(['down', '--keep-data']);
    assert.ok('command' in down && down.values['keep-data'] === true);
    const load = parseCommandLine(['load', '--duration', '1m', '--connections', '20']);
    assert.ok('command' in load && load.values.duration === '1m' && load.values.connections === '20');
  });

  test('help: no arguments, --help, help <command>, <command> --help', () => {
    for (const argv of [[], ['--help'], ['-h']]) {
      const parsed = parseCommandLine(argv);
      assert.ok('help' in parsed && parsed.help.includes('Commands:'));
    }
    const topic = parseCommandLine(['help', 'backup']);
    assert.ok('help' in topic && topic.help.startsWith('Usage: berth backup'));
    const inline = parseCommandLine(['up', '--help']);
    assert.ok('help' in inline && inline.help.startsWith('Usage: berth up'), 'help even without the required <app>');
    assert.deepEqual(parseCommandLine(['--version']), { version: true });
  });

  test('usage errors: unknown command (with a suggestion), unknown option, missing and extra arguments, bad values', () => {
    usage(() => parseCommandLine(['stauts']), /unknown command "stauts" \(did you mean "status"\?\)/);
    usage(() => parseCommandLine(['status', '--colour']), /Unknown option '--colour'/);
    usage(() => parseCommandLine(['up']), /missing <app>/);
    usage(() => parseCommandLine(['logs']), /missing <component>/);
    usage(() => parseCommandLine(['status', 'extra']), /unexpected argument "extra"/);
    usage(() => parseCommandLine(['up', 'names', '--env', 'staging']), /--env must be dev or stage or prod/);
    usage(() => parseCommandLine(['up', 'names', '--set', 'novalue']), /--set needs key=value/);
    usage(() => parseCommandLine(['up', 'names', '--json=yes']), /--json/);
  });
});

describe('values', () => {
  test('parseSet keeps "=" inside values', () => {
    assert.deepEqual(parseSet('db.auth.password=a=b=c'), { key: 'db.auth.password', value: 'a=b=c' });
  });
  test('parseDuration', () => {
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('2m'), 120_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('45'), 45_000);
    assert.equal(parseDuration('1.5m'), 90_000);
    usage(() => parseDuration('soon'), /30s, 2m or 1h/);
  });
  test('parsePositiveInt', () => {
    assert.equal(parsePositiveInt('10', 'connections'), 10);
    usage(() => parsePositiveInt('0', 'connections'), /positive whole number/);
    usage(() => parsePositiveInt('ten', 'connections'), /positive whole number/);
  });
});

describe('help text', () => {
  test('every command has a usage line, options, at least two examples and the exit codes', () => {
    for (const spec of COMMANDS) {
      const help = commandHelp(spec);
      assert.ok(spec.examples.length >= 2, `${spec.name} has examples`);
      for (const example of spec.examples) assert.ok(example.startsWith(`berth ${spec.name}`), example);
      assert.match(help, /Examples:/);
      assert.match(help, /Exit codes:\n {2}0 {2}ok/);
      assert.match(help, /--json/);
    }
  });
  test('main help lists every command and the three-step first deployment', () => {
    const help = mainHelp();
    for (const spec of COMMANDS) assert.match(help, new RegExp(`\\n  ${spec.name} `));
    assert.match(help, /berth doctor[\s\S]*berth up names/);
  });
});

describe('suggestions', () => {
  test('an unknown option or command gets the nearest valid name, a far one gets none', () => {
    usage(
      () => parseCommandLine(['logs', 'api', '--tial', '5']),
      /Unknown option '--tial' for berth logs \(did you mean --tail\?\)/,
    );
    usage(() => parseCommandLine(['status', '--colour']), /\(did you mean --no-color\?\)/);
    usage(() => parseCommandLine(['stauts']), /did you mean "status"/);
    assert.equal(closestName('zzzzzzzz', ['namespace', 'release']), undefined);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Context } from '../context.ts';
import { Output } from '../output.ts';
import { appToDiagnose } from './doctor.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const elsewhere = mkdtempSync(join(tmpdir(), 'berth-no-project-'));
after(() => rmSync(elsewhere, { recursive: true, force: true }));
const context = (options: ConstructorParameters<typeof Context>[0], cwd: string) =>
  new Context(options, new Output({ json: false, noColor: true }), cwd);

describe('doctor: which app to look into', () => {
  test('in the project: the app named; none when several are defined and none is named', () => {
    assert.equal(appToDiagnose(context({}, ROOT), 'todo', true)?.name, 'todo');
    assert.equal(appToDiagnose(context({ app: 'names' }, ROOT), undefined, false)?.name, 'names');
    assert.equal(appToDiagnose(context({}, ROOT), undefined, false), undefined);
  });
  test('outside a project, asked nothing or only a namespace: no app (tools, cluster, and that namespace)', () => {
    assert.equal(appToDiagnose(context({}, elsewhere), undefined, false), undefined);
    assert.equal(appToDiagnose(context({ namespace: 'shop' }, elsewhere), undefined, true), undefined);
  });
  test('outside a project, an app named: the error says there is no project', () => {
    assert.throws(() => appToDiagnose(context({}, elsewhere), 'names', true), /no project here/);
  });
});

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BerthError } from '../exit-codes.ts';
import { type AppDefinition, readDescriptor } from './descriptor.ts';
import { discoverApps, environmentValues, findApp } from './discover.ts';
import { undeclaredKeys, valueKeysOf } from './values-schema.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const APPS = discoverApps(ROOT);
const schemaOf = (app: AppDefinition) =>
  JSON.parse(readFileSync(join(ROOT, app.chart, 'values.schema.json'), 'utf8')) as Parameters<typeof undeclaredKeys>[1];

describe('app descriptors of this project (deploy/charts/*/berth.app.json)', () => {
  test('berth discovers the Names app from its descriptor, with its chart and environments', () => {
    const names = findApp(APPS, 'names');
    assert.equal(names.chart, 'deploy/charts/names');
    assert.deepEqual(names.environments, {
      dev: 'deploy/charts/names/values-dev.yaml',
      prod: 'deploy/charts/names/values-prod.yaml',
      stage: 'deploy/charts/names/values-stage.yaml',
    });
  });

  for (const app of APPS) {
    test(`${app.name}: every value key berth sets is declared in the chart's values.schema.json`, () => {
      const keys = valueKeysOf(app);
      assert.ok(keys.length > 0);
      assert.deepEqual(undeclaredKeys(keys, schemaOf(app)), []);
    });
    test(`${app.name}: its Dockerfiles exist and its chart has a dev and a prod environment`, () => {
      for (const image of app.images) assert.ok(existsSync(join(ROOT, image.dockerfile)), image.dockerfile);
      assert.ok(environmentValues(app, 'dev'));
      assert.ok(environmentValues(app, 'prod'));
    });
  }

  test('a descriptor naming a value key the chart does not have is reported, key by key', () => {
    const names = findApp(APPS, 'names');
    const typo: AppDefinition = {
      ...names,
      images: [...names.images, { component: 'api', dockerfile: 'x', name: 'x', values: 'api.imgae' }],
    };
    assert.deepEqual(undeclaredKeys(valueKeysOf(typo), schemaOf(names)), ['api.imgae.repository', 'api.imgae.tag']);
    assert.deepEqual(undeclaredKeys(['web.service.nodePort', 'web.service.nodeport'], schemaOf(names)), [
      'web.service.nodeport',
    ]);
  });
});

describe('reading a descriptor', () => {
  const where = {
    file: 'berth.app.json',
    chart: 'deploy/charts/x',
    environments: { dev: 'deploy/charts/x/values-dev.yaml' },
  };

  test('every problem is listed in one usage error', () => {
    assert.throws(
      () =>
        readDescriptor(
          { name: 'x', components: ['api'], entry: 'web', images: [{ component: 'api' }], smoke: {} },
          where,
        ),
      (error: BerthError) => {
        assert.equal(error.code, 2);
        assert.match(error.message, /entry "web" is not one of components/);
        assert.match(error.message, /images\[0\]\.dockerfile must be a non-empty string/);
        assert.match(error.message, /smoke\.http must be an array/);
        assert.match(error.message, /loadPath must be a non-empty string/);
        return true;
      },
    );
  });

  test('an environment without a values file lists the environments there are', () => {
    const names = findApp(APPS, 'names');
    assert.throws(() => environmentValues(names, 'staging'), /no environment "staging"[\s\S]*/);
    try {
      environmentValues(names, 'staging');
    } catch (error) {
      assert.equal((error as BerthError).next, 'environments: dev, prod, stage');
    }
  });

  test('an unknown app names the apps there are', () => {
    assert.throws(() => findApp(APPS, 'no-such-app'), /unknown app "no-such-app"/);
    assert.throws(() => findApp([], undefined), /no app descriptor/);
    const names = findApp(APPS, 'names');
    assert.throws(() => findApp([names, { ...names, name: 'todo' }], undefined), /which app\? several are defined/);
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { K8sObject as Manifest } from '@berth/testkit';
import { parse } from 'yaml';
import { apply, diff, type Json, type Operation } from './json-patch.ts';
import { APPS, ENVIRONMENTS, type K8sObject, keyOf, render, renderChart } from './render.ts';

const COMMITTED = fileURLToPath(new URL('.', import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

test('deploy/overlays is exactly what the charts render (run `node deploy/overlays/render.ts` after changing a chart)', () => {
  const fresh = mkdtempSync(join(tmpdir(), 'overlays-'));
  const files = render(fresh);
  const committed = ['base', ...ENVIRONMENTS]
    .flatMap((folder) => filesUnder(join(COMMITTED, folder)))
    .map((path) => relative(COMMITTED, path))
    .sort();
  assert.deepEqual(committed, files);
  for (const file of files) {
    assert.equal(
      readFileSync(join(COMMITTED, file), 'utf8'),
      readFileSync(join(fresh, file), 'utf8'),
      `${file} drifted`,
    );
  }
});

/** An overlay as kustomize builds it from the committed files: base, its own resources, patches, deletions. */
function buildOverlay(app: string, env: string): K8sObject[] {
  const read = (path: string) => parse(readFileSync(join(COMMITTED, path), 'utf8'));
  const base = (read(`base/${app}/kustomization.yaml`).resources as string[]).map(
    (f) => read(`base/${app}/${f}`) as K8sObject,
  );
  const kustomization = read(`${env}/${app}/kustomization.yaml`);
  const own = (kustomization.resources as string[]).slice(1).map((f) => read(`${env}/${app}/${f}`) as K8sObject);
  let objects = [...base, ...own];
  for (const patch of kustomization.patches ?? []) {
    if (patch.patch) {
      const gone = parse(patch.patch) as K8sObject;
      objects = objects.filter((o) => keyOf(o) !== keyOf(gone));
      continue;
    }
    const operations = read(`${env}/${app}/${patch.path}`) as Operation[];
    objects = objects.map((o) =>
      o.kind === patch.target.kind && o.metadata.name === patch.target.name
        ? (apply(o as unknown as Json, operations) as unknown as K8sObject)
        : o,
    );
  }
  return objects;
}

test("each overlay is the chart rendered with that environment's values (patches applied here; the cluster suite uses kubectl kustomize)", () => {
  for (const app of APPS) {
    for (const env of ENVIRONMENTS) {
      const built = new Map(buildOverlay(app, env).map((o) => [keyOf(o), o]));
      const wanted = renderChart(app, env);
      assert.deepEqual([...built.keys()].sort(), wanted.map(keyOf).sort(), `${env}/${app}: the same objects`);
      for (const object of wanted)
        assert.deepEqual(built.get(keyOf(object)), object, `${env}/${app}: ${keyOf(object)}`);
    }
  }
});

test('the environments differ where they should: replicas, resources, HPA bounds, PDBs, log level, ingress host', () => {
  const api = (env: (typeof ENVIRONMENTS)[number]) => {
    const objects = renderChart('names', env);
    const find = (kind: string, name: string) =>
      objects.find((o) => keyOf(o) === `${kind}/${name}`) as Manifest | undefined;
    return {
      hpa: [
        find('HorizontalPodAutoscaler', 'names-api')?.spec.minReplicas,
        find('HorizontalPodAutoscaler', 'names-api')?.spec.maxReplicas,
      ],
      cpu: find('Deployment', 'names-api')?.spec.template.spec.containers[0].resources.limits.cpu,
      pdb: find('PodDisruptionBudget', 'names-api')?.spec.minAvailable,
      webReplicas: find('Deployment', 'names-web')?.spec.replicas,
      logLevel: find('ConfigMap', 'names-config')?.data.LOG_LEVEL,
      host: find('Ingress', 'names-web')?.spec.rules[0].host,
    };
  };
  assert.deepEqual(api('dev'), {
    hpa: [2, 5],
    cpu: '500m',
    pdb: 1,
    webReplicas: 1,
    logLevel: 'debug',
    host: undefined,
  });
  assert.deepEqual(api('stage'), {
    hpa: [2, 4],
    cpu: '750m',
    pdb: 1,
    webReplicas: 2,
    logLevel: 'info',
    host: 'names.stage.example.com',
  });
  assert.deepEqual(api('prod'), {
    hpa: [3, 10],
    cpu: '1',
    pdb: 2,
    webReplicas: 2,
    logLevel: 'info',
    host: 'names.example.com',
  });
});

test('a JSON patch from diff turns one object into the other: keys, list items by index, a list that changed length whole', () => {
  const from = { a: 1, b: { c: [1, 2], d: 'x', 'e/f': true }, g: [1] } as Json;
  const to = { a: 2, b: { c: [1, 3], 'e/f': false, h: null }, g: [1, 2] } as Json;
  const operations = diff(from, to);
  assert.deepEqual(operations, [
    { op: 'replace', path: '/a', value: 2 },
    { op: 'remove', path: '/b/d' },
    { op: 'replace', path: '/b/c/1', value: 3 },
    { op: 'replace', path: '/b/e~1f', value: false },
    { op: 'add', path: '/b/h', value: null },
    { op: 'replace', path: '/g', value: [1, 2] },
  ]);
  assert.deepEqual(apply(from, operations), to);
  assert.deepEqual(diff(to, to), []);
});

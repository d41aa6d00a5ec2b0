import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseManifests } from '@berth/testkit';
import { render } from './render.ts';

const COMMITTED = fileURLToPath(new URL('./names', import.meta.url));

test('deploy/k8s/names is exactly what the chart renders (run `node deploy/k8s/render.ts` after changing the chart)', () => {
  const fresh = mkdtempSync(join(tmpdir(), 'k8s-names-'));
  const files = render(fresh);
  const committed = readdirSync(COMMITTED).filter((f) => f.endsWith('.yaml') && f !== 'chart-values.yaml');
  assert.deepEqual(committed.sort(), files);
  for (const file of files) {
    assert.equal(
      readFileSync(join(COMMITTED, file), 'utf8'),
      readFileSync(join(fresh, file), 'utf8'),
      `${file} drifted`,
    );
  }
});

test("the manifests use seed 000's file and object names", () => {
  const objects = readdirSync(COMMITTED)
    .filter((f) => f.endsWith('.yaml') && f !== 'chart-values.yaml' && f !== 'kustomization.yaml')
    .flatMap((file) => parseManifests(readFileSync(join(COMMITTED, file), 'utf8')).map((o) => ({ file, o })));
  const find = (kind: string, name: string) => objects.find(({ o }) => o.kind === kind && o.metadata.name === name);
  const expected: [string, string, string][] = [
    ['Namespace', 'names-app', 'namespace.yaml'],
    ['ConfigMap', 'names-app-config', 'configmap.yaml'],
    ['PersistentVolumeClaim', 'postgres-pvc', 'database-pvc.yaml'],
    ['StatefulSet', 'postgres', 'database-statefulset.yaml'],
    ['Service', 'db-service', 'database-service.yaml'],
    ['Deployment', 'backend', 'backend-deployment.yaml'],
    ['Service', 'api-service', 'backend-service.yaml'],
    ['Deployment', 'frontend', 'frontend-deployment.yaml'],
    ['Service', 'frontend-service', 'frontend-service.yaml'],
    ['HorizontalPodAutoscaler', 'backend-hpa', 'backend-hpa.yaml'],
  ];
  for (const [kind, name, file] of expected) assert.equal(find(kind, name)?.file, file, `${kind}/${name} in ${file}`);
  assert.equal(find('Service', 'api-service')?.o.spec.ports[0].port, 5000);
  assert.equal(find('Service', 'frontend-service')?.o.spec.type, 'NodePort');
  assert.equal(find('Service', 'frontend-service')?.o.spec.ports[0].nodePort, 30080);
  const config = find('ConfigMap', 'names-app-config')?.o.data;
  assert.deepEqual(Object.keys(config).sort(), ['DB_HOST', 'DB_NAME', 'DB_PORT', 'LOG_LEVEL', 'MAX_NAME_LENGTH']);
  assert.equal(config.DB_HOST, 'db-service');
  assert.equal(objects.filter(({ o }) => o.kind === 'Secret').length, 0, 'no credential is written to the repository');
});

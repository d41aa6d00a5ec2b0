// The Kustomize overlays deploy/overlays/{dev,stage,prod} on the real
// cluster: `kubectl kustomize` of each renders, is exactly the chart rendered
// with that environment's values (the drift test, with kustomize itself
// applying the patches), and passes a server-side dry-run — admission, the
// restricted PodSecurity profile and every schema included. The dry-run puts
// both apps of an environment in namespace dlv-ovl-<env>.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KUBECTL, kubectl, REPO, run } from '@berth/testkit/cluster';
import { parseAllDocuments, stringify } from 'yaml';
import { ENVIRONMENTS, expectedObjects, type K8sObject } from '../../../deploy/overlays/render.ts';

const namespaceOf = (env: string) => `dlv-ovl-${env}`;
const key = (o: K8sObject) => `${o.metadata.namespace}/${o.kind}/${o.metadata.name}`;

describe('Kustomize overlays: render, match the charts, pass a server-side dry-run', () => {
  before(async () => {
    for (const env of ENVIRONMENTS) {
      await kubectl(['create', 'namespace', namespaceOf(env), '--dry-run=client', '-o', 'yaml']).then((yaml) =>
        kubectl(['apply', '-f', '-'], yaml),
      );
      await kubectl([
        'label',
        'namespace',
        namespaceOf(env),
        '--overwrite',
        'pod-security.kubernetes.io/enforce=restricted',
      ]);
    }
  });
  after(async () => {
    for (const env of ENVIRONMENTS)
      await kubectl(['delete', 'namespace', namespaceOf(env), '--ignore-not-found', '--wait=false']);
  });

  for (const env of ENVIRONMENTS) {
    test(`${env}: kubectl kustomize renders the chart with values-${env}.yaml, and the API server accepts every object`, async () => {
      const rendered = await kubectl(['kustomize', `${REPO}/deploy/overlays/${env}`]);
      const objects = parseAllDocuments(rendered)
        .map((d) => d.toJS() as K8sObject | null)
        .filter((o): o is K8sObject => Boolean(o?.kind));
      const expected = new Map(expectedObjects(env).map((o) => [key(o), o]));
      assert.deepEqual(objects.map(key).sort(), [...expected.keys()].sort(), 'the same objects');
      for (const object of objects) assert.deepEqual(object, expected.get(key(object)), key(object));

      const inTestNamespace = objects
        .map((o) => ({ ...o, metadata: { ...o.metadata, namespace: namespaceOf(env) } }))
        .map((o) => stringify(o))
        .join('---\n');
      const dryRun = await run(KUBECTL, ['apply', '--dry-run=server', '-f', '-'], {
        input: inTestNamespace,
        allowFailure: true,
      });
      assert.equal(dryRun.code, 0, `server-side dry-run of ${env}:\n${dryRun.stderr}`);
      assert.equal(dryRun.stdout.trim().split('\n').length, objects.length, dryRun.stdout);
    });
  }
});

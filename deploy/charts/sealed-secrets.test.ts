// Both charts take credentials sealed for the cluster (`sealedSecrets`, what `berth seal --values`
// prints): each renders as a SealedSecret whose Secret has the same name in the release's
// namespace, for an existingSecret value; malformed entries are refused by the schema. The
// controller decrypting them, and the apps starting on them, are proven in test/cluster/security/.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { helmTemplate, renderChart } from '@berth/testkit';

const CHARTS = {
  names: { existingSecret: 'db.auth.existingSecret' },
  todo: { existingSecret: 'postgresql.auth.existingSecret' },
};

for (const [chart, { existingSecret }] of Object.entries(CHARTS)) {
  const dir = fileURLToPath(new URL(`./${chart}`, import.meta.url));
  describe(`${chart}: sealedSecrets`, () => {
    test('none by default', async () => {
      const objects = await renderChart(dir);
      assert.ok(!objects.some((o) => o.kind === 'SealedSecret'));
    });

    test('each entry becomes a SealedSecret of that name, and existingSecret points the pods at it', async () => {
      const objects = await renderChart(dir, {
        namespace: 'shop',
        set: {
          'sealedSecrets.db-credentials.encryptedData.POSTGRES_PASSWORD': 'AgBy3i4OJSWK',
          'sealedSecrets.db-credentials.encryptedData.POSTGRES_USER': 'AgC8Zk1x',
          [existingSecret]: 'db-credentials',
        },
      });
      const sealed = objects.filter((o) => o.kind === 'SealedSecret');
      assert.equal(sealed.length, 1);
      const [secret] = sealed;
      assert.equal(secret?.apiVersion, 'bitnami.com/v1alpha1');
      assert.equal(secret?.metadata.name, 'db-credentials');
      assert.deepEqual(secret?.spec.encryptedData, { POSTGRES_PASSWORD: 'AgBy3i4OJSWK', POSTGRES_USER: 'AgC8Zk1x' });
      assert.equal(secret?.spec.template.metadata.name, 'db-credentials');
      assert.equal(secret?.metadata.labels['app.kubernetes.io/managed-by'], 'Helm');
      // The chart generates no database Secret of its own: the sealed one is the credential.
      const plain = objects.filter((o) => o.kind === 'Secret' && /POSTGRES_PASSWORD/.test(JSON.stringify(o)));
      assert.deepEqual(
        plain.map((o) => o.metadata.name),
        [],
      );
      const refs = JSON.stringify(objects.filter((o) => o.kind === 'StatefulSet'));
      assert.match(refs, /"name":"db-credentials"/);
    });

    test('the schema refuses an entry without ciphertext, an unknown field and a bad name', async () => {
      const cases: Record<string, string>[] = [
        { 'sealedSecrets.db-credentials.encryptedData': 'null' },
        { 'sealedSecrets.db-credentials.data.POSTGRES_PASSWORD': 'plain' },
        { 'sealedSecrets.Db_Credentials.encryptedData.POSTGRES_PASSWORD': 'AgB' },
      ];
      for (const set of cases) {
        await assert.rejects(
          helmTemplate(dir, { set }),
          /values don't meet the specifications of the schema/,
          JSON.stringify(set),
        );
      }
    });
  });
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { asChartValues, parseKeySource, secretManifest } from './seal.ts';

describe('seal: what kubeseal is given and what berth prints', () => {
  test('KEY=source, for files and environment variables; anything else is a usage error', () => {
    assert.deepEqual(parseKeySource('POSTGRES_PASSWORD=./pw=1.txt', 'file'), {
      key: 'POSTGRES_PASSWORD',
      from: 'file',
      source: './pw=1.txt',
    });
    assert.deepEqual(parseKeySource('JWT_SECRET=JWT', 'env'), { key: 'JWT_SECRET', from: 'env', source: 'JWT' });
    for (const bad of ['POSTGRES_PASSWORD', '=file', 'KEY=', 'a key=x']) {
      assert.throws(() => parseKeySource(bad, 'file'), /expected KEY=path/, bad);
    }
  });

  test('the Secret carries the name, the namespace and base64 values', () => {
    assert.deepEqual(secretManifest('db', 'shop', { PASSWORD: Buffer.from('s3cret\n') }), {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { name: 'db', namespace: 'shop' },
      data: { PASSWORD: Buffer.from('s3cret\n').toString('base64') },
    });
  });

  test('--values turns the SealedSecret into the charts sealedSecrets entry', () => {
    const sealed = { metadata: { name: 'db' }, spec: { encryptedData: { PASSWORD: 'AgB' } } };
    assert.deepEqual(asChartValues(sealed), { sealedSecrets: { db: { encryptedData: { PASSWORD: 'AgB' } } } });
    assert.throws(() => asChartValues({ metadata: { name: 'db' } }), /without a name or encryptedData/);
  });
});

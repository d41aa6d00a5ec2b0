import assert from 'node:assert/strict';
import { delimiter, join } from 'node:path';
import { describe, test } from 'node:test';
import { EXIT } from './exit-codes.ts';
import { missingKubeconfig } from './kube.ts';

describe('a kubeconfig that is not there', () => {
  const none = () => false;
  const only = (file: string) => (candidate: string) => candidate === file;

  test('--kubeconfig, $KUBECONFIG (any of its files) and ~/.kube/config, each named when missing', () => {
    assert.match(
      missingKubeconfig('/k/config', {}, none)?.message ?? '',
      /no kubeconfig: \/k\/config \(--kubeconfig\) does not exist/,
    );
    assert.match(
      missingKubeconfig(undefined, { KUBECONFIG: ['/a', '/b'].join(delimiter) }, none)?.message ?? '',
      /no kubeconfig: \/a, \/b \(\$KUBECONFIG\) do not exist/,
    );
    assert.equal(missingKubeconfig(undefined, { KUBECONFIG: ['/a', '/b'].join(delimiter) }, only('/b')), undefined);
    const home = missingKubeconfig(undefined, {}, none, '/home/ada');
    assert.equal(home?.code, EXIT.environment);
    assert.match(home?.message ?? '', new RegExp(`${join('/home/ada', '.kube', 'config')} \\(the default place\\)`));
    assert.match(home?.next ?? '', /--kubeconfig <file> or KUBECONFIG=<file>/);
    assert.equal(missingKubeconfig(undefined, {}, only(join('/home/ada', '.kube', 'config')), '/home/ada'), undefined);
  });

  test('inside a pod the service account is the kubeconfig', () => {
    assert.equal(missingKubeconfig(undefined, { KUBERNETES_SERVICE_HOST: '10.0.0.1' }, none), undefined);
  });
});

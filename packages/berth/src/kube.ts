import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import {
  ApiregistrationV1Api,
  AppsV1Api,
  AutoscalingV2Api,
  BatchV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  NetworkingV1Api,
  StorageV1Api,
  VersionApi,
} from '@kubernetes/client-node';
import { BerthError, EXIT } from './exit-codes.ts';
import { whyUnreachable } from './failure.ts';

/** Read and watch access to the cluster through @kubernetes/client-node. */
export interface Kube {
  config: KubeConfig;
  context: string;
  server: string;
  core: CoreV1Api;
  apps: AppsV1Api;
  autoscaling: AutoscalingV2Api;
  batch: BatchV1Api;
  discovery: DiscoveryV1Api;
  storage: StorageV1Api;
  networking: NetworkingV1Api;
  apiregistration: ApiregistrationV1Api;
  version: VersionApi;
}

const KUBECONFIG_HELP =
  "point berth at your cluster's kubeconfig with --kubeconfig <file> or KUBECONFIG=<file> (k3s writes /etc/rancher/k3s/k3s.yaml; minikube start and kind create cluster write ~/.kube/config), then run berth doctor";

/**
 * The error for a kubeconfig that is not there, or undefined when there is one
 * (or berth runs in a pod, where the service account is the kubeconfig).
 * Without this check the client library invents a "loaded-context" for
 * http://localhost:8080 and the user meets a TLS message instead.
 */
export function missingKubeconfig(
  given: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  exists: (file: string) => boolean = existsSync,
  home: string = homedir(),
): BerthError | undefined {
  if (!given && env.KUBERNETES_SERVICE_HOST) return undefined;
  const [files, from] = given
    ? [[given], '--kubeconfig']
    : env.KUBECONFIG
      ? [env.KUBECONFIG.split(delimiter).filter(Boolean), '$KUBECONFIG']
      : [[join(home, '.kube', 'config')], 'the default place'];
  if (files.some((file) => exists(file))) return undefined;
  return new BerthError(
    `no kubeconfig: ${files.join(', ')} (${from}) ${files.length > 1 ? 'do' : 'does'} not exist`,
    EXIT.environment,
    KUBECONFIG_HELP,
  );
}

export function connect(options: { kubeconfig?: string | undefined; context?: string | undefined }): Kube {
  const missing = missingKubeconfig(options.kubeconfig);
  if (missing) throw missing;
  const config = new KubeConfig();
  try {
    if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
    else config.loadFromDefault();
  } catch (error) {
    throw new BerthError(`cannot read the kubeconfig: ${(error as Error).message}`, EXIT.environment, KUBECONFIG_HELP);
  }
  if (options.context) {
    if (!config.getContexts().some((c) => c.name === options.context)) {
      throw new BerthError(
        `no context "${options.context}" in the kubeconfig`,
        EXIT.environment,
        `contexts: ${
          config
            .getContexts()
            .map((c) => c.name)
            .join(', ') || 'none'
        }`,
      );
    }
    config.setCurrentContext(options.context);
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) {
    throw new BerthError(
      'the kubeconfig has no current cluster',
      EXIT.environment,
      'kubectl config use-context <name>',
    );
  }
  return {
    config,
    context: config.getCurrentContext(),
    server: cluster.server,
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    autoscaling: config.makeApiClient(AutoscalingV2Api),
    batch: config.makeApiClient(BatchV1Api),
    discovery: config.makeApiClient(DiscoveryV1Api),
    storage: config.makeApiClient(StorageV1Api),
    networking: config.makeApiClient(NetworkingV1Api),
    apiregistration: config.makeApiClient(ApiregistrationV1Api),
    version: config.makeApiClient(VersionApi),
  };
}

/** HTTP status of a client-node error, if it was an API answer. */
export function apiStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/** Turns "cannot reach the cluster" into an environment error with a next step. */
export function unreachable(kube: Kube, error: unknown): BerthError {
  return new BerthError(
    `the cluster at ${kube.server} (context ${kube.context}) does not answer: ${whyUnreachable(error)}`,
    EXIT.environment,
    'check that the cluster runs (berth doctor), and the context: kubectl config current-context',
  );
}

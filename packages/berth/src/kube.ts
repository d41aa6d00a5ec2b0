import {
  ApiregistrationV1Api,
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
  NetworkingV1Api,
  StorageV1Api,
  VersionApi,
} from '@kubernetes/client-node';
import { BerthError, EXIT } from './exit-codes.ts';

/** Read and watch access to the cluster through @kubernetes/client-node. */
export interface Kube {
  config: KubeConfig;
  context: string;
  server: string;
  core: CoreV1Api;
  apps: AppsV1Api;
  autoscaling: AutoscalingV2Api;
  discovery: DiscoveryV1Api;
  storage: StorageV1Api;
  networking: NetworkingV1Api;
  apiregistration: ApiregistrationV1Api;
  version: VersionApi;
}

export function connect(options: { kubeconfig?: string | undefined; context?: string | undefined }): Kube {
  const config = new KubeConfig();
  try {
    if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
    else config.loadFromDefault();
  } catch (error) {
    throw new BerthError(
      `cannot read the kubeconfig: ${(error as Error).message}`,
      EXIT.environment,
      'pass --kubeconfig <file> or set KUBECONFIG',
    );
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
    `the cluster at ${kube.server} (context ${kube.context}) does not answer: ${(error as Error).message}`,
    EXIT.environment,
    'check that the cluster runs (berth doctor), and the context: kubectl config current-context',
  );
}

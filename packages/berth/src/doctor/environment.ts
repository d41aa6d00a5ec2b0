import type { V1Node, V1StorageClass } from '@kubernetes/client-node';
import { BerthError } from '../exit-codes.ts';
import { whyUnreachable } from '../failure.ts';
import { BUILDERS, detectFlavour, type FlavourFacts } from '../flavour.ts';
import type { Kube } from '../kube.ts';
import { toolAvailable } from '../process.ts';
import { defaultStorageClasses } from './storage.ts';

export type CheckState = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  state: CheckState;
  detail: string;
  fix?: string;
}

export interface EnvironmentReport {
  checks: Check[];
  flavour?: FlavourFacts;
  builder?: string;
  /** False when berth cannot work at all (no kubectl/helm, cluster unreachable). */
  usable: boolean;
}

export function checkTools(find: (tool: string) => string | undefined = toolAvailable): {
  checks: Check[];
  builder?: string;
} {
  const checks: Check[] = [];
  for (const tool of ['kubectl', 'helm']) {
    const at = find(tool);
    checks.push(
      at
        ? { name: tool, state: 'ok', detail: at }
        : {
            name: tool,
            state: 'fail',
            detail: 'not found on PATH',
            fix: `install ${tool} (https://kubernetes.io/docs/tasks/tools/, https://helm.sh/docs/intro/install/), or set BERTH_${tool.toUpperCase()}=<path>`,
          },
    );
  }
  const builders = BUILDERS.map((b) => ({ b, at: find(b) })).filter((x) => x.at);
  const first = builders[0];
  checks.push(
    first
      ? { name: 'image builder', state: 'ok', detail: builders.map((x) => `${x.b} (${x.at})`).join(', ') }
      : {
          name: 'image builder',
          state: 'warn',
          detail: 'none of docker, podman, buildah, nerdctl found',
          fix: 'install Docker Desktop, or podman; needed by berth up to build images',
        },
  );
  return first ? { checks, builder: first.b } : { checks };
}

/** The cluster facts doctor reports, from objects read through the API. Pure. */
export function clusterChecks(input: {
  context: string;
  server: string;
  version: string;
  nodes: V1Node[];
  storageClasses: V1StorageClass[];
  ingressClasses: string[];
  metricsAvailable: boolean | undefined;
}): { checks: Check[]; flavour: FlavourFacts } {
  const checks: Check[] = [];
  checks.push({
    name: 'cluster',
    state: 'ok',
    detail: `${input.server} answers (Kubernetes ${input.version}), context ${input.context}`,
  });
  const ready = input.nodes.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  checks.push(
    ready.length > 0
      ? { name: 'nodes', state: 'ok', detail: `${ready.length}/${input.nodes.length} Ready` }
      : {
          name: 'nodes',
          state: 'fail',
          detail: `${ready.length}/${input.nodes.length} Ready`,
          fix: 'no node is Ready: kubectl describe nodes shows why (kubelet, CNI, disk pressure)',
        },
  );
  const flavour = detectFlavour(input.context, input.nodes);
  checks.push({ name: 'flavour', state: 'ok', detail: `${flavour.flavour} (${flavour.because})` });
  const defaults = defaultStorageClasses(input.storageClasses);
  const names = input.storageClasses.map((s) => s.metadata?.name).join(', ');
  checks.push(
    defaults.length > 0
      ? { name: 'default StorageClass', state: 'ok', detail: defaults.map((d) => d.metadata?.name).join(', ') }
      : {
          name: 'default StorageClass',
          state: 'warn',
          detail: names ? `none marked default (classes: ${names})` : 'no StorageClass at all',
          fix: names
            ? `kubectl patch storageclass ${input.storageClasses[0]?.metadata?.name} -p '{"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}'`
            : 'install a provisioner such as local-path-provisioner; databases need volumes',
        },
  );
  checks.push(
    input.ingressClasses.length > 0
      ? { name: 'Ingress controller', state: 'ok', detail: `IngressClass ${input.ingressClasses.join(', ')}` }
      : {
          name: 'Ingress controller',
          state: 'warn',
          detail: 'no IngressClass: Ingress hosts will not work; berth uses NodePort or a port-forward instead',
          fix:
            flavour.flavour === 'minikube'
              ? 'minikube addons enable ingress'
              : 'install one (k3s ships Traefik; elsewhere ingress-nginx) if you want host names',
        },
  );
  checks.push(
    input.metricsAvailable
      ? {
          name: 'metrics-server',
          state: 'ok',
          detail: 'v1beta1.metrics.k8s.io is available (HPA and kubectl top work)',
        }
      : {
          name: 'metrics-server',
          state: 'warn',
          detail:
            input.metricsAvailable === false
              ? 'registered but not available'
              : 'not installed: the HPA cannot scale on CPU',
          fix:
            flavour.flavour === 'minikube'
              ? 'minikube addons enable metrics-server'
              : 'install metrics-server (k3s ships it)',
        },
  );
  return { checks, flavour };
}

export async function checkEnvironment(kube: Kube | (() => Kube)): Promise<EnvironmentReport> {
  const { checks, builder } = checkTools();
  const usable = () => !checks.some((c) => c.state === 'fail');
  let client: Kube;
  try {
    client = typeof kube === 'function' ? kube() : kube;
  } catch (error) {
    checks.push({
      name: 'kubeconfig',
      state: 'fail',
      detail: (error as Error).message,
      fix: error instanceof BerthError && error.next ? error.next : 'pass --kubeconfig or set KUBECONFIG',
    });
    return { checks, usable: false, ...(builder ? { builder } : {}) };
  }
  checks.push({ name: 'kubeconfig', state: 'ok', detail: `context ${client.context}` });
  let version: string;
  try {
    version = (await client.version.getCode()).gitVersion;
  } catch (error) {
    checks.push({
      name: 'cluster',
      state: 'fail',
      detail: `${client.server} does not answer: ${whyUnreachable(error)}`,
      fix: 'start the cluster (k3s: sudo systemctl start k3s; minikube start; kind create cluster), or pick the right context: kubectl config use-context <name>',
    });
    return { checks, usable: false, ...(builder ? { builder } : {}) };
  }
  const [nodes, classes, ingress, metrics] = await Promise.all([
    client.core
      .listNode()
      .then((l) => l.items)
      .catch(() => []),
    client.storage
      .listStorageClass()
      .then((l) => l.items)
      .catch(() => []),
    client.networking
      .listIngressClass()
      .then((l) => l.items.map((c) => c.metadata?.name ?? '?'))
      .catch(() => []),
    client.apiregistration
      .readAPIService({ name: 'v1beta1.metrics.k8s.io' })
      .then((s) => s.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True') ?? false)
      .catch(() => undefined),
  ]);
  const cluster = clusterChecks({
    context: client.context,
    server: client.server,
    version,
    nodes,
    storageClasses: classes,
    ingressClasses: ingress,
    metricsAvailable: metrics,
  });
  checks.push(...cluster.checks);
  return { checks, flavour: cluster.flavour, usable: usable(), ...(builder ? { builder } : {}) };
}

import { join } from 'node:path';
import type { RenderOptions } from '@berth/testkit';

/**
 * The value combinations every chart check runs over: the three shipped
 * values files and each toggle flipped from its default.
 */
export interface MatrixCase {
  name: string;
  options: RenderOptions;
  /** kube-score checks this case switches off on purpose, with the reason. */
  expectedFindings?: Record<string, string>;
  /** Warnings the API server gives for this case, each by a part of its text, with the reason. */
  expectedWarnings?: Record<string, string>;
}

/** CloudNativePG 1.30's admission webhook warns about every use of barmanObjectStore. */
const IN_TREE_BARMAN_CLOUD: Record<string, string> = {
  'Native support for Barman Cloud backups and recovery is deprecated':
    'the charts use the in-tree barmanObjectStore of CloudNativePG 1.30 (the version the test cluster runs); 1.31 removes it for a Barman Cloud plugin',
};

export function chartMatrix(chart: string): MatrixCase[] {
  const values = (file: string) => ({ valuesFiles: [join(chart, file)] });
  return [
    { name: 'default values', options: {} },
    { name: 'values-dev.yaml', options: values('values-dev.yaml') },
    { name: 'values-prod.yaml', options: values('values-prod.yaml') },
    {
      name: 'autoscaling, PDB and NetworkPolicies off',
      options: {
        set: {
          'api.autoscaling.enabled': 'false',
          'api.podDisruptionBudget.enabled': 'false',
          'networkPolicy.enabled': 'false',
        },
      },
      expectedFindings: {
        'pod-networkpolicy': 'this case turns NetworkPolicies off',
        'deployment-has-poddisruptionbudget': 'this case turns the PodDisruptionBudget off',
      },
    },
    {
      name: 'Ingress on, ClusterIP web, existing Secret, own ServiceAccount off, scheduled backups',
      options: {
        set: {
          'web.ingress.enabled': 'true',
          'web.service.type': 'ClusterIP',
          'db.auth.existingSecret': 'names-db',
          'db.backup.enabled': 'true',
          'serviceAccount.create': 'false',
        },
      },
    },
    {
      name: 'HA PostgreSQL (a CloudNativePG Cluster) with scheduled backups',
      options: { set: { 'db.ha.enabled': 'true', 'db.backup.enabled': 'true' } },
    },
    {
      name: 'HA PostgreSQL with base backups and the WAL archive in an object store',
      expectedWarnings: IN_TREE_BARMAN_CLOUD,
      options: {
        set: {
          'db.ha.enabled': 'true',
          'db.ha.backup.enabled': 'true',
          'db.ha.objectStore.destinationPath': 's3://backups/berth',
          'db.ha.objectStore.endpointURL': 'http://s3.object-store.svc:9000',
          'db.ha.objectStore.credentials.existingSecret': 'object-store-credentials',
        },
      },
    },
    {
      name: 'HA PostgreSQL recovered to a point in time, archiving to a new folder',
      expectedWarnings: IN_TREE_BARMAN_CLOUD,
      options: {
        set: {
          'db.ha.enabled': 'true',
          'db.ha.backup.enabled': 'true',
          'db.ha.backup.serverName': 'recovered',
          'db.ha.recovery.enabled': 'true',
          'db.ha.recovery.targetTime': '2026-12-07T03:10:00Z',
          'db.ha.objectStore.destinationPath': 's3://backups/berth',
          'db.ha.objectStore.credentials.existingSecret': 'object-store-credentials',
        },
      },
    },
    {
      name: 'ServiceMonitor and PrometheusRule on, scrape annotations off',
      options: { set: { 'metrics.serviceMonitor.enabled': 'true', 'metrics.podAnnotations': 'false' } },
    },
    {
      name: "seed 000's object names (deploy/k8s/names)",
      options: { valuesFiles: [join(chart, '../../k8s/names/chart-values.yaml')] },
    },
    ...deliveryCases('names.dlv.local'),
  ];
}

/**
 * The Todo chart's combinations: the shipped values files, the database and
 * Redis in the release or outside it, each way of giving a credential, the
 * Ingress on or off (with TLS), a language model configured.
 */
export function todoChartMatrix(chart: string): MatrixCase[] {
  const values = (file: string) => ({ valuesFiles: [join(chart, file)] });
  return [
    { name: 'default values', options: {} },
    { name: 'values-dev.yaml', options: values('values-dev.yaml') },
    { name: 'values-prod.yaml', options: values('values-prod.yaml') },
    {
      name: 'ServiceMonitor and PrometheusRule on, with the labels a Prometheus selects them by',
      options: {
        set: {
          'metrics.serviceMonitor.enabled': 'true',
          'metrics.serviceMonitor.labels.release': 'kube-prometheus-stack',
          'metrics.podAnnotations': 'false',
        },
      },
    },
    {
      name: 'external PostgreSQL and Redis by URL (--set), secrets given by value',
      options: {
        set: {
          'postgresql.enabled': 'false',
          'externalDatabase.url': 'postgres://todo:secret@db.example.com:5432/todo',
          'redis.enabled': 'false',
          'externalRedis.url': 'redis://:secret@redis.example.com:6379/0',
          'auth.jwtSecret': 'a-signing-key-of-at-least-thirty-two-bytes',
        },
      },
    },
    {
      name: 'external PostgreSQL and Redis from existing Secrets, every credential from a Secret',
      options: {
        set: {
          'postgresql.enabled': 'false',
          'externalDatabase.existingSecret': 'todo-database',
          'redis.enabled': 'false',
          'externalRedis.existingSecret': 'todo-redis',
          'auth.existingSecret': 'todo-jwt',
          'assistant.model': 'gpt-4o-mini',
          'assistant.existingSecret': 'todo-openai',
        },
      },
    },
    {
      name: 'in-chart PostgreSQL and Redis with given passwords, scheduled backups, a model behind its own endpoint',
      options: {
        set: {
          'postgresql.auth.password': 'given-db-password',
          'postgresql.backup.enabled': 'true',
          'redis.auth.password': 'given-redis-password',
          'assistant.model': 'llama3.1',
          'assistant.baseUrl': 'http://ollama.ai.svc:11434/v1',
        },
      },
    },
    {
      name: 'HA PostgreSQL (a CloudNativePG Cluster) with scheduled backups',
      options: { set: { 'postgresql.ha.enabled': 'true', 'postgresql.backup.enabled': 'true' } },
    },
    {
      name: 'HA PostgreSQL with base backups and the WAL archive in an object store',
      expectedWarnings: IN_TREE_BARMAN_CLOUD,
      options: {
        set: {
          'postgresql.ha.enabled': 'true',
          'postgresql.ha.backup.enabled': 'true',
          'postgresql.ha.objectStore.destinationPath': 's3://backups/berth',
          'postgresql.ha.objectStore.endpointURL': 'http://s3.object-store.svc:9000',
          'postgresql.ha.objectStore.credentials.existingSecret': 'object-store-credentials',
        },
      },
    },
    {
      name: 'HA PostgreSQL recovered to a point in time, archiving to a new folder',
      expectedWarnings: IN_TREE_BARMAN_CLOUD,
      options: {
        set: {
          'postgresql.ha.enabled': 'true',
          'postgresql.ha.backup.enabled': 'true',
          'postgresql.ha.backup.serverName': 'recovered',
          'postgresql.ha.recovery.enabled': 'true',
          'postgresql.ha.recovery.targetTime': '2026-12-07T03:10:00Z',
          'postgresql.ha.objectStore.destinationPath': 's3://backups/berth',
          'postgresql.ha.objectStore.credentials.existingSecret': 'object-store-credentials',
        },
      },
    },
    {
      name: 'Ingress off, NodePort web, autoscaling, PDB and NetworkPolicies off',
      options: {
        set: {
          'ingress.enabled': 'false',
          'web.service.type': 'NodePort',
          'web.service.nodePort': '30180',
          'api.autoscaling.enabled': 'false',
          'api.podDisruptionBudget.enabled': 'false',
          'web.podDisruptionBudget.enabled': 'false',
          'mcp.podDisruptionBudget.enabled': 'false',
          'networkPolicy.enabled': 'false',
        },
      },
      expectedFindings: {
        'pod-networkpolicy': 'this case turns NetworkPolicies off',
        'deployment-has-poddisruptionbudget': 'this case turns the PodDisruptionBudgets off',
        'service-type': 'this case exposes the web app on a NodePort',
      },
    },
    {
      name: 'Ingress with TLS from an existing Secret and a class',
      options: {
        set: { 'ingress.className': 'nginx', 'ingress.tls.enabled': 'true', 'ingress.tls.secretName': 'todo-tls' },
      },
    },
    ...deliveryCases('todo.dlv.local'),
  ];
}

/** Progressive delivery (delivery.*), the same in both charts: a canary through Traefik, and through ingress-nginx. */
function deliveryCases(host: string): MatrixCase[] {
  const canary = { 'delivery.enabled': 'true', 'delivery.green.tag': 'v2', 'delivery.weight': '30' };
  return [
    {
      name: 'delivery: a canary at 30 % through Traefik, each track scraped by its ServiceMonitor',
      options: { set: { ...canary, 'metrics.serviceMonitor.enabled': 'true' } },
    },
    {
      name: 'delivery: a canary at 30 % through ingress-nginx canary annotations',
      options: {
        set: {
          ...canary,
          'delivery.ingress.provider': 'nginx',
          'delivery.ingress.className': 'nginx',
          'delivery.ingress.host': host,
        },
      },
    },
  ];
}

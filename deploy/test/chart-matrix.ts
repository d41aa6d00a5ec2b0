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
}

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
      name: 'Ingress on, ClusterIP web, existing Secret, own ServiceAccount off',
      options: {
        set: {
          'web.ingress.enabled': 'true',
          'web.service.type': 'ClusterIP',
          'db.auth.existingSecret': 'names-db',
          'serviceAccount.create': 'false',
        },
      },
    },
    {
      name: "seed 000's object names (deploy/k8s/names)",
      options: { valuesFiles: [join(chart, '../../k8s/names/chart-values.yaml')] },
    },
  ];
}

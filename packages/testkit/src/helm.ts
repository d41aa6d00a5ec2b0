import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';

const run = promisify(execFile);

// biome-ignore lint/suspicious/noExplicitAny: manifests are arbitrary nested YAML that tests walk freely
type Anything = any;

/** A Kubernetes object as rendered: loosely typed, since tests walk any kind. */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [key: string]: Anything };
  [key: string]: Anything;
};

export const HELM = process.env.HELM ?? 'helm';
/** The Kubernetes version charts are rendered and linted for (the test cluster's). */
export const KUBE_VERSION = process.env.KUBE_VERSION ?? '1.37.2';

export interface RenderOptions {
  release?: string;
  namespace?: string;
  valuesFiles?: string[];
  set?: Record<string, string>;
  extraArgs?: string[];
}

export function helmTemplateArgs(chart: string, options: RenderOptions = {}): string[] {
  return [
    'template',
    options.release ?? 'names',
    chart,
    '--namespace',
    options.namespace ?? 'default',
    '--kube-version',
    KUBE_VERSION,
    ...(options.valuesFiles ?? []).flatMap((file) => ['--values', file]),
    ...Object.entries(options.set ?? {}).flatMap(([key, value]) => ['--set', `${key}=${value}`]),
    ...(options.extraArgs ?? []),
  ];
}

/** `helm template` output as text. Rejects with helm's message (e.g. a schema violation). */
export async function helmTemplate(chart: string, options: RenderOptions = {}): Promise<string> {
  const { stdout } = await run(HELM, helmTemplateArgs(chart, options), { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

export function parseManifests(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((document) => document.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null && typeof object === 'object' && 'kind' in object);
}

export async function renderChart(chart: string, options: RenderOptions = {}): Promise<K8sObject[]> {
  return parseManifests(await helmTemplate(chart, options));
}

/** Pod specs of every workload (Deployment, StatefulSet, Job, bare Pod). */
export function podSpecs(
  objects: K8sObject[],
): { owner: string; spec: Anything; annotations: Record<string, string> }[] {
  return objects.flatMap((object) => {
    const owner = `${object.kind}/${object.metadata.name}`;
    if (object.kind === 'Pod') return [{ owner, spec: object.spec, annotations: object.metadata.annotations ?? {} }];
    const template = object.spec?.template ?? object.spec?.jobTemplate?.spec?.template;
    return template ? [{ owner, spec: template.spec, annotations: template.metadata?.annotations ?? {} }] : [];
  });
}

import { readFileSync, writeFileSync } from 'node:fs';
import type { Context } from '../context.ts';
import { BerthError, EXIT, type ExitCode } from '../exit-codes.ts';
import { resolveUserPath } from '../paths.ts';
import { run, toolPath } from '../process.ts';
import type { CommandInput, SEAL_OPTIONS } from '../registry.ts';

/**
 * `berth seal`: a credential encrypted with a cluster's Sealed Secrets public
 * key, as YAML a user can commit to Git. kubeseal does the encryption; berth
 * builds the Secret it encrypts in memory and hands it over on stdin, so the
 * plain value is never written to disk nor put on a command line (where
 * shell history and `ps` would keep it). The sealing is strict: the result
 * decrypts only as a Secret of this name in this namespace, and only on the
 * cluster whose controller holds the matching private key.
 */

/** Where kubeseal finds the controller unless told otherwise (test/cluster installs it there). */
export const CONTROLLER_NAMESPACE = 'sealed-secrets';
export const CONTROLLER_NAME = 'sealed-secrets-controller';

/** One key of the Secret: its name and where its value comes from. */
export interface KeySource {
  key: string;
  from: 'file' | 'env';
  source: string;
}

const KEY = /^[-._a-zA-Z0-9]+$/;

/** Parses KEY=path (--from-file) or KEY=VARIABLE (--from-env). */
export function parseKeySource(spec: string, from: KeySource['from']): KeySource {
  const at = spec.indexOf('=');
  const key = at > 0 ? spec.slice(0, at) : '';
  const source = at > 0 ? spec.slice(at + 1) : '';
  if (!KEY.test(key) || !source) {
    throw new BerthError(
      `--from-${from} ${JSON.stringify(spec)}: expected KEY=${from === 'file' ? 'path' : 'VARIABLE'}`,
      EXIT.usage,
      'a key is letters, digits, "-", "_" or "."; e.g. --from-file POSTGRES_PASSWORD=./db-password.txt',
    );
  }
  return { key, from, source };
}

/** The Secret kubeseal encrypts (values base64, as Kubernetes stores them). */
export function secretManifest(name: string, namespace: string, values: Record<string, Buffer>): object {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: { name, namespace },
    data: Object.fromEntries(Object.entries(values).map(([key, value]) => [key, value.toString('base64')])),
  };
}

interface SealedSecret {
  metadata?: { name?: string };
  spec?: { encryptedData?: Record<string, string> };
}

/** kubeseal's SealedSecret as the charts' values: sealedSecrets.<name>.encryptedData. */
export function asChartValues(sealed: SealedSecret): object {
  const name = sealed.metadata?.name;
  const encryptedData = sealed.spec?.encryptedData;
  if (!name || !encryptedData) throw new Error('kubeseal returned a SealedSecret without a name or encryptedData');
  return { sealedSecrets: { [name]: { encryptedData } } };
}

function readValue(source: KeySource, cwd: string): Buffer {
  if (source.from === 'env') {
    const value = process.env[source.source];
    if (value === undefined) {
      throw new BerthError(`environment variable ${source.source} is not set (for key ${source.key})`, EXIT.usage);
    }
    return Buffer.from(value);
  }
  const path = resolveUserPath(source.source, cwd);
  try {
    return readFileSync(path);
  } catch (error) {
    throw new BerthError(`cannot read ${path} (for key ${source.key}): ${(error as Error).message}`, EXIT.usage);
  }
}

export async function seal(
  ctx: Context,
  { positionals, options }: CommandInput<typeof SEAL_OPTIONS>,
): Promise<ExitCode> {
  const name = positionals[0] ?? '';
  if (!/^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(name)) {
    throw new BerthError(`"${name}" is not a valid Secret name`, EXIT.usage, 'lower-case letters, digits, "-" and "."');
  }
  const sources = [
    ...(options['from-file'] ?? []).map((spec) => parseKeySource(spec, 'file')),
    ...(options['from-env'] ?? []).map((spec) => parseKeySource(spec, 'env')),
  ];
  if (sources.length === 0) {
    throw new BerthError(
      'nothing to seal',
      EXIT.usage,
      'give each key with --from-file KEY=path or --from-env KEY=VARIABLE',
    );
  }
  const namespace = options.namespace ?? ctx.namespace(ctx.app());
  // kubeseal fetches the public key from the cluster unless it is given one
  if (!options.cert) await ctx.cluster();
  const values: Record<string, Buffer> = {};
  for (const source of sources) values[source.key] = readValue(source, ctx.cwd);

  const { kubeconfig, context } = options;
  const argv = [
    toolPath('kubeseal'),
    '--format',
    'json',
    '--scope',
    'strict',
    '--controller-namespace',
    options['controller-namespace'] ?? CONTROLLER_NAMESPACE,
    '--controller-name',
    options['controller-name'] ?? CONTROLLER_NAME,
    ...(options.cert ? ['--cert', options.cert] : []),
    ...(kubeconfig ? ['--kubeconfig', kubeconfig] : []),
    ...(context ? ['--context', context] : []),
  ];
  const result = await run(argv, {
    input: JSON.stringify(secretManifest(name, namespace, values)),
    allowFailure: true,
  });
  if (result.code !== 0) {
    throw new BerthError(
      `kubeseal could not seal ${name}: ${result.stderr.trim().split('\n').at(-1) ?? `exit ${result.code}`}`,
      EXIT.failed,
      options.cert
        ? 'check the --cert file or URL'
        : `is the Sealed Secrets controller running (service ${options['controller-name'] ?? CONTROLLER_NAME} in namespace ${options['controller-namespace'] ?? CONTROLLER_NAMESPACE})? Or pass --cert with the cluster's public key`,
    );
  }
  const sealed = JSON.parse(result.stdout) as SealedSecret;
  const { dumpYaml } = await import('@kubernetes/client-node');
  const document = dumpYaml(options.values ? asChartValues(sealed) : sealed);
  const keys = Object.keys(values);
  if (options.output) {
    const path = resolveUserPath(options.output, ctx.cwd);
    writeFileSync(path, document);
    ctx.out.ok(`sealed ${keys.join(', ')} into ${path} (Secret ${name} in namespace ${namespace})`);
    ctx.out.result({ name, namespace, keys, output: path });
  } else if (options.json) {
    // stdout carries one JSON document: the YAML goes inside it
    ctx.out.result({ name, namespace, keys, output: null, document });
  } else {
    process.stdout.write(document);
  }
  return EXIT.ok;
}

import { request } from 'node:http';
import type { Context } from '../context.ts';
import { BerthError, EXIT } from '../exit-codes.ts';

/**
 * Requests through the ingress controller, as users' requests arrive: to test
 * a new track (with the track header) and to see a weight change take effect
 * (the controller applies a new route a moment after the API server has it).
 */

// Where ingress controllers usually run, and the name their pods carry.
const CONTROLLERS = [
  { namespace: 'kube-system', name: 'traefik' },
  { namespace: 'traefik', name: 'traefik' },
  { namespace: 'ingress-nginx', name: 'ingress-nginx' },
];

/** The ingress controller's address: --ingress-url, else its Service's load balancer or NodePort for port 80. */
export async function ingressBase(ctx: Context, given: string | undefined): Promise<string> {
  if (given) return given.replace(/\/+$/, '');
  const kube = ctx.kube();
  const node = (await kube.core.listNode()).items
    .flatMap((n) => n.status?.addresses ?? [])
    .find((a) => a.type === 'InternalIP')?.address;
  for (const controller of CONTROLLERS) {
    const services = await kube.core
      .listNamespacedService({
        namespace: controller.namespace,
        labelSelector: `app.kubernetes.io/name=${controller.name}`,
      })
      .catch(() => ({ items: [] }));
    for (const service of services.items) {
      const http = service.spec?.ports?.find((p) => p.port === 80);
      const balancer = service.status?.loadBalancer?.ingress?.[0];
      if (http && balancer) return `http://${balancer.ip ?? balancer.hostname}`;
      if (http?.nodePort && node) return `http://${node}:${http.nodePort}`;
    }
  }
  throw new BerthError(
    'cannot find the ingress controller to send requests through',
    EXIT.environment,
    'pass --ingress-url http://<address of the ingress controller>',
  );
}

export interface Answer {
  status: number;
  version: string | undefined;
  body: string;
}

/**
 * One GET through the ingress for the app's host; a network failure is status 0.
 * node:http, not fetch: fetch does not let a caller set the Host header.
 */
export function ask(base: string, host: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request(base + path, { agent: false, timeout: 5000, headers: { ...headers, host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < 4096) body += chunk;
      });
      res.on('end', () => {
        const version = res.headers['x-app-version'];
        resolve({ status: res.statusCode ?? 0, version: typeof version === 'string' ? version : undefined, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout after 5 s')));
    req.on('error', (error) => resolve({ status: 0, version: undefined, body: error.message }));
    req.end();
  });
}

/**
 * Waits until `count` answers in a row come from the version expected (the
 * whole share moved), or for a canary share until it has answered once.
 */
export async function awaitVersion(
  probe: () => Promise<Answer>,
  expected: { version: string; all: boolean; timeoutMs?: number },
): Promise<{ ms: number; seen: number }> {
  const started = performance.now();
  const needed = expected.all ? 20 : 1;
  let inARow = 0;
  let seen = 0;
  while (performance.now() - started < (expected.timeoutMs ?? 30_000)) {
    const answer = await probe();
    seen += 1;
    inARow = answer.version === expected.version ? inARow + 1 : 0;
    if (inARow >= needed) return { ms: performance.now() - started, seen };
    if (inARow === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new BerthError(
    `the ingress still does not serve version ${expected.version}${expected.all ? ' to every request' : ''}`,
    EXIT.unhealthy,
    'is the ingress controller running and does it watch this namespace? berth doctor',
  );
}

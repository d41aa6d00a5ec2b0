import { Agent, request } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * The load generator of `berth load` (N keep-alive connections sending GETs for a while), also
 * usable until stopped, with a connection per request and a pause, as cluster tests want.
 */
export interface LoadFigures {
  requests: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Every failure in order ("HTTP 503: <body start>", a socket error, a timeout). */
  failures: string[];
  /** The distinct failures, at most five. */
  errorSamples: string[];
  statusCounts: Record<string, number>;
}

/** The q-quantile (0..1) of sorted values, nearest-rank. */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

export function summarise(
  latencies: number[],
  errors: string[],
  statuses: Record<string, number>,
  ms: number,
): LoadFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  const requests = latencies.length + errors.length;
  return {
    requests,
    errors: errors.length,
    seconds: round(ms / 1000),
    requestsPerSecond: round(requests / (ms / 1000)),
    p50: round(percentile(sorted, 0.5)),
    p90: round(percentile(sorted, 0.9)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted.at(-1) ?? Number.NaN),
    failures: errors,
    errorSamples: [...new Set(errors)].slice(0, 5),
    statusCounts: statuses,
  };
}

export interface LoadOptions {
  connections: number;
  /** Reuse connections, as a browser does (default); false opens one per request, as new clients do. */
  keepAlive?: boolean;
  /** Pause between one connection's requests; 0 (default) sends the next as soon as one is answered. */
  pauseMs?: number;
  /** Which statuses count as answered; default 2xx and 3xx. */
  answered?: (status: number) => boolean;
  /** Sent with every request: a Host for an Ingress rule, an Authorization. */
  headers?: Record<string, string>;
}

export interface RunningLoad {
  /** Lets in-flight requests finish, then returns the figures of the whole run. */
  stop(): Promise<LoadFigures>;
}

/** GETs to `url` from several connections until stopped; every other status, error or timeout is a failure. */
export function startLoad(url: string, options: LoadOptions): RunningLoad {
  const secure = url.startsWith('https:');
  const keepAlive = options.keepAlive ?? true;
  const agent = !keepAlive
    ? false
    : secure
      ? new HttpsAgent({ keepAlive: true, maxSockets: options.connections })
      : new Agent({ keepAlive: true, maxSockets: options.connections });
  const send = secure ? httpsRequest : request;
  const answered = options.answered ?? ((status: number) => status >= 200 && status < 400);
  const latencies: number[] = [];
  const failures: string[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  let running = true;
  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = send(url, { agent, timeout: 10_000, headers: options.headers ?? {} }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < 120) body += chunk;
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (answered(status)) latencies.push(performance.now() - t0);
          else failures.push(`HTTP ${status}${body ? `: ${body.slice(0, 120)}` : ''}`);
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout after 10 s')));
      req.on('error', (error) => {
        failures.push(error.message);
        resolve();
      });
      req.end();
    });
  const client = async () => {
    while (running) {
      await one();
      if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  };
  const clients = Promise.all(Array.from({ length: options.connections }, client));
  return {
    async stop() {
      running = false;
      await clients;
      if (agent) agent.destroy();
      return summarise(latencies, failures, statuses, performance.now() - started);
    },
  };
}

/** `berth load`: `connections` keep-alive connections for `durationMs`. */
export async function runLoad(url: string, connections: number, durationMs: number): Promise<LoadFigures> {
  const load = startLoad(url, { connections });
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  return load.stop();
}

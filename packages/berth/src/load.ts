import { Agent, request } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** The load generator of `berth load`: N keep-alive connections sending GETs for a while. */
export interface LoadFigures {
  requests: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
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
    errorSamples: [...new Set(errors)].slice(0, 5),
    statusCounts: statuses,
  };
}

export async function runLoad(url: string, connections: number, durationMs: number): Promise<LoadFigures> {
  const secure = url.startsWith('https:');
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, maxSockets: connections })
    : new Agent({ keepAlive: true, maxSockets: connections });
  const send = secure ? httpsRequest : request;
  const latencies: number[] = [];
  const errors: string[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  const deadline = started + durationMs;
  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = send(url, { agent, timeout: 10_000 }, (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status >= 200 && status < 400) latencies.push(performance.now() - t0);
          else errors.push(`HTTP ${status}`);
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout after 10 s')));
      req.on('error', (error) => {
        errors.push(error.message);
        resolve();
      });
      req.end();
    });
  const client = async () => {
    while (performance.now() < deadline) await one();
  };
  await Promise.all(Array.from({ length: connections }, client));
  agent.destroy();
  return summarise(latencies, errors, statuses, performance.now() - started);
}

import type { Context } from '../context.ts';
import { BerthError, EXIT } from '../exit-codes.ts';
import { run } from '../process.ts';
import { TRACKS, type Track } from './tracks.ts';

/**
 * Each track's requests, server errors and time, as the ingress controller
 * counted them: Traefik's Prometheus metrics per service
 * (traefik_service_requests_total{service,code},
 * traefik_service_request_duration_seconds_{sum,count}). The controller sees
 * every request of both tracks the same way, so their figures compare fairly,
 * whatever the app behind them exports.
 */

export interface TrackCounts {
  requests: number;
  /** Answers 500-599. */
  errors: number;
  /** Seconds spent answering, summed. */
  seconds: number;
}

export interface Sample {
  readonly tracks: Record<Track, TrackCounts>;
}

interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

// name{label="value",...} value [timestamp]
const SERIES = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a Prometheus text exposition (comments and blank lines skipped). */
export function parseExposition(text: string): Series[] {
  const series: Series[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SERIES.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL))
      labels[key as string] = (value as string).replace(/\\(.)/g, '$1');
    series.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return series;
}

/** Traefik's name for a Kubernetes Service it routes to through the CRD provider. */
export function traefikServiceName(namespace: string, service: string, port: number): string {
  return `${namespace}-${service}-${port}@kubernetescrd`;
}

/** Each track's counts out of an exposition; `services` maps a track to Traefik's name for it. */
export function trackCounts(text: string, services: Record<Track, string>): Sample {
  const tracks = { blue: { requests: 0, errors: 0, seconds: 0 }, green: { requests: 0, errors: 0, seconds: 0 } };
  for (const series of parseExposition(text)) {
    const track = TRACKS.find((t) => services[t] === series.labels.service);
    if (!track) continue;
    const counts = tracks[track];
    if (series.name === 'traefik_service_requests_total') {
      counts.requests += series.value;
      if (/^5\d\d$/.test(series.labels.code ?? '')) counts.errors += series.value;
    } else if (series.name === 'traefik_service_request_duration_seconds_sum') {
      counts.seconds += series.value;
    }
  }
  return { tracks };
}

/** Reads the controller's metrics through the API server's service proxy (no port-forward, no extra access). */
export async function readTrafficSample(
  ctx: Context,
  metrics: { namespace: string; service: string; port: number },
  services: Record<Track, string>,
): Promise<Sample> {
  const path = `/api/v1/namespaces/${metrics.namespace}/services/${metrics.service}:${metrics.port}/proxy/metrics`;
  const result = await run(ctx.kubectlArgv(['get', '--raw', path]), { allowFailure: true });
  if (result.code !== 0) {
    throw new BerthError(
      `cannot read the ingress controller's metrics at ${metrics.namespace}/${metrics.service}:${metrics.port}: ${result.stderr.trim()}`,
      EXIT.environment,
      "pass --metrics <namespace>/<service>:<port> of Traefik's Prometheus metrics, or --analysis 0 to skip the analysis",
    );
  }
  return trackCounts(result.stdout, services);
}

/** "kube-system/traefik-metrics:9100" → its parts. */
export function parseMetricsService(text: string): { namespace: string; service: string; port: number } {
  const match = /^([a-z0-9-]+)\/([a-z0-9-]+):(\d+)$/.exec(text);
  if (!match)
    throw new BerthError(`--metrics must look like kube-system/traefik-metrics:9100, not "${text}"`, EXIT.usage);
  return { namespace: match[1] as string, service: match[2] as string, port: Number(match[3]) };
}

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExposition, parseMetricsService, trackCounts, traefikServiceName } from './traffic-metrics.ts';

// As Traefik v3 writes them (abridged).
const EXPOSITION = `# HELP traefik_service_requests_total How many HTTP requests processed on a service, partitioned by status code, protocol, and method.
# TYPE traefik_service_requests_total counter
traefik_service_requests_total{code="200",method="GET",protocol="http",service="dlv-names-names-api-blue-5000@kubernetescrd"} 700
traefik_service_requests_total{code="500",method="GET",protocol="http",service="dlv-names-names-api-green-5000@kubernetescrd"} 90
traefik_service_requests_total{code="200",method="GET",protocol="http",service="dlv-names-names-api-green-5000@kubernetescrd"} 210
traefik_service_requests_total{code="503",method="GET",protocol="http",service="other-web-80@kubernetes"} 5
traefik_service_request_duration_seconds_sum{code="200",method="GET",protocol="http",service="dlv-names-names-api-blue-5000@kubernetescrd"} 7.5
traefik_service_request_duration_seconds_count{code="200",method="GET",protocol="http",service="dlv-names-names-api-blue-5000@kubernetescrd"} 700
traefik_service_request_duration_seconds_sum{code="200",method="GET",protocol="http",service="dlv-names-names-api-green-5000@kubernetescrd"} 2.5
traefik_service_request_duration_seconds_sum{code="500",method="GET",protocol="http",service="dlv-names-names-api-green-5000@kubernetescrd"} 0.5
`;

test('the exposition parses into series with their labels; comments are skipped', () => {
  const series = parseExposition(EXPOSITION);
  assert.equal(series.length, 8);
  assert.deepEqual(series[0], {
    name: 'traefik_service_requests_total',
    labels: { code: '200', method: 'GET', protocol: 'http', service: 'dlv-names-names-api-blue-5000@kubernetescrd' },
    value: 700,
  });
  assert.deepEqual(parseExposition('x{a="say \\"hi\\""} 1e3')[0]?.labels, { a: 'say "hi"' });
});

test("each track's requests, 5xx answers and seconds, other services left out", () => {
  const services = {
    blue: traefikServiceName('dlv-names', 'names-api-blue', 5000),
    green: traefikServiceName('dlv-names', 'names-api-green', 5000),
  };
  assert.deepEqual(trackCounts(EXPOSITION, services).tracks, {
    blue: { requests: 700, errors: 0, seconds: 7.5 },
    green: { requests: 300, errors: 90, seconds: 3 },
  });
});

test('--metrics names a Service and its port', () => {
  assert.deepEqual(parseMetricsService('kube-system/traefik-metrics:9100'), {
    namespace: 'kube-system',
    service: 'traefik-metrics',
    port: 9100,
  });
  assert.throws(() => parseMetricsService('traefik:9100'), /must look like/);
});

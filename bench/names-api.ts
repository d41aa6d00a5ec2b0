// Names Manager API benchmark: start-up time, throughput and latency of the
// list and add routes, and memory, on embedded PGlite and on a PostgreSQL 15
// server. Reports figures; asserts nothing.
//
//   node bench/names-api.ts [--duration 10] [--connections 10]
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Backend, backends, type ServiceProcess, spawnService } from '@berth/testkit';
import autocannon from 'autocannon';

const { values } = parseArgs({
  options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '10' } },
});
const duration = Number(values.duration);
const connections = Number(values.connections);
const MAIN = fileURLToPath(new URL('../apps/names/api/src/main.ts', import.meta.url));

async function rssMb(pid: number | undefined): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return (kb / 1024).toFixed(0);
}

async function measure(
  service: ServiceProcess,
  title: string,
  path: string,
  options: Partial<autocannon.Options> = {},
) {
  const result = await autocannon({ ...options, url: `${service.url}${path}`, connections, duration });
  console.log(
    `  ${title.padEnd(22)} ${result.requests.average.toFixed(0).padStart(6)} req/s   p50 ${result.latency.p50} ms   p99 ${result.latency.p99} ms   errors ${result.errors + result.non2xx}`,
  );
}

for (const { name, start } of backends) {
  const backend: Backend = await start();
  try {
    const begun = performance.now();
    const service = await spawnService(MAIN, {
      env: { ...backend.env, LOG_LEVEL: 'warn', SHUTDOWN_DRAIN_MS: '0' },
      readyPath: '/api/health/db',
    });
    console.log(
      `${name}: ready ${(performance.now() - begun).toFixed(0)} ms after spawn (first start, empty database)`,
    );
    // A list of 100 names, the size a person manages by hand.
    for (let i = 0; i < 100; i++) {
      await fetch(`${service.url}/api/names`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Person ${i}` }),
      });
    }
    await measure(service, 'GET /api/names (100)', '/api/names');
    await measure(service, 'POST /api/names', '/api/names', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Benchmark Name' }),
    });
    await measure(service, 'GET /healthz', '/healthz');
    console.log(`  RSS after load: ${await rssMb(service.child.pid)} MB`);
    await service.stop();
    const again = performance.now();
    const restarted = await spawnService(MAIN, {
      env: { ...backend.env, LOG_LEVEL: 'warn', SHUTDOWN_DRAIN_MS: '0' },
      readyPath: '/api/health/db',
    });
    console.log(
      `  restart: ready ${(performance.now() - again).toFixed(0)} ms after spawn; idle RSS ${await rssMb(restarted.child.pid)} MB`,
    );
    await restarted.stop();
  } finally {
    await backend.cleanup();
  }
}

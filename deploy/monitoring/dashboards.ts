// The Grafana dashboards shipped in deploy/monitoring/dashboards, read once for the tests that
// hold them against the services (monitoring.test.ts) and against the cluster's Prometheus
// (test/cluster/monitoring/observability.test.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DASHBOARDS_DIR = fileURLToPath(new URL('./dashboards/', import.meta.url));

export interface Panel {
  title: string;
  type: string;
  datasource?: { uid: string };
  targets?: { expr: string }[];
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown; options?: { value: string }[] }[] };
}

/** Every dashboard, by file name. */
export function readDashboards(): { file: string; dashboard: Dashboard }[] {
  return readdirSync(DASHBOARDS_DIR)
    .filter((file) => file.endsWith('.json'))
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(DASHBOARDS_DIR + file, 'utf8')) as Dashboard }));
}

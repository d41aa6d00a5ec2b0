// What a PromQL query reads, and what a service's /metrics offers: the two sides the
// monitoring tests hold against each other, so that a dashboard panel or an alert that
// names a metric or label nobody exposes fails a test instead of showing "No data".
import { parser } from '@prometheus-io/lezer-promql';

export interface Selector {
  metric: string;
  labels: string[];
}

/** Grafana's variables, replaced by values PromQL parses ($__rate_interval is a duration). */
export function withoutVariables(expr: string): string {
  return expr.replace(/\$__rate_interval|\$__range|\$__interval/g, '5m').replace(/\$\{?(\w+)\}?/g, 'var_$1');
}

/** The vector selectors of a query (metric name and the labels it matches on), or the syntax errors. */
export function selectorsOf(expr: string): { selectors: Selector[]; errors: string[] } {
  const text = withoutVariables(expr);
  const selectors: Selector[] = [];
  const errors: string[] = [];
  const cursor = parser.parse(text).cursor();
  let current: Selector | undefined;
  let selectorEnd = -1;
  do {
    if (cursor.type.isError)
      errors.push(`syntax error at ${cursor.from}: "${text.slice(cursor.from, cursor.from + 20)}"`);
    if (cursor.from >= selectorEnd) current = undefined;
    if (cursor.name === 'VectorSelector') {
      current = { metric: '', labels: [] };
      selectorEnd = cursor.to;
      selectors.push(current);
    } else if (current !== undefined && cursor.name === 'Identifier' && current.metric === '') {
      current.metric = text.slice(cursor.from, cursor.to);
    } else if (current !== undefined && cursor.name === 'LabelName') {
      current.labels.push(text.slice(cursor.from, cursor.to));
    }
  } while (cursor.next());
  return { selectors, errors };
}

/** Sample names in a Prometheus text exposition, each with the label names seen on it. */
export function exposedSeries(exposition: string): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>();
  for (const line of exposition.split('\n')) {
    const declared = /^# TYPE (\S+) (\w+)/.exec(line);
    if (declared?.[1] !== undefined) {
      // A family with no sample yet still names its series.
      const suffixes = declared[2] === 'histogram' ? ['_bucket', '_sum', '_count'] : [''];
      for (const suffix of suffixes) if (!series.has(declared[1] + suffix)) series.set(declared[1] + suffix, new Set());
      continue;
    }
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? /.exec(line);
    if (sample?.[1] === undefined) continue;
    const labels = series.get(sample[1]) ?? new Set<string>();
    for (const [, name] of (sample[2] ?? '').matchAll(/(\w+)="/g)) if (name !== undefined) labels.add(name);
    series.set(sample[1], labels);
  }
  return series;
}

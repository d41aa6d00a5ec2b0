import type { AppDefinition, HttpCheck } from './apps/descriptor.ts';
import type { Output } from './output.ts';
import { run } from './process.ts';

/**
 * berth's smoke checks: the app's declared HTTP checks through its public
 * URL, then the chart's own `helm test` for the in-cluster flow, so the flow
 * is written once (in the chart's templates/tests/) and serves both `helm
 * test` users and berth.
 */

export interface SmokeResult {
  step: string;
  ok: boolean;
  ms: number;
  error?: string;
}

/** One HTTP check: undefined when the answer is right, else what is wrong. */
export function judgeAnswer(check: HttpCheck, status: number, body: string): string | undefined {
  if (status !== check.status) return `HTTP ${status}, expected ${check.status}: ${body.slice(0, 200)}`;
  if (check.contains !== undefined && !body.includes(check.contains))
    return `the answer does not contain "${check.contains}"`;
  return undefined;
}

/**
 * The steps a chart's test pod reports: lines `ok - <step>` and `not ok - <step>: <why>`
 * (TAP's form), in order; other lines are the pod's evidence and are skipped.
 */
export function testSteps(log: string): { step: string; ok: boolean; error?: string }[] {
  const steps: { step: string; ok: boolean; error?: string }[] = [];
  for (const line of log.split('\n')) {
    const match = /^(not ok|ok) - ([^:]+?)(?::\s*(.*))?$/.exec(line.trim());
    if (!match?.[2]) continue;
    steps.push(
      match[1] === 'ok' ? { step: match[2], ok: true } : { step: match[2], ok: false, error: match[3] ?? 'failed' },
    );
  }
  return steps;
}

/**
 * Answers that mean "not this pod, not now" rather than "broken": right after a rollout a pod
 * that is leaving still holds some keep-alive connections and answers 503 while it drains.
 */
const PASSING_TROUBLE = new Set([502, 503, 504]);

/** How long a check keeps asking while it gets one of those answers (a load balancer's health check does the same). */
export const SETTLE_MS = 15_000;

async function httpChecks(app: AppDefinition, base: string, out: Output, settleMs: number): Promise<SmokeResult[]> {
  const results: SmokeResult[] = [];
  for (const check of app.smoke.http) {
    const started = performance.now();
    let error: string | undefined;
    for (;;) {
      let status = 0;
      try {
        const response = await fetch(base + check.path, { signal: AbortSignal.timeout(10_000) });
        status = response.status;
        error = judgeAnswer(check, status, await response.text());
      } catch (e) {
        error = (e as Error).message;
      }
      if (!error || !PASSING_TROUBLE.has(status) || performance.now() - started >= settleMs) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const ms = Math.round(performance.now() - started);
    results.push({ step: check.name, ok: !error, ms, ...(error ? { error } : {}) });
    if (error) {
      out.bad(`${check.name}: ${error} (GET ${base}${check.path})`);
      break;
    }
    out.ok(`${check.name} (${ms} ms)`);
  }
  return results;
}

/** `helm test` of the release; each step the test pod reports becomes a result. */
async function helmTest(helmArgv: (args: string[]) => string[], release: string, namespace: string, out: Output) {
  const started = performance.now();
  const result = await run(helmArgv(['test', release, '-n', namespace, '--logs', '--timeout', '3m']), {
    allowFailure: true,
  });
  const ms = Math.round(performance.now() - started);
  const steps = testSteps(result.stdout);
  const results: SmokeResult[] = steps.map((s) => ({ ...s, ms }));
  if (result.code !== 0 && !steps.some((s) => !s.ok)) {
    const why = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ');
    results.push({ step: 'helm test', ok: false, ms, error: why || `exit ${result.code}` });
  }
  for (const r of results) {
    if (r.ok) out.ok(`${r.step} (helm test)`);
    else out.bad(`${r.step}: ${r.error} (helm test ${release} -n ${namespace} --logs)`);
  }
  return results;
}

/** The HTTP checks, then (when they pass and the chart has one) the chart's helm test. */
export async function runSmoke(
  app: AppDefinition,
  target: {
    base: string;
    release: string;
    namespace: string;
    helmArgv: (args: string[]) => string[];
    settleMs?: number;
  },
  out: Output,
): Promise<SmokeResult[]> {
  const results = await httpChecks(app, target.base, out, target.settleMs ?? SETTLE_MS);
  if (results.some((r) => !r.ok) || !app.smoke.helmTest) return results;
  return [...results, ...(await helmTest(target.helmArgv, target.release, target.namespace, out))];
}

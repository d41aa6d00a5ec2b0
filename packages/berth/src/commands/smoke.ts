import type { AppDefinition } from '../apps.ts';
import type { Context } from '../context.ts';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import type { Output } from '../output.ts';
import { publicUrl } from '../release.ts';

export interface SmokeResult {
  step: string;
  ok: boolean;
  ms: number;
  error?: string;
}

/** Runs an app's smoke steps against a base URL. */
export async function runSmoke(app: AppDefinition, base: string, out: Output): Promise<SmokeResult[]> {
  const state: Record<string, unknown> = {};
  const results: SmokeResult[] = [];
  for (const step of app.smoke) {
    const path = typeof step.path === 'function' ? step.path(state) : step.path;
    const body = step.body?.(state);
    const started = performance.now();
    let error: string | undefined;
    try {
      const response = await fetch(base + path, {
        method: step.method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      error = step.check(response.status, await response.text(), state);
    } catch (e) {
      error = (e as Error).message;
    }
    const ms = Math.round(performance.now() - started);
    results.push({ step: step.name, ok: !error, ms, ...(error ? { error } : {}) });
    if (error) out.bad(`${step.name}: ${error} (${step.method} ${base}${path})`);
    else out.ok(`${step.name} (${ms} ms)`);
    if (error) break;
  }
  return results;
}

export async function smoke(ctx: Context): Promise<ExitCode> {
  const app = ctx.app();
  const target = await publicUrl(ctx, app);
  try {
    ctx.out.step(`smoke checks against ${target.url} (${target.how})`);
    const results = await runSmoke(app, target.url, ctx.out);
    const ok = results.every((r) => r.ok) && results.length === app.smoke.length;
    ctx.out.result({ url: target.url, how: target.how, ok, results });
    if (!ok) {
      ctx.out.error('a smoke check failed', `berth doctor ${app.name}; berth logs api`);
      return EXIT.unhealthy;
    }
    return EXIT.ok;
  } finally {
    target.close();
  }
}

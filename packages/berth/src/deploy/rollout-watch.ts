import type { Context } from '../context.ts';
import { diagnose } from '../doctor/diagnose.ts';
import type { Finding } from '../doctor/findings.ts';
import { readSnapshot } from '../doctor/read-snapshot.ts';
import type { FlavourFacts } from '../flavour.ts';
import { readWorkloads } from '../workloads.ts';

/**
 * While Helm waits: each workload's readiness as it changes, and the problems
 * berth doctor would name, so that a failed upgrade can say why it failed.
 */
export interface RolloutWatch {
  /** Stops watching; resolves once the last round has ended. */
  stop(): Promise<void>;
  /** The problems of the latest round, else every problem seen (start-up noise included). */
  why(): Finding[];
}

export function watchRollout(
  ctx: Context,
  target: { namespace: string; release: string; flavour: FlavourFacts },
): RolloutWatch {
  const { out } = ctx;
  const problems = new Map<string, Finding>();
  let lastProblems = new Set<string>();
  const shown = new Map<string, string>();
  const shownProblems = new Set<string>();
  let watching = true;

  const showProgress = async () => {
    for (const w of await readWorkloads(ctx, target.namespace, target.release)) {
      const text = `${w.kind.toLowerCase()}/${w.name} ${w.ready}/${w.desired} ready${w.updated < w.desired ? `, ${w.updated} updated` : ''}`;
      if (shown.get(w.name) !== text) {
        shown.set(w.name, text);
        out.line(`  ${text}`);
      }
    }
  };
  const showProblems = async () => {
    const snapshot = await readSnapshot(ctx.kube(), target.namespace, target.flavour);
    snapshot.pods = snapshot.pods.filter((p) => p.metadata?.labels?.['app.kubernetes.io/instance'] === target.release);
    const now = new Set<string>();
    for (const finding of diagnose(snapshot).findings) {
      // Services follow their pods; the pods' own findings say more.
      if (finding.severity !== 'error' || finding.kind.startsWith('service-')) continue;
      const key = `${finding.kind}|${finding.workload ?? finding.objects[0]}`;
      now.add(key);
      problems.set(key, finding);
      // Probe failures and a first crash are normal while an app starts: show them once they persist.
      const soft = ['probe-failing', 'crash-loop', 'not-ready'].includes(finding.kind);
      if (!shownProblems.has(key) && (!soft || lastProblems.has(key))) {
        shownProblems.add(key);
        out.warn(`  ${finding.summary}`);
      }
    }
    lastProblems = now;
  };
  const loop = (async () => {
    for (let tick = 0; watching; tick++) {
      try {
        await showProgress();
        if (tick % 3 === 2) await showProblems();
      } catch {
        // progress is best effort; helm decides success
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  })();

  return {
    stop: async () => {
      watching = false;
      await loop;
    },
    why: () => {
      // The latest diagnosis says what was wrong when Helm gave up; earlier start-up noise is left out.
      const current = [...problems.entries()].filter(([key]) => lastProblems.has(key)).map(([, f]) => f);
      return current.length > 0 ? current : [...problems.values()];
    },
  };
}

import { diagnoseControllerEvents } from './controllers.ts';
import type { Diagnosis, Finding, Severity, Snapshot } from './findings.ts';
import { diagnosePod } from './pods.ts';
import { diagnoseService } from './services.ts';
import { diagnosePvc } from './storage.ts';

/**
 * berth doctor's diagnosis engine: pure functions from the objects of one
 * namespace to findings, each with the cause in plain words, the fix, and
 * the raw evidence it was read from. No I/O here: the caller lists the
 * objects (and the last log lines of crashing containers) and passes them in.
 * Each kind of object has its own module; this one runs them and merges.
 */

export function diagnose(snapshot: Snapshot): Diagnosis {
  const findings: Finding[] = [];
  const livePods = snapshot.pods.filter((pod) => !pod.metadata?.deletionTimestamp);
  const pvcFindings = new Map<string, Finding>();
  for (const pvc of snapshot.pvcs) {
    const finding = diagnosePvc(pvc, snapshot);
    if (finding) pvcFindings.set(pvc.metadata?.name ?? '', finding);
  }
  for (const pod of livePods) findings.push(...diagnosePod(pod, snapshot, pvcFindings));
  for (const finding of pvcFindings.values()) findings.push(finding);
  for (const service of snapshot.services) {
    const finding = diagnoseService(service, snapshot, livePods);
    if (finding) findings.push(finding);
  }
  findings.push(...diagnoseControllerEvents(snapshot));
  const merged = mergeSamePodFindings(findings);
  merged.sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
  return {
    namespace: snapshot.namespace,
    healthy: !merged.some((f) => f.severity !== 'info'),
    findings: merged,
    checked: { pods: livePods.length, services: snapshot.services.length, pvcs: snapshot.pvcs.length },
  };
}

function severityRank(severity: Severity): number {
  return severity === 'error' ? 0 : severity === 'warning' ? 1 : 2;
}

/** Pods of one workload with the same problem become one finding listing every pod. */
function mergeSamePodFindings(findings: Finding[]): Finding[] {
  const out: Finding[] = [];
  const byKey = new Map<string, Finding>();
  for (const finding of findings) {
    if (!finding.workload) {
      out.push(finding);
      continue;
    }
    const key = `${finding.kind}|${finding.workload}|${finding.container ?? ''}`;
    const seen = byKey.get(key);
    if (seen) {
      for (const object of finding.objects) if (!seen.objects.includes(object)) seen.objects.push(object);
      continue;
    }
    const copy = { ...finding, objects: [...finding.objects] };
    byKey.set(key, copy);
    out.push(copy);
  }
  return out;
}

import type { Output } from '../output.ts';
import type { Diagnosis, Finding } from './findings.ts';

/** A finding for people: plain words first, then the fix, then the raw evidence. */
export function renderFinding(finding: Finding, out: Output): string[] {
  const mark =
    finding.severity === 'error'
      ? out.paint('red', '✗')
      : finding.severity === 'warning'
        ? out.paint('yellow', '!')
        : out.paint('gray', 'i');
  const lines = [
    `${mark} ${finding.summary}`,
    `  ${out.paint('bold', 'fix:')} ${finding.fix}`,
    `  ${out.paint('gray', `on: ${finding.objects.join(', ')}${finding.workload ? ` (${finding.workload})` : ''}  [${finding.kind}]`)}`,
  ];
  if (finding.evidence.length) {
    lines.push(`  ${out.paint('gray', 'evidence:')}`);
    for (const line of finding.evidence) lines.push(`    ${out.paint('gray', line)}`);
  }
  return lines;
}

export function renderDiagnosis(diagnosis: Diagnosis, out: Output): void {
  const { checked } = diagnosis;
  const what = `${checked.pods} pods, ${checked.services} services, ${checked.pvcs} PVCs`;
  if (diagnosis.healthy) {
    out.ok(`namespace ${diagnosis.namespace} is healthy (${what})`);
  } else {
    const problems = diagnosis.findings.filter((f) => f.severity !== 'info').length;
    out.bad(`namespace ${diagnosis.namespace}: ${problems} problem${problems === 1 ? '' : 's'} (${what})`);
  }
  for (const finding of diagnosis.findings) {
    out.line();
    for (const line of renderFinding(finding, out)) out.line(line);
  }
}

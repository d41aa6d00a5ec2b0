import type { CoreV1Event, V1Container, V1ContainerStatus, V1Probe } from '@kubernetes/client-node';
import { eventLine } from './events.ts';
import type { Finding, FindingTarget } from './findings.ts';

/** Failing readiness, liveness and startup probes: why they fail, from the probe, the ports and the kubelet's message. */

export type ProbeKind = 'readiness' | 'liveness' | 'startup';

export function probeFinding(
  status: V1ContainerStatus,
  spec: V1Container,
  which: ProbeKind,
  failures: CoreV1Event[],
  base: FindingTarget,
): Finding {
  const probe: V1Probe | undefined =
    which === 'readiness' ? spec.readinessProbe : which === 'liveness' ? spec.livenessProbe : spec.startupProbe;
  const latest = failures.at(-1)?.message ?? '';
  const analysis = analyseProbe(probe, spec, latest);
  const consequence =
    which === 'readiness'
      ? 'so the pod never becomes ready and receives no traffic'
      : which === 'liveness'
        ? `so Kubernetes kills and restarts it (${status.restartCount} restarts)`
        : 'so the container is restarted before it counts as started';
  return {
    kind: 'probe-failing',
    severity: 'error',
    ...base,
    summary: `The ${which} probe of container ${status.name} fails: ${analysis.cause}, ${consequence}.`,
    fix: analysis.fix,
    evidence: [
      `${which} probe: ${describeProbe(probe)}`,
      `container ports: ${(spec.ports ?? []).map((p) => `${p.name ? `${p.name}=` : ''}${p.containerPort}`).join(', ') || 'none declared'}`,
      ...failures.slice(-3).map(eventLine),
    ],
  };
}

function describeProbe(probe: V1Probe | undefined): string {
  if (!probe) return 'none';
  if (probe.httpGet) return `HTTP GET ${probe.httpGet.path ?? '/'} on port ${probe.httpGet.port}`;
  if (probe.tcpSocket) return `TCP connect to port ${probe.tcpSocket.port}`;
  if (probe.exec) return `exec ${JSON.stringify(probe.exec.command ?? [])}`;
  if (probe.grpc) return `gRPC on port ${probe.grpc.port}`;
  return 'unknown';
}

/** Why a probe fails, from its spec, the container's ports and the kubelet's message. */
export function analyseProbe(
  probe: V1Probe | undefined,
  container: V1Container,
  message: string,
): { cause: string; fix: string } {
  const ports = container.ports ?? [];
  const probePort = probe?.httpGet?.port ?? probe?.tcpSocket?.port ?? probe?.grpc?.port;
  const declared = ports.map((p) => `${p.containerPort}${p.name ? ` (${p.name})` : ''}`).join(', ');
  if (probePort !== undefined) {
    const asNumber =
      typeof probePort === 'number' ? probePort : /^\d+$/.test(String(probePort)) ? Number(probePort) : undefined;
    if (asNumber === undefined && !ports.some((p) => p.name === probePort)) {
      return {
        cause: `it uses the port name "${probePort}", which container ${container.name} does not declare${declared ? ` (it declares ${declared})` : ''}`,
        fix: `Name the probe's port after a declared container port${ports[0] ? ` (e.g. ${ports[0].name ?? ports[0].containerPort})` : ''}, or declare the port.`,
      };
    }
    if (asNumber !== undefined && ports.length > 0 && !ports.some((p) => p.containerPort === asNumber)) {
      return {
        cause: `it checks port ${asNumber}, but container ${container.name} listens on ${declared}`,
        fix: `Set the probe's port to ${ports[0]?.name ?? ports[0]?.containerPort} (the container's port), or make the app listen on ${asNumber}.`,
      };
    }
  }
  if (probe?.exec) {
    const detail = message.replace(/^\w+ probe failed:\s*/, '').trim();
    return {
      cause: `the command ${JSON.stringify(probe.exec.command ?? [])} exits with an error${detail ? ` (${detail})` : ''}`,
      fix: `Run the same command in the container (kubectl exec <pod> -c ${container.name} -- ...) to see why; while the app is still starting this is expected for a while.`,
    };
  }
  const status = /statuscode: (\d+)/.exec(message);
  const path = probe?.httpGet?.path ?? '/';
  if (status) {
    const code = Number(status[1]);
    if (code === 404) {
      return {
        cause: `GET ${path} answers 404: the app has no such path`,
        fix: `Point the probe at a path the app serves for health (for example /healthz), or add ${path} to the app.`,
      };
    }
    if (code >= 500) {
      return {
        cause: `GET ${path} answers ${code}: the app says it is not healthy (often a dependency such as the database is not reachable)`,
        fix: 'Read the app’s logs for the failing dependency; check that the dependency is up (berth doctor lists its problems too).',
      };
    }
    return {
      cause: `GET ${path} answers ${code}, and a probe needs 200–399`,
      fix: `Point the probe at a path that answers 200 without authentication or redirects.`,
    };
  }
  if (/connection refused/.test(message)) {
    return {
      cause: `nothing accepts connections on port ${probePort ?? '?'} in the container (the app listens on another port, or has not started listening)`,
      fix: 'Make the probe port, the container port and the port the app listens on (its PORT setting) the same.',
    };
  }
  if (/context deadline exceeded|Client\.Timeout|timeout/i.test(message)) {
    return {
      cause: `the check takes longer than its timeout of ${probe?.timeoutSeconds ?? 1}s`,
      fix: 'Find why the endpoint is slow (logs, CPU limit), or raise the probe’s timeoutSeconds.',
    };
  }
  return {
    cause: message ? `the kubelet reports: ${message}` : 'the kubelet reports failures',
    fix: 'Check the probe against the app (path, port, command) with kubectl describe pod.',
  };
}

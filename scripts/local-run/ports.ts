// The ports `npm start` listens on: read from the variables a person sets
// (NAMES_PORT, TODO_API_PORT, ...), checked before anything starts, so a typo
// or a busy port is reported by the variable's name instead of surfacing later
// as a service's `PORT` error or an EADDRINUSE stack trace.
import { createServer } from 'node:net';

export interface PortRequest {
  /** What listens there, for messages: "Names Manager". */
  title: string;
  variable: string;
  defaultPort: number;
}

export type PortCheck = { ok: true; ports: Map<string, number> } | { ok: false; problems: string[] };

/** Parses every port variable; lists each bad value and each port claimed twice. */
export function readPorts(requests: PortRequest[], env: NodeJS.ProcessEnv): PortCheck {
  const problems: string[] = [];
  const ports = new Map<string, number>();
  for (const { variable, defaultPort } of requests) {
    const raw = env[variable];
    if (raw === undefined || raw === '') {
      ports.set(variable, defaultPort);
      continue;
    }
    const port = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || port < 1 || port > 65535) {
      problems.push(`${variable}=${raw} is not a port: use a whole number from 1 to 65535 (default ${defaultPort}).`);
    } else {
      ports.set(variable, port);
    }
  }
  const byPort = new Map<number, string[]>();
  for (const [variable, port] of ports) byPort.set(port, [...(byPort.get(port) ?? []), variable]);
  for (const [port, variables] of byPort) {
    if (variables.length > 1) problems.push(`${variables.join(' and ')} are both ${port}: give each app its own port.`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, ports };
}

/** Resolves with the error code when the port cannot be listened on (EADDRINUSE, EACCES), else undefined. */
export function probePort(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** Each port that cannot be listened on, as a sentence that names the variable to change. */
export async function busyPorts(requests: PortRequest[], ports: Map<string, number>, host: string): Promise<string[]> {
  const problems: string[] = [];
  for (const { title, variable } of requests) {
    const port = ports.get(variable) as number;
    const code = await probePort(host, port);
    if (code === 'EADDRINUSE') {
      problems.push(
        `Port ${port} (${title}) is already in use. Stop what is using it, or choose another port: ${variable}=${nearbyPort(port)} npm start`,
      );
    } else if (code !== undefined) {
      problems.push(`Port ${port} (${title}) cannot be used (${code}). Choose another port with ${variable}.`);
    }
  }
  return problems;
}

function nearbyPort(port: number): number {
  return port < 65535 ? port + 1 : port - 1;
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PostgresServer, startPostgresServer } from './postgres-server.ts';

/**
 * A database a service can be pointed at through its environment. Every
 * integration suite runs once per backend, so "the same query code on both"
 * is checked rather than assumed.
 */
export interface Backend {
  readonly name: 'embedded' | 'postgres';
  /** Variables that select this database (DATA_DIR, or DATABASE_URL). */
  readonly env: Record<string, string>;
  /** The server, for tests that stop and start it; absent for embedded. */
  readonly server?: PostgresServer;
  cleanup(): Promise<void>;
}

export async function embeddedBackend(): Promise<Backend> {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-data-'));
  return {
    name: 'embedded',
    env: { DATA_DIR: dataDir },
    cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

export async function postgresBackend(): Promise<Backend> {
  const server = await startPostgresServer();
  const url = await server.createDatabase('berth_test');
  return { name: 'postgres', env: { DATABASE_URL: url }, server, cleanup: () => server.destroy() };
}

export const backends = [
  { name: 'embedded PGlite', start: embeddedBackend },
  { name: 'PostgreSQL 15 server', start: postgresBackend },
] as const;

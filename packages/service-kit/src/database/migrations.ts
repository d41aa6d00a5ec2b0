import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from './database.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE_NAME = /^(\d+)_([\w-]+)\.sql$/;

/** Reads `NNN_description.sql` files; the number is the version, applied in order. */
export function readMigrations(directory: string): Migration[] {
  const migrations = readdirSync(directory)
    .map((file) => ({ file, match: FILE_NAME.exec(file) }))
    .filter((entry) => entry.match !== null)
    .map(({ file, match }) => ({
      version: Number(match?.[1]),
      name: match?.[2] ?? file,
      sql: readFileSync(join(directory, file), 'utf8'),
    }))
    .sort((a, b) => a.version - b.version);
  const versions = migrations.map((m) => m.version);
  const duplicate = versions.find((v, i) => versions.indexOf(v) !== i);
  if (duplicate !== undefined) throw new Error(`Two migrations in ${directory} have version ${duplicate}`);
  return migrations;
}

/**
 * Applies pending migrations in one transaction that first takes an advisory
 * lock: when two replicas start together, the second waits for the first to
 * commit, then finds nothing left to do. A failing migration rolls back whole.
 * Returns the versions this call applied.
 */
export async function migrate(db: Database, service: string, migrations: readonly Migration[]): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`berth-migrations:${service}`]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set(
      (await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map((row) => row.version),
    );
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    return applied;
  });
}

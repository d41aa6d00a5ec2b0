import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { AppDefinition } from '../apps/descriptor.ts';
import type { Context } from '../context.ts';
import { BerthError, EXIT, type ExitCode } from '../exit-codes.ts';
import { resolveUserPath, timestampForFile } from '../paths.ts';
import { run } from '../process.ts';
import type { BACKUP_OPTIONS, CommandInput, RESTORE_OPTIONS } from '../registry.ts';
import { ClusterDatabaseError, databasePod, runFromFile, runToFile } from '../release.ts';
import { restoreScheduled } from './scheduled-restore.ts';

/**
 * Every command runs inside the database container through `sh -c`, with the
 * SQL passed as an argument ($0), so nothing is quoted by a local shell and
 * the same argv works from Windows.
 */
const COUNT_SQL = `SELECT c.relname, (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY 1`;

/** Parses psql -At output ("table|count" lines) into counts. */
export function parseCounts(text: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const [table, count] = line.trim().split('|');
    if (table && count !== undefined && /^\d+$/.test(count)) counts[table] = Number(count);
  }
  return counts;
}

/** Tables whose row count differs from the backup's. */
export function compareCounts(expected: Record<string, number>, actual: Record<string, number>): string[] {
  return Object.entries(expected)
    .filter(([table, count]) => actual[table] !== count)
    .map(([table, count]) => `${table}: ${actual[table] ?? 'missing'} rows, backup had ${count}`);
}

function execArgv(
  ctx: Context,
  app: AppDefinition,
  pod: string,
  container: string,
  script: string,
  stdin: boolean,
  arg0 = 'berth',
) {
  return ctx.kubectlArgv([
    '-n',
    ctx.namespace(app),
    'exec',
    ...(stdin ? ['-i'] : []),
    pod,
    '-c',
    container,
    '--',
    'sh',
    '-c',
    script,
    arg0,
  ]);
}

async function rowCounts(
  ctx: Context,
  app: AppDefinition,
  pod: string,
  container: string,
): Promise<Record<string, number>> {
  const result = await run(
    execArgv(
      ctx,
      app,
      pod,
      container,
      'exec psql -v ON_ERROR_STOP=1 -At -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "$0"',
      false,
      COUNT_SQL,
    ),
  );
  return parseCounts(result.stdout);
}

export async function backup(ctx: Context, { options }: CommandInput<typeof BACKUP_OPTIONS>): Promise<ExitCode> {
  const app = ctx.app();
  await ctx.cluster();
  const { pod, container } = await databasePod(ctx, app);
  const file = resolveUserPath(options.output ?? `${app.name}-${timestampForFile(new Date())}.dump`, ctx.cwd);
  ctx.out.step(`pg_dump through ${pod} to ${file}`);
  const counts = await rowCounts(ctx, app, pod, container);
  try {
    await runToFile(
      execArgv(ctx, app, pod, container, 'exec pg_dump -Fc -U "$POSTGRES_USER" "$POSTGRES_DB"', false),
      file,
    );
  } catch (error) {
    throw new BerthError(`pg_dump failed: ${(error as Error).message}`, EXIT.failed, `berth doctor ${app.name}`);
  }
  const size = statSync(file).size;
  if (size === 0) throw new BerthError('pg_dump wrote nothing', EXIT.failed, `berth logs ${app.database?.component}`);
  const meta = {
    app: app.name,
    release: ctx.release(app),
    namespace: ctx.namespace(app),
    pod,
    takenAt: new Date().toISOString(),
    counts,
  };
  writeFileSync(`${file}.json`, `${JSON.stringify(meta, null, 2)}\n`);
  ctx.out.ok(
    `backup written: ${file} (${size} bytes); row counts: ${
      Object.entries(counts)
        .map(([t, n]) => `${t} ${n}`)
        .join(', ') || 'no tables'
    }`,
  );
  ctx.out.result({ file, bytes: size, counts, meta: `${file}.json` });
  return EXIT.ok;
}

export async function restore(
  ctx: Context,
  { positionals, options }: CommandInput<typeof RESTORE_OPTIONS>,
): Promise<ExitCode> {
  const app = ctx.app();
  if ((positionals[0] === undefined) === (options.scheduled === undefined)) {
    throw new BerthError(
      'give a backup file or --scheduled, one of the two',
      EXIT.usage,
      `berth restore <file> --app ${app.name}, or berth restore --scheduled latest --app ${app.name}`,
    );
  }
  if (options.scheduled !== undefined) return restoreFromSchedule(ctx, app, options.scheduled);
  const file = resolveUserPath(positionals[0] ?? '', ctx.cwd);
  if (!existsSync(file)) throw new BerthError(`no such backup file: ${file}`, EXIT.usage, 'berth backup writes one');
  const expected = existsSync(`${file}.json`)
    ? (JSON.parse(readFileSync(`${file}.json`, 'utf8')) as { counts: Record<string, number> }).counts
    : undefined;
  await ctx.cluster();
  const { pod, container } = await databasePod(ctx, app);
  ctx.out.step(`pg_restore ${file} through ${pod}`);
  try {
    await runFromFile(
      execArgv(
        ctx,
        app,
        pod,
        container,
        'exec pg_restore --clean --if-exists --no-owner --exit-on-error -U "$POSTGRES_USER" -d "$POSTGRES_DB"',
        true,
      ),
      file,
    );
  } catch (error) {
    throw new BerthError(
      `pg_restore failed: ${(error as Error).message}`,
      EXIT.failed,
      'is the file a berth backup (pg_dump -Fc)?',
    );
  }
  const actual = await rowCounts(ctx, app, pod, container);
  const summary = Object.entries(actual)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  if (!expected) {
    ctx.out.warn(`restored; no ${file}.json to verify against. Row counts now: ${summary}`);
    ctx.out.result({ file, verified: false, counts: actual });
    return EXIT.ok;
  }
  const mismatches = compareCounts(expected, actual);
  ctx.out.result({ file, verified: mismatches.length === 0, expected, counts: actual, mismatches });
  if (mismatches.length > 0) {
    throw new BerthError(
      `restore verification failed: ${mismatches.join('; ')}`,
      EXIT.failed,
      `berth logs ${app.database?.component}`,
    );
  }
  ctx.out.ok(`restored and verified: every table has its backup's row count (${summary})`);
  return EXIT.ok;
}

async function restoreFromSchedule(ctx: Context, app: AppDefinition, backup: string): Promise<ExitCode> {
  await ctx.cluster();
  const started = performance.now();
  const { restored } = await restoreScheduled(ctx, app, backup);
  const ms = Math.round(performance.now() - started);
  // The row counts are read through the single database pod; an HA Cluster's instances are
  // not that pod (databasePod refuses them), so the restore is reported without them there.
  const counts = await databasePod(ctx, app).then(
    ({ pod, container }) => rowCounts(ctx, app, pod, container),
    (error: unknown) => {
      if (error instanceof ClusterDatabaseError) return undefined;
      throw error;
    },
  );
  ctx.out.ok(
    `restored ${restored} in ${(ms / 1000).toFixed(1)} s; row counts now: ${
      counts === undefined
        ? 'not read (HA Cluster)'
        : Object.entries(counts)
            .map(([t, n]) => `${t} ${n}`)
            .join(', ') || 'no tables'
    }`,
  );
  ctx.out.result({ restored, ms, ...(counts === undefined ? {} : { counts }) });
  return EXIT.ok;
}

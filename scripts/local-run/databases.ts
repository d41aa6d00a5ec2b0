// The databases of `npm start`: one local PostgreSQL server in DATA_DIR/postgres
// with a database for each app, or a server a person names per app
// (NAMES_DATABASE_URL, TODO_DATABASE_URL). Where the local server cannot run,
// each app opens embedded PGlite in DATA_DIR/<service>, as it does on its own.
import {
  type LocalServer,
  lockServerDir,
  type PlannedLocalServer,
  planLocalServer,
  serverDir,
} from '@berth/service-kit/local-server';

export interface AppDatabase {
  /** The app's name in messages: "Todo API". */
  title: string;
  /** Its database on the local server, and its folder name under DATA_DIR for PGlite. */
  name: string;
  /** The variable that points it at a PostgreSQL server instead. */
  urlVariable: string;
}

export interface LocalDatabases {
  /** The variables that give the app its database (none: embedded PGlite); known before the server runs. */
  envFor(name: string): Record<string, string>;
  /**
   * Starts the local server (once; later calls return the same promise) and
   * resolves once it answers with every app's database (at once without
   * one); rejects with the reason it could not start. Call it after
   * launching the apps: filling a fresh folder holds this process for a
   * moment, which the apps spend loading their code.
   */
  start(): Promise<void>;
  /** What a fresh folder's start leaves until the apps are up (LocalServer.finishFreshStart): call it then. */
  finishFreshStart(): Promise<void>;
  /** Stops the local server, if one was started; safe to call more than once. */
  stop(): Promise<void>;
}

export type LocalDatabaseChoice = 'postgres' | 'pglite';

const SHARED_VARIABLES = ['DATABASE_URL', 'DB_URL', 'DB_HOST'] as const;

/** Checks the variables that choose the databases; every problem in one message, or undefined. */
export function checkDatabaseChoice(
  apps: AppDatabase[],
  env: NodeJS.ProcessEnv,
): { problems: string[]; choice: LocalDatabaseChoice } {
  const problems: string[] = [];
  const shared = SHARED_VARIABLES.filter((name) => env[name]);
  if (shared.length > 0) {
    problems.push(
      `${shared.join(' and ')} ${shared.length > 1 ? 'are' : 'is'} set, but npm start runs ${apps.length} apps that each need a database of their own. ` +
        `To use a PostgreSQL server, name each app's database: ${apps.map((app) => `${app.urlVariable}=postgresql://…`).join(' ')} npm start`,
    );
  }
  for (const app of apps) {
    const url = env[app.urlVariable];
    if (url && !/^postgres(ql)?:\/\//.test(url)) {
      problems.push(`${app.urlVariable} must be a postgres:// or postgresql:// URL (the ${app.title}'s database).`);
    }
  }
  const raw = env.BERTH_LOCAL_DATABASE || 'postgres';
  if (raw !== 'postgres' && raw !== 'pglite') {
    problems.push(`BERTH_LOCAL_DATABASE=${raw} is not a choice: use postgres (the default) or pglite.`);
  }
  return { problems, choice: raw === 'pglite' ? 'pglite' : 'postgres' };
}

/**
 * Checks the variables and takes the data folder's lock, at once (an Error
 * naming each bad variable, or a StartupError naming the npm start that holds
 * the folder); `plan` then settles each app's database URL in milliseconds and
 * starts the local server in the background (`ready`), which takes about a
 * second on a fresh folder: the apps start meanwhile and wait for it.
 */
export function claimLocalDatabases(options: {
  dataDir: string;
  apps: AppDatabase[];
  env: NodeJS.ProcessEnv;
  say: (line: string) => void;
}): { plan(): Promise<LocalDatabases> } {
  const { apps, env, say, dataDir } = options;
  const { problems, choice } = checkDatabaseChoice(apps, env);
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const local = apps.filter((app) => !env[app.urlVariable]);
  const releaseLock = local.length > 0 && choice === 'postgres' ? lockServerDir(dataDir) : undefined;

  return {
    async plan() {
      const urls = new Map<string, string>();
      for (const app of apps) {
        const url = env[app.urlVariable];
        if (url) {
          urls.set(app.name, url);
          say(`  ${app.title}: PostgreSQL server from ${app.urlVariable}`);
        }
      }
      let planned: PlannedLocalServer | undefined;
      if (releaseLock) {
        const result = await planLocalServer({
          dataDir,
          releaseLock,
          onStep: (step) => say(`  Database: ${step} in ${serverDir(dataDir)}`),
        });
        if (result.ok) {
          planned = result.planned;
          for (const app of local) urls.set(app.name, planned.databaseUrl(app.name));
        } else {
          say(`  Database: PostgreSQL cannot run here: ${result.reason}`);
          say(`  Each app uses embedded PGlite in ${dataDir}/<app> instead.`);
        }
      } else if (local.length > 0) {
        say(`  Database: embedded PGlite in each app, in ${dataDir}/<app>`);
      }

      let server: LocalServer | undefined;
      let ready: Promise<void> | undefined;
      const start = () => {
        ready ??= planned
          ? planned.start(local.map((app) => app.name)).then((result) => {
              if (!result.ok) throw new Error(result.reason);
              server = result.server;
            })
          : Promise.resolve();
        return ready;
      };
      let stopped: Promise<void> | undefined;
      return {
        envFor: (name): Record<string, string> => {
          const url = urls.get(name);
          return url ? { DATABASE_URL: url } : {};
        },
        start,
        finishFreshStart: () =>
          (ready ?? Promise.resolve()).then(
            () => server?.finishFreshStart(),
            () => undefined,
          ),
        stop: () => {
          // A server still starting is stopped once it has started; one never started holds
          // only the folder's lock.
          stopped ??= ready
            ? ready.then(
                () => server?.stop(),
                () => undefined,
              )
            : Promise.resolve(planned?.release());
          return stopped;
        },
      };
    },
  };
}

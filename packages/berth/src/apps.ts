import { BerthError, EXIT } from './exit-codes.ts';

/**
 * The apps berth knows how to deploy: where their chart and Dockerfiles are,
 * which values carry the image, and how to check them once running.
 */
export interface ImageDefinition {
  component: string;
  /** From the project root, with forward slashes. */
  dockerfile: string;
  /** Image name without registry or tag. */
  name: string;
  /** Helm value prefix of the image: <prefix>.repository, <prefix>.tag. */
  values: string;
}

export interface SmokeStep {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: string | ((state: Record<string, unknown>) => string);
  body?: (state: Record<string, unknown>) => unknown;
  /** Returns an error message, or undefined when the answer is right; may save into state. */
  check: (status: number, body: string, state: Record<string, unknown>) => string | undefined;
}

export interface AppDefinition {
  name: string;
  chart: string;
  values: Record<'dev' | 'prod', string>;
  images: ImageDefinition[];
  components: string[];
  /** The component users reach (its Service is the public URL). */
  entry: string;
  /** Helm value of the entry Service's NodePort. */
  nodePortValue: string;
  database?: { component: string; container: string };
  smoke: SmokeStep[];
  /** What `berth load` requests by default. */
  loadPath: string;
}

const json = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};

export const NAMES: AppDefinition = {
  name: 'names',
  chart: 'deploy/charts/names',
  values: { dev: 'deploy/charts/names/values-dev.yaml', prod: 'deploy/charts/names/values-prod.yaml' },
  images: [
    { component: 'api', dockerfile: 'apps/names/api/Dockerfile', name: 'names-api', values: 'api.image' },
    { component: 'web', dockerfile: 'apps/names/web/Dockerfile', name: 'names-web', values: 'web.image' },
  ],
  components: ['web', 'api', 'db'],
  entry: 'web',
  nodePortValue: 'web.service.nodePort',
  database: { component: 'db', container: 'postgres' },
  loadPath: '/api/names',
  smoke: [
    {
      name: 'UI page',
      method: 'GET',
      path: '/',
      check: (status, body) =>
        status !== 200
          ? `HTTP ${status}`
          : /Names Manager/.test(body)
            ? undefined
            : 'the page is not the Names Manager UI',
    },
    {
      name: 'API readiness (database connected)',
      method: 'GET',
      path: '/api/health/db',
      check: (status, body) => (status === 200 ? undefined : `HTTP ${status}: ${body.slice(0, 200)}`),
    },
    {
      name: 'create a name',
      method: 'POST',
      path: '/api/names',
      body: (state) => {
        state.name = `berth-smoke-${Date.now()}`;
        return { name: state.name };
      },
      check: (status, body, state) => {
        const row = json(body) as { id?: number; name?: string } | undefined;
        if (status !== 201 || !row?.id) return `HTTP ${status}: ${body.slice(0, 200)}`;
        state.id = row.id;
        return row.name === state.name ? undefined : `created "${row.name}", expected "${String(state.name)}"`;
      },
    },
    {
      name: 'list shows it',
      method: 'GET',
      path: '/api/names',
      check: (status, body, state) => {
        const list = json(body) as { names?: { id: number }[] } | undefined;
        if (status !== 200 || !list?.names) return `HTTP ${status}: ${body.slice(0, 200)}`;
        return list.names.some((n) => n.id === state.id) ? undefined : `name ${String(state.id)} is not listed`;
      },
    },
    {
      name: 'delete it',
      method: 'DELETE',
      path: (state) => `/api/names/${String(state.id)}`,
      check: (status, body, state) =>
        status === 200 && (json(body) as { deleted?: number } | undefined)?.deleted === state.id
          ? undefined
          : `HTTP ${status}: ${body.slice(0, 200)}`,
    },
  ],
};

export const APPS: AppDefinition[] = [NAMES];

export function findApp(name: string | undefined): AppDefinition {
  if (name === undefined) {
    if (APPS.length === 1 && APPS[0]) return APPS[0];
    throw new BerthError(
      'which app? several are defined',
      EXIT.usage,
      `pass --app ${APPS.map((a) => a.name).join('|')}`,
    );
  }
  const app = APPS.find((a) => a.name === name);
  if (!app) {
    throw new BerthError(
      `unknown app "${name}"`,
      EXIT.usage,
      `apps berth knows: ${APPS.map((a) => a.name).join(', ')}`,
    );
  }
  return app;
}

import { BerthError, EXIT } from '../exit-codes.ts';

/**
 * An app as berth knows it, read from the `berth.app.json` beside its chart.
 * The descriptor is data, not code: discovering apps never runs anything from
 * the project, and tests (and other tools) read it as plain JSON.
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

/** A request to the app's public URL and what a healthy answer looks like. */
export interface HttpCheck {
  name: string;
  path: string;
  status: number;
  /** Text the body must contain. */
  contains?: string;
}

export interface AppDefinition {
  name: string;
  /** The chart folder, from the project root with forward slashes. */
  chart: string;
  /** Environment name → its values file (values-<env>.yaml in the chart folder). */
  environments: Record<string, string>;
  images: ImageDefinition[];
  components: string[];
  /** The component users reach (its Service is the public URL). */
  entry: string;
  /** The database pod; `backupValues` is the chart's values key of its scheduled backups. */
  database?: { component: string; container: string; backupValues: string };
  smoke: {
    /** Checked through the public URL, in order; the first failure stops the run. */
    http: HttpCheck[];
    /** Run the chart's `helm test` (the in-cluster flow, written once in templates/tests/). */
    helmTest: boolean;
  };
  /** What `berth load` requests by default. */
  loadPath: string;
  /**
   * Progressive delivery (berth deploy --strategy, promote, abort): the
   * component that runs as two tracks, and the path prefix the ingress splits
   * between them; the smoke checks under that prefix test a new track.
   */
  delivery?: { component: string; pathPrefix: string };
}

/** The file berth looks for in every chart folder. */
export const DESCRIPTOR_FILE = 'berth.app.json';

type Json = Record<string, unknown>;

/**
 * Checks a parsed descriptor and returns the app; `chart` and `environments`
 * come from where it was found. Every problem is listed in one error.
 */
export function readDescriptor(
  data: unknown,
  where: { file: string; chart: string; environments: Record<string, string> },
): AppDefinition {
  const problems: string[] = [];
  const object = (value: unknown, at: string): Json => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
    problems.push(`${at} must be an object`);
    return {};
  };
  const text = (value: unknown, at: string): string => {
    if (typeof value === 'string' && value !== '') return value;
    problems.push(`${at} must be a non-empty string`);
    return '';
  };
  const list = (value: unknown, at: string): unknown[] => {
    if (Array.isArray(value)) return value;
    problems.push(`${at} must be an array`);
    return [];
  };
  const top = object(data, 'the descriptor');
  const name = text(top.name, 'name');
  const components = list(top.components, 'components').map((c, i) => text(c, `components[${i}]`));
  const component = (value: unknown, at: string): string => {
    const given = text(value, at);
    if (given && !components.includes(given)) problems.push(`${at} "${given}" is not one of components`);
    return given;
  };
  const images = list(top.images, 'images').map((value, i) => {
    const image = object(value, `images[${i}]`);
    return {
      component: component(image.component, `images[${i}].component`),
      dockerfile: text(image.dockerfile, `images[${i}].dockerfile`),
      name: text(image.name, `images[${i}].name`),
      values: text(image.values, `images[${i}].values`),
    };
  });
  const smoke = object(top.smoke, 'smoke');
  const http = list(smoke.http, 'smoke.http').map((value, i) => {
    const check = object(value, `smoke.http[${i}]`);
    const status = check.status;
    if (typeof status !== 'number' || !Number.isInteger(status))
      problems.push(`smoke.http[${i}].status must be a number`);
    return {
      name: text(check.name, `smoke.http[${i}].name`),
      path: text(check.path, `smoke.http[${i}].path`),
      status: Number(status),
      ...(check.contains === undefined ? {} : { contains: text(check.contains, `smoke.http[${i}].contains`) }),
    };
  });
  if (typeof smoke.helmTest !== 'boolean') problems.push('smoke.helmTest must be true or false');
  const database =
    top.database === undefined
      ? undefined
      : (() => {
          const db = object(top.database, 'database');
          return {
            component: component(db.component, 'database.component'),
            container: text(db.container, 'database.container'),
            backupValues: text(db.backupValues, 'database.backupValues'),
          };
        })();
  const delivery =
    top.delivery === undefined
      ? undefined
      : (() => {
          const given = object(top.delivery, 'delivery');
          const pathPrefix = text(given.pathPrefix, 'delivery.pathPrefix');
          if (pathPrefix && !http.some((check) => check.path.startsWith(pathPrefix)))
            problems.push('delivery.pathPrefix: no smoke.http check is under it, so a new track could not be tested');
          return { component: component(given.component, 'delivery.component'), pathPrefix };
        })();
  const app: AppDefinition = {
    name,
    chart: where.chart,
    environments: where.environments,
    images,
    components,
    entry: component(top.entry, 'entry'),
    ...(database ? { database } : {}),
    smoke: { http, helmTest: smoke.helmTest === true },
    loadPath: text(top.loadPath, 'loadPath'),
    ...(delivery ? { delivery } : {}),
  };
  if (Object.keys(where.environments).length === 0) problems.push('the chart folder has no values-<env>.yaml file');
  if (problems.length > 0) {
    throw new BerthError(
      `${where.file} is not a valid app descriptor: ${problems.join('; ')}`,
      EXIT.usage,
      'fix the descriptor (packages/berth/README.md describes its fields)',
    );
  }
  return app;
}

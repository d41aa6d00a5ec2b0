import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError, EXIT } from '../exit-codes.ts';
import { type AppDefinition, DESCRIPTOR_FILE, readDescriptor } from './descriptor.ts';

/** The charts folder of a project: every chart in it with a descriptor is an app. */
export const CHARTS_FOLDER = 'deploy/charts';

/** Every app of the project: the descriptors found in deploy/charts/<chart>/, by chart folder name. */
export function discoverApps(root: string): AppDefinition[] {
  const charts = join(root, ...CHARTS_FOLDER.split('/'));
  if (!existsSync(charts)) return [];
  return readdirSync(charts, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(charts, entry.name, DESCRIPTOR_FILE)))
    .map((entry) => entry.name)
    .sort()
    .map((chart) => loadApp(root, chart));
}

/** The app whose descriptor is in deploy/charts/<chart>/. */
export function loadApp(root: string, chart: string): AppDefinition {
  const folder = join(root, ...CHARTS_FOLDER.split('/'), chart);
  const file = join(folder, DESCRIPTOR_FILE);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new BerthError(`cannot read ${file}: ${(error as Error).message}`, EXIT.usage, 'fix the descriptor');
  }
  const environments: Record<string, string> = {};
  for (const entry of readdirSync(folder).sort()) {
    const env = /^values-(.+)\.yaml$/.exec(entry)?.[1];
    if (env) environments[env] = `${CHARTS_FOLDER}/${chart}/${entry}`;
  }
  return readDescriptor(data, { file, chart: `${CHARTS_FOLDER}/${chart}`, environments });
}

/** The app a command is about: named, or the only one of the project. */
export function findApp(apps: AppDefinition[], name: string | undefined): AppDefinition {
  const names = apps.map((a) => a.name).join(', ');
  if (apps.length === 0) {
    throw new BerthError(
      `no app descriptor (${DESCRIPTOR_FILE}) in ${CHARTS_FOLDER}/*/`,
      EXIT.usage,
      `add ${CHARTS_FOLDER}/<chart>/${DESCRIPTOR_FILE}, or run berth in a project that has one (--root <dir>)`,
    );
  }
  if (name === undefined) {
    if (apps.length === 1 && apps[0]) return apps[0];
    throw new BerthError(
      'which app? several are defined',
      EXIT.usage,
      `pass --app ${apps.map((a) => a.name).join('|')}`,
    );
  }
  const app = apps.find((a) => a.name === name);
  if (!app) throw new BerthError(`unknown app "${name}"`, EXIT.usage, `apps berth knows: ${names}`);
  return app;
}

/** The values file of an environment, or a usage error listing the environments the app has. */
export function environmentValues(app: AppDefinition, env: string): string {
  const file = app.environments[env];
  if (file !== undefined) return file;
  throw new BerthError(
    `app ${app.name} has no environment "${env}" (no ${app.chart}/values-${env}.yaml)`,
    EXIT.usage,
    `environments: ${Object.keys(app.environments).join(', ')}`,
  );
}

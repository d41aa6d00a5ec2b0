import { existsSync } from 'node:fs';
import nodePath from 'node:path';

/**
 * Path handling that behaves the same on Linux, macOS and Windows. Every
 * function takes the path flavour (node:path's posix or win32) so the Windows
 * behaviour is unit-tested on any machine.
 */
export type PathApi = typeof nodePath.posix;

export interface Platform {
  path: PathApi;
  /** process.platform */
  os: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  exists: (file: string) => boolean;
}

export const HOST: Platform = {
  path: nodePath,
  os: process.platform,
  env: process.env,
  exists: existsSync,
};

/** The nearest folder at or above `start` that holds deploy/charts (the project root). */
export function findProjectRoot(start: string, platform: Platform = HOST): string | undefined {
  const { path } = platform;
  let dir = path.resolve(start);
  for (;;) {
    if (platform.exists(path.join(dir, 'deploy', 'charts'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** A path given by the user (relative to cwd, absolute, or ~/...), made absolute. */
export function resolveUserPath(given: string, cwd: string, platform: Platform = HOST): string {
  const { path, env } = platform;
  if (given === '~' || given.startsWith('~/') || given.startsWith('~\\')) {
    const home = env.HOME ?? env.USERPROFILE ?? cwd;
    return path.join(home, given.slice(1));
  }
  return path.resolve(cwd, given);
}

/** A project file named with forward slashes (as in an app definition), on this platform. */
export function projectFile(root: string, relative: string, platform: Platform = HOST): string {
  return platform.path.join(root, ...relative.split('/'));
}

/** A file name for a timestamp that is valid on every file system (no ":"). */
export function timestampForFile(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(':', '-');
}

/** The kubeconfig files in effect: --kubeconfig, else $KUBECONFIG (";"-separated on Windows), else ~/.kube/config. */
export function kubeconfigFiles(given: string | undefined, platform: Platform = HOST): string[] {
  const { path, env, os } = platform;
  if (given) return [given];
  if (env.KUBECONFIG) return env.KUBECONFIG.split(os === 'win32' ? ';' : ':').filter(Boolean);
  const home = os === 'win32' ? (env.USERPROFILE ?? env.HOME) : (env.HOME ?? env.USERPROFILE);
  return home ? [path.join(home, '.kube', 'config')] : [];
}

/**
 * Where a program would be found on PATH, honouring PATHEXT on Windows
 * (kubectl → kubectl.exe). An absolute or relative path is checked as given.
 */
export function findExecutable(name: string, platform: Platform = HOST): string | undefined {
  const { path, env, os } = platform;
  const extensions = os === 'win32' ? ['', ...(env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean)] : [''];
  const hasDir = name.includes('/') || (os === 'win32' && name.includes('\\'));
  if (hasDir) {
    for (const ext of extensions) if (platform.exists(name + ext)) return name + ext;
    return undefined;
  }
  const pathVar = env.PATH ?? env.Path ?? '';
  for (const dir of pathVar.split(os === 'win32' ? ';' : ':').filter(Boolean)) {
    for (const ext of extensions) {
      const candidate = path.join(dir, name + ext);
      if (platform.exists(candidate)) return candidate;
    }
  }
  return undefined;
}

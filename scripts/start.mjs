// `npm start` on any Node: scripts/start.ts once this process is Node 24
// (scripts/node24.mjs fetches it when the machine's Node is older).
import { onNode24 } from './node24.mjs';

onNode24('npm start', 1).then(async () => {
  // Compiled code kept across runs (the apps it starts use the same folder).
  const { enableCompileCache } = await import('node:module');
  const { fileURLToPath } = await import('node:url');
  const cache = new URL('../node_modules/.cache/berth-compile', import.meta.url);
  enableCompileCache?.(process.env.NODE_COMPILE_CACHE ?? fileURLToPath(cache));
  return import('./start.ts');
});

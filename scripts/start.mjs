// `npm start` on any Node: scripts/start.ts once this process is Node 24
// (scripts/node24.mjs fetches it when the machine's Node is older).
import { onNode24 } from './node24.mjs';

onNode24('npm start', 1).then(() => import('./start.ts'));

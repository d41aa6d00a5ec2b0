#!/usr/bin/env node
// The `berth` command on any Node: src/main.ts once this process is Node 24
// (the repository's scripts/node24.mjs fetches it when the machine's Node is
// older, as `npm start` does). Exit code 3 when Node 24 cannot be had: a
// prerequisite is missing, as berth's exit code table says.
import { onNode24 } from '../../../scripts/node24.mjs';

onNode24('berth', 3)
  .then(() => import('../src/main.ts'))
  .then((berth) => berth.runAsProgram(process.argv.slice(2)));

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ToolBox, ToolOutcome } from '@berth/assistant-kit';
import { confirmingToolBox } from './confirm.ts';
import { confirmationNeeded } from './mcp-server.ts';

/** A tool box that answers like berth's server: a write tool without confirm returns its plan. */
function recording() {
  const calls: [string, Record<string, unknown>][] = [];
  const box: ToolBox = {
    tools: [],
    async call(name, args): Promise<ToolOutcome> {
      calls.push([name, args]);
      if (name === 'scale' && args.confirm !== true) {
        const result = confirmationNeeded('scale', 'scale deployment/names-api from 2 to 3 replicas');
        return { isError: true, text: result.content[0]?.text ?? '', structured: result.structuredContent };
      }
      if (name === 'scale' && args.namespace === 'kube-system') {
        return { isError: true, text: 'Refused: namespace', structured: { refused: true } };
      }
      return { isError: false, text: `ran ${name}`, structured: { done: true } };
    },
  };
  return { box, calls };
}

test('a change is planned without confirm first, shown to the person, and sent with confirm: true only after a yes', async () => {
  const { box, calls } = recording();
  const asked: string[] = [];
  const confirming = confirmingToolBox(box, async (plan) => {
    asked.push(plan);
    return true;
  });
  // The caller's own confirm: true is not taken as the person's agreement.
  const outcome = await confirming.call('scale', { component: 'api', replicas: 3, confirm: true });
  assert.equal(outcome.isError, false);
  assert.deepEqual(asked, ['scale deployment/names-api from 2 to 3 replicas']);
  assert.deepEqual(calls, [
    ['scale', { component: 'api', replicas: 3 }],
    ['scale', { component: 'api', replicas: 3, confirm: true }],
  ]);
});

test('a no changes nothing and says so; read tools are never asked about', async () => {
  const { box, calls } = recording();
  const confirming = confirmingToolBox(box, async () => false);
  const outcome = await confirming.call('scale', { component: 'api', replicas: 3 });
  assert.equal(outcome.isError, true);
  assert.match(
    outcome.text,
    /^Not done: the person did not confirm \(scale deployment\/names-api from 2 to 3 replicas\)/,
  );
  assert.deepEqual(calls, [['scale', { component: 'api', replicas: 3 }]]);
  const read = await confirming.call('status', {});
  assert.equal(read.text, 'ran status');
});

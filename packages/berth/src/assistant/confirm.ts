import type { ToolBox, ToolOutcome } from '@berth/assistant-kit';
import { isWriteTool } from './mcp-server.ts';

/**
 * The rule of berth ask: nothing changes until the person agreed. A call to a
 * tool that changes the cluster goes first without `confirm` (whatever the
 * caller, interpreter or model, passed), so the tool answers with its plan
 * worked out from the cluster; the person sees the plan and is asked; only a
 * yes sends the call again with `confirm: true`. A no comes back as a tool
 * error that says nothing was changed.
 */
export function confirmingToolBox(inner: ToolBox, agree: (plan: string, tool: string) => Promise<boolean>): ToolBox {
  return {
    tools: inner.tools,
    async call(name, args): Promise<ToolOutcome> {
      if (!isWriteTool(name)) return inner.call(name, args);
      const { confirm: _ignored, ...rest } = args;
      const planned = await inner.call(name, rest);
      const plan = (planned.structured as { plan?: unknown } | undefined)?.plan;
      // Refused (out of scope, no such component) or already an answer: nothing to confirm.
      if (typeof plan !== 'string') return planned;
      if (!(await agree(plan, name))) {
        return {
          isError: true,
          text: `Not done: the person did not confirm (${plan}). Nothing was changed.`,
          structured: { done: false, declined: true, plan },
        };
      }
      return inner.call(name, { ...rest, confirm: true });
    },
  };
}

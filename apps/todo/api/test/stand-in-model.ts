// The Todo assistant's script for the stand-in OpenAI-compatible provider
// (@berth/testkit/stand-in-model): what the model does, scripted by the
// person's last message.
import {
  API_KEY,
  type Script,
  type SeenRequest,
  type StandInModel,
  startStandInModel as startServer,
  turnSoFar,
} from '@berth/testkit/stand-in-model';

export { API_KEY, type SeenRequest, type StandInModel };

/** What the model does next, given the conversation so far. */
function script(request: SeenRequest['body']): Script {
  const { lastUser, toolResults, lastResult } = turnSoFar(request);
  switch (lastUser) {
    case 'complete the bread task': {
      // Plans in two steps, reading the first tool's result to find the id.
      if (toolResults.length === 0) return { toolCalls: [{ name: 'list_tasks', arguments: '{"q":"bread"}' }] };
      if (toolResults.length === 1) {
        const { tasks } = JSON.parse(lastResult) as { tasks: { id: number }[] };
        return { toolCalls: [{ name: 'complete_task', arguments: JSON.stringify({ id: tasks[0]?.id }) }] };
      }
      const task = JSON.parse(lastResult) as { id: number; title: string; completed: boolean };
      return { text: `Done: #${task.id} "${task.title}" is completed.` };
    }
    case 'add streamed bread, high priority':
      if (toolResults.length === 0) {
        return { toolCalls: [{ name: 'add_task', arguments: '{"title": "Streamed bread", "priority": "high"}' }] };
      }
      return { text: `Added #${(JSON.parse(lastResult) as { id: number }).id} "Streamed bread" with high priority.` };
    case 'break the provider':
      return { status: 500, error: 'The server had an error while processing your request.' };
    case 'use a wrong key':
      return { status: 401, error: 'Incorrect API key provided.' };
    case 'take your time':
      return { stallMs: 10_000 };
    case 'loop forever':
      return { toolCalls: [{ name: 'list_tasks', arguments: '{}' }] };
    case 'send broken arguments':
      if (toolResults.length === 0) return { toolCalls: [{ name: 'add_task', arguments: '{"title": ' }] };
      return { text: `The tool said: ${lastResult}` };
    case 'call a tool that does not exist':
      if (toolResults.length === 0) return { toolCalls: [{ name: 'launch_rockets', arguments: '{}' }] };
      return { text: `The tool said: ${lastResult}` };
    case 'add a task without a title':
      if (toolResults.length === 0) return { toolCalls: [{ name: 'add_task', arguments: '{"priority":"high"}' }] };
      return { text: `The tool said: ${lastResult}` };
    default:
      return { text: `You said: ${lastUser}` };
  }
}

export function startStandInModel(): Promise<StandInModel> {
  return startServer(script);
}

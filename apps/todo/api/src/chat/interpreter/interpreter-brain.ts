import type { Brain, HistoryMessage, TurnInput } from '../turn.ts';
import { type Intent, type ListFilter, parseIntent, type TaskRef } from './intent.ts';

/**
 * The offline brain: reads the message with `parseIntent`, does what it asks
 * through the MCP tools, and answers in plain words. It needs no model and
 * no key, and it never guesses: an unclear request gets a question or a hint.
 */

interface Task {
  id: number;
  title: string;
  completed: boolean;
  priority: 'low' | 'medium' | 'high';
  due_at: string | null;
  tags: string[];
}

export const HELP = [
  'I can manage your tasks. Try:',
  '• "add buy milk tomorrow, high priority #home"',
  '• "show my tasks", "show completed tasks", "tasks tagged work", "tasks due today"',
  '• "what\'s overdue?" or "what\'s due?"',
  '• "complete 3" or "mark buy milk as done"; "reopen 3"',
  '• "rename 3 to buy oat milk", "make 3 high priority", "move 3 to next friday"',
  '• "delete 3" or "delete buy milk"',
  'Tasks are named by their number (#3) or by words from their title.',
].join('\n');

const NOT_UNDERSTOOD =
  'Sorry, I did not understand that. I can add, list, complete, reopen, rename, reschedule and delete tasks: try "add call the dentist tomorrow", or type "help".';

function formatDue(iso: string, timeZone: string): string {
  const date = new Date(iso);
  const day = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  }).format(date);
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date);
  return time === '23:59' ? day : `${day} ${time}`;
}

function describe(task: Task, timeZone: string): string {
  const details: string[] = [];
  if (task.due_at !== null) details.push(`due ${formatDue(task.due_at, timeZone)}`);
  if (task.priority !== 'medium') details.push(`${task.priority} priority`);
  if (task.tags.length > 0) details.push(task.tags.map((tag) => `#${tag}`).join(' '));
  return `#${task.id} "${task.title}"${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

function listing(tasks: Task[], timeZone: string): string {
  return tasks.map((task) => `${task.completed ? '✓' : '•'} ${describe(task, timeZone)}`).join('\n');
}

/** The task a previous answer was about, for "complete it" right after "add …". */
function lastTaskId(history: readonly HistoryMessage[]): number | undefined {
  for (let index = history.length - 1; index >= 0; index--) {
    const message = history[index];
    if (message === undefined) continue;
    for (let call = message.tool_calls.length - 1; call >= 0; call--) {
      const record = message.tool_calls[call];
      if (record === undefined || record.is_error) continue;
      const result = record.result as { id?: unknown; tasks?: { id: number }[] } | undefined;
      if (typeof result?.id === 'number') return result.id;
      if (result?.tasks?.length === 1) return result.tasks[0]?.id;
    }
  }
  return undefined;
}

type Resolved = { id: number; task?: Task } | { answer: string };

async function resolve(ref: TaskRef, input: TurnInput, prefer?: 'pending' | 'completed'): Promise<Resolved> {
  if (ref.kind === 'id') return { id: ref.id };
  if (ref.kind === 'last') {
    const id = lastTaskId(input.history);
    return id === undefined ? { answer: 'Which task do you mean? Say its number, like "complete 3".' } : { id };
  }
  const found = await input.tools.call('list_tasks', { q: ref.text, limit: 20 });
  if (found.isError) return { answer: `I could not look that up: ${found.text}` };
  let matches = (found.structured as { tasks: Task[] }).tasks;
  if (matches.length === 0) {
    return { answer: `I could not find a task matching "${ref.text}". Say "show my tasks" to see them all.` };
  }
  const exact = matches.filter((task) => task.title.toLowerCase() === ref.text.toLowerCase());
  if (exact.length > 0) matches = exact;
  if (matches.length > 1 && prefer !== undefined) {
    const preferred = matches.filter((task) => task.completed === (prefer === 'completed'));
    if (preferred.length > 0) matches = preferred;
  }
  if (matches.length > 1) {
    return {
      answer: `Which one do you mean?\n${listing(matches, input.timeZone)}\nSay its number, like "${matches[0]?.id}".`,
    };
  }
  const task = matches[0] as Task;
  return { id: task.id, task };
}

/** Runs one tool that changes a task and words the outcome. */
async function change(
  input: TurnInput,
  ref: TaskRef,
  prefer: 'pending' | 'completed' | undefined,
  act: (id: number) => [string, Record<string, unknown>],
  say: (task: Task) => string,
): Promise<string> {
  const target = await resolve(ref, input, prefer);
  if ('answer' in target) return target.answer;
  const [tool, args] = act(target.id);
  const outcome = await input.tools.call(tool, args);
  if (outcome.isError) return `I could not do that: ${outcome.text}`;
  return say(outcome.structured as Task);
}

async function list(input: TurnInput, filter: ListFilter, empty: string, heading: string): Promise<string> {
  const { label: _label, ...args } = filter;
  const outcome = await input.tools.call('list_tasks', args);
  if (outcome.isError) return `I could not list your tasks: ${outcome.text}`;
  const { tasks } = outcome.structured as { tasks: Task[] };
  if (tasks.length === 0) return empty;
  return `${heading} (${tasks.length}):\n${listing(tasks, input.timeZone)}`;
}

async function act(intent: Intent, input: TurnInput): Promise<string> {
  const { timeZone, now } = input;
  switch (intent.kind) {
    case 'help':
      return HELP;
    case 'greeting':
      return 'Hello! What shall we do with your tasks? Type "help" for ideas.';
    case 'thanks':
      return 'You are welcome.';
    case 'unknown':
      return NOT_UNDERSTOOD;
    case 'add': {
      const outcome = await input.tools.call('add_task', { ...intent.task });
      if (outcome.isError) return `I could not add that: ${outcome.text}`;
      return `Added ${describe(outcome.structured as Task, timeZone)}.`;
    }
    case 'list': {
      const label = intent.filter.label;
      return list(
        input,
        intent.filter,
        label
          ? `You have no tasks ${label.startsWith('due') || label.startsWith('tagged') || label.startsWith('matching') ? label : `that are ${label}`}.`
          : 'You have no tasks yet. Add one with "add …".',
        label ? `Your tasks, ${label}` : 'Your tasks',
      );
    }
    case 'overdue':
      return list(
        input,
        { status: 'pending', due_before: now.toISOString(), sort: 'due_at' } as ListFilter,
        'Nothing is overdue. 🎉',
        'Overdue',
      );
    case 'summary': {
      const outcome = await input.tools.call('summarize_tasks', { time_zone: timeZone });
      if (outcome.isError) return `I could not summarize your tasks: ${outcome.text}`;
      const summary = outcome.structured as {
        pending: number;
        completed: number;
        overdue: Task[];
        due_today: Task[];
        due_this_week: Task[];
      };
      const parts = [`You have ${summary.pending} pending and ${summary.completed} completed task(s).`];
      const section = (title: string, tasks: Task[]) => {
        if (tasks.length > 0) parts.push(`${title}:\n${listing(tasks, timeZone)}`);
      };
      section('Overdue', summary.overdue);
      section('Due today', summary.due_today);
      section('Due in the next 6 days', summary.due_this_week);
      if (summary.overdue.length + summary.due_today.length + summary.due_this_week.length === 0) {
        parts.push('Nothing is due in the next 7 days.');
      }
      return parts.join('\n');
    }
    case 'complete':
      return change(
        input,
        intent.ref,
        'pending',
        (id) => ['complete_task', { id }],
        (task) => `Done: ${describe(task, timeZone)} is completed.`,
      );
    case 'reopen':
      return change(
        input,
        intent.ref,
        'completed',
        (id) => ['complete_task', { id, completed: false }],
        (task) => `Reopened ${describe(task, timeZone)}.`,
      );
    case 'rename':
      return change(
        input,
        intent.ref,
        undefined,
        (id) => ['update_task', { id, title: intent.title }],
        (task) => `Renamed: now ${describe(task, timeZone)}.`,
      );
    case 'set-priority':
      return change(
        input,
        intent.ref,
        undefined,
        (id) => ['update_task', { id, priority: intent.priority }],
        (task) => `${describe(task, timeZone)} is now ${task.priority} priority.`,
      );
    case 'set-due':
      return change(
        input,
        intent.ref,
        undefined,
        (id) => ['update_task', { id, due_at: intent.due_at }],
        (task) =>
          task.due_at === null
            ? `${describe(task, timeZone)} has no due date now.`
            : `Moved: ${describe(task, timeZone)}.`,
      );
    case 'delete': {
      const target = await resolve(intent.ref, input);
      if ('answer' in target) return target.answer;
      const outcome = await input.tools.call('delete_task', { id: target.id });
      if (outcome.isError) return `I could not delete that: ${outcome.text}`;
      const deleted = outcome.structured as { deleted: number; title: string };
      return `Deleted #${deleted.deleted} "${deleted.title}".`;
    }
  }
}

export const interpreterBrain: Brain = {
  kind: 'interpreter',
  async answer(input) {
    const text = await act(parseIntent(input.message, input.now, input.timeZone), input);
    input.onEvent({ type: 'delta', text });
    return text;
  },
};

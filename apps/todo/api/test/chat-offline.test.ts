// The offline assistant end to end: HTTP → chat → MCP client → MCP server
// (its own process) → Todo API, with no model configured. Each step is one
// message in one conversation, the MCP tool calls it must make, the answer it
// must give, and the state the tasks must be in afterwards.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { type ChatAnswer, chat, serverSentEvents } from './chat-client.ts';
import { assistantForSuite, call, send, signIn } from './support.ts';

interface Task {
  id: number;
  title: string;
  completed: boolean;
  priority: string;
  due_at: string | null;
  tags: string[];
}

type Ids = Record<string, number>;

interface Step {
  say: string | ((ids: Ids) => string);
  /** The tools called, in order, each with arguments that must be among those sent. */
  tools: [string, (Record<string, unknown> | ((ids: Ids) => Record<string, unknown>))?][];
  reply: RegExp;
  /** The tasks afterwards (by title). */
  leaves?: (tasks: Map<string, Task>, ids: Ids) => void;
}

// Dates as the interpreter must compute them, in UTC (no time_zone is sent).
const today = new Date();
const utcDay = (offset: number, hour = 23, minute = 59) =>
  new Date(
    Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + offset, hour, minute),
  ).toISOString();
/** The next given weekday strictly after today (0 = Sunday). */
const nextWeekday = (weekday: number) => utcDay((weekday - today.getUTCDay() + 7) % 7 || 7);

const steps: Step[] = [
  {
    say: 'add buy milk tomorrow, high priority',
    tools: [['add_task', { title: 'Buy milk', priority: 'high', due_at: utcDay(1) }]],
    reply: /^Added #\d+ "Buy milk" \(due .*, high priority\)\.$/,
  },
  {
    say: 'add call the dentist next friday #health',
    tools: [['add_task', { title: 'Call the dentist', due_at: nextWeekday(5), tags: ['health'] }]],
    reply: /Added #\d+ "Call the dentist" \(due Fri.*#health\)/,
  },
  {
    say: 'remind me to pay rent on 2030-01-31',
    tools: [['add_task', { title: 'Pay rent', due_at: '2030-01-31T23:59:00.000Z' }]],
    reply: /Added #\d+ "Pay rent" \(due Thu, 31 Jan 2030\)/,
  },
  {
    say: 'please add water the plants at 9am tomorrow, low priority',
    tools: [['add_task', { title: 'Water the plants', priority: 'low', due_at: utcDay(1, 9, 0) }]],
    reply: /"Water the plants" \(due .* 09:00, low priority\)/,
  },
  {
    say: 'create a task called write report tagged work and q4',
    tools: [['add_task', { title: 'Write report', tags: ['work', 'q4'] }]],
    reply: /"Write report" \(#work #q4\)/,
  },
  {
    say: 'add submit taxes in 3 days',
    tools: [['add_task', { title: 'Submit taxes', due_at: utcDay(3) }]],
    reply: /Added #\d+ "Submit taxes"/,
  },
  { say: 'new task: renew passport', tools: [['add_task', { title: 'Renew passport' }]], reply: /"Renew passport"/ },
  {
    say: 'add old invoice due 2020-01-15',
    tools: [['add_task', { title: 'Old invoice', due_at: '2020-01-15T23:59:00.000Z' }]],
    reply: /"Old invoice"/,
    leaves: (tasks) => assert.equal(tasks.size, 8, 'eight tasks added'),
  },
  {
    say: 'show my tasks',
    tools: [['list_tasks', {}]],
    reply: /^Your tasks \(8\):\n• #\d+ "Buy milk"[\s\S]*"Old invoice"/,
  },
  {
    say: 'show high priority tasks',
    tools: [['list_tasks', { priority: 'high' }]],
    reply: /^Your tasks, high priority \(1\):\n• #\d+ "Buy milk"/,
  },
  { say: 'tasks tagged work', tools: [['list_tasks', { tag: 'work' }]], reply: /tagged work \(1\):\n.*"Write report"/ },
  { say: 'find milk', tools: [['list_tasks', { q: 'milk' }]], reply: /matching "milk" \(1\)/ },
  {
    say: "what's due tomorrow?",
    tools: [['list_tasks']],
    reply: /due tomorrow \(2\):\n.*"Buy milk"[\s\S]*"Water the plants"/,
  },
  {
    say: "what's overdue?",
    tools: [['list_tasks', { status: 'pending' }]],
    reply: /^Overdue \(1\):\n• #\d+ "Old invoice"/,
  },
  {
    say: "what's due?",
    tools: [['summarize_tasks', { time_zone: 'UTC' }]],
    reply:
      /You have 8 pending and 0 completed task\(s\)\.\nOverdue:\n.*"Old invoice"[\s\S]*Due in the next 6 days:[\s\S]*"Buy milk"/,
  },
  {
    say: 'complete buy milk',
    tools: [
      ['list_tasks', { q: 'buy milk' }],
      ['complete_task', (ids) => ({ id: ids['Buy milk'] })],
    ],
    reply: /^Done: #\d+ "Buy milk" .*is completed\.$/,
    leaves: (tasks) => assert.equal(tasks.get('Buy milk')?.completed, true),
  },
  {
    say: 'show completed tasks',
    tools: [['list_tasks', { status: 'completed' }]],
    reply: /completed \(1\):\n✓ #\d+ "Buy milk"/,
  },
  {
    say: 'reopen buy milk',
    tools: [['list_tasks'], ['complete_task', (ids) => ({ id: ids['Buy milk'], completed: false })]],
    reply: /^Reopened #\d+ "Buy milk"/,
    leaves: (tasks) => assert.equal(tasks.get('Buy milk')?.completed, false),
  },
  {
    say: 'mark it as done',
    tools: [['complete_task', (ids) => ({ id: ids['Buy milk'] })]],
    reply: /"Buy milk" .*is completed/,
    leaves: (tasks) => assert.equal(tasks.get('Buy milk')?.completed, true, '"it" is the task just talked about'),
  },
  {
    say: (ids) => `done with task ${ids['Renew passport']}`,
    tools: [['complete_task', (ids) => ({ id: ids['Renew passport'] })]],
    reply: /"Renew passport" is completed/,
    leaves: (tasks) => assert.equal(tasks.get('Renew passport')?.completed, true),
  },
  {
    say: 'rename write report to write the quarterly report',
    tools: [
      ['list_tasks', { q: 'write report' }],
      ['update_task', { title: 'write the quarterly report' }],
    ],
    reply: /^Renamed: now #\d+ "write the quarterly report"/,
    leaves: (tasks) => {
      assert.ok(tasks.has('write the quarterly report'));
      assert.ok(!tasks.has('Write report'));
    },
  },
  {
    say: 'make pay rent high priority',
    tools: [['list_tasks'], ['update_task', (ids) => ({ id: ids['Pay rent'], priority: 'high' })]],
    reply: /"Pay rent" .* is now high priority/,
    leaves: (tasks) => assert.equal(tasks.get('Pay rent')?.priority, 'high'),
  },
  {
    say: 'move pay rent to next monday',
    tools: [['list_tasks'], ['update_task', { due_at: nextWeekday(1) }]],
    reply: /^Moved: #\d+ "Pay rent" \(due Mon/,
    leaves: (tasks) => assert.equal(tasks.get('Pay rent')?.due_at, nextWeekday(1)),
  },
  {
    say: 'postpone submit taxes to 2030-03-01',
    tools: [['list_tasks'], ['update_task', { due_at: '2030-03-01T23:59:00.000Z' }]],
    reply: /"Submit taxes" \(due Fri, 1 Mar 2030\)/,
  },
  {
    say: (ids) => `delete #${ids['Old invoice']}`,
    tools: [['delete_task', (ids) => ({ id: ids['Old invoice'] })]],
    reply: /^Deleted #\d+ "Old invoice"\.$/,
    leaves: (tasks) => assert.ok(!tasks.has('Old invoice')),
  },
  {
    say: 'delete call the dentist',
    tools: [
      ['list_tasks', { q: 'call the dentist' }],
      ['delete_task', (ids) => ({ id: ids['Call the dentist'] })],
    ],
    reply: /^Deleted #\d+ "Call the dentist"\.$/,
    leaves: (tasks) => assert.ok(!tasks.has('Call the dentist')),
  },
  { say: 'add buy bread', tools: [['add_task', { title: 'Buy bread' }]], reply: /"Buy bread"/ },
  {
    say: 'delete buy',
    tools: [['list_tasks', { q: 'buy' }]],
    reply: /^Which one do you mean\?\n[\s\S]*"Buy milk"[\s\S]*"Buy bread"[\s\S]*Say its number/,
    leaves: (tasks) => assert.ok(tasks.has('Buy milk') && tasks.has('Buy bread'), 'an ambiguous name deletes nothing'),
  },
  {
    say: 'delete all tasks',
    tools: [],
    reply: /did not understand/,
    leaves: (tasks) => assert.equal(tasks.size, 7, 'nothing deleted'),
  },
  { say: 'asdf qwerty', tools: [], reply: /^Sorry, I did not understand that\./ },
  { say: 'what is the meaning of life?', tools: [], reply: /did not understand/ },
  { say: 'add', tools: [], reply: /did not understand/ },
  { say: 'help', tools: [], reply: /^I can manage your tasks\. Try:/ },
  { say: 'hello', tools: [], reply: /^Hello!/ },
  {
    say: 'complete 99999',
    tools: [['complete_task', { id: 99999 }]],
    reply: /^I could not do that: Task 99999 not found$/,
  },
  {
    say: 'delete the unicorn task',
    tools: [['list_tasks', { q: 'unicorn' }]],
    reply: /^I could not find a task matching "unicorn"/,
    leaves: (tasks) => assert.equal(tasks.size, 7),
  },
];

describe('offline chat end to end: HTTP → chat → MCP client → MCP server → Todo API', () => {
  const stack = assistantForSuite();
  let token: string;

  before(async () => {
    token = await signIn(stack.api.url, 'offline-chat@example.com', 'a long and unusual passphrase 42');
  });

  const tasksByTitle = async () => {
    const listed = await call<Task[]>(stack.api.url, 'GET', '/api/tasks', { token });
    return new Map(listed.body.map((task) => [task.title, task]));
  };

  test(`${steps.length} phrasings: each makes the expected tool calls, answers as expected, leaves the expected tasks`, async () => {
    assert.ok(steps.length >= 30);
    const ids: Ids = {};
    let conversationId: string | undefined;
    for (const [index, step] of steps.entries()) {
      const message = typeof step.say === 'function' ? step.say(ids) : step.say;
      const answer = await chat(stack.api.url, token, message, conversationId);
      const where = `step ${index + 1} "${message}"`;
      assert.equal(answer.status, 200, `${where}: ${JSON.stringify(answer.body)}`);
      const body: ChatAnswer = answer.body;
      conversationId ??= body.conversation_id;
      assert.equal(body.conversation_id, conversationId, `${where}: same conversation`);
      assert.match(body.response, step.reply, `${where}: answer`);
      assert.deepEqual(
        body.tool_calls.map((toolCall) => toolCall.name),
        step.tools.map(([name]) => name),
        `${where}: tools called`,
      );
      for (const [position, [, expected]] of step.tools.entries()) {
        if (expected === undefined) continue;
        const wanted = typeof expected === 'function' ? expected(ids) : expected;
        const sent = body.tool_calls[position]?.arguments ?? {};
        for (const [key, value] of Object.entries(wanted)) {
          assert.deepEqual(sent[key], value, `${where}: ${step.tools[position]?.[0]} ${key}`);
        }
      }
      const tasks = await tasksByTitle();
      for (const [title, task] of tasks) ids[title] = task.id;
      step.leaves?.(tasks, ids);
    }
  });

  test('the stream variant sends the conversation, each tool call, the text and the final answer as events', async () => {
    const response = await send('POST', `${stack.api.url}/api/chat/stream`, {
      token,
      body: { message: 'add stream test task #sse' },
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events = serverSentEvents(await response.text());
    assert.deepEqual(
      events.map((event) => event.event),
      ['conversation', 'tool_call', 'delta', 'done'],
    );
    assert.equal(events[1]?.data.name, 'add_task');
    assert.match(events[2]?.data.text, /Added #\d+ "Stream test task" \(#sse\)/);
    assert.equal(events[3]?.data.conversation_id, events[0]?.data.conversation_id);
    assert.ok((await tasksByTitle()).has('Stream test task'));
  });

  test('bad requests are 4xx with a message and change nothing; no token is 401', async () => {
    const before = (await tasksByTitle()).size;
    const cases: [unknown, RegExp][] = [
      [{}, /message/],
      [{ message: '' }, /message/],
      [{ message: 'x'.repeat(2001) }, /message/],
      [{ message: 'add x', extra: 1 }, /extra|Unrecognized/i],
      [{ message: 'add x', time_zone: 'Mars/Olympus' }, /time_zone/],
      [{ message: 'add x', conversation_id: 'not-a-uuid' }, /conversation_id/],
    ];
    for (const [body, expected] of cases) {
      const answer = await call<{ error: string }>(stack.api.url, 'POST', '/api/chat', { token, body });
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.match(answer.body.error, expected);
    }
    const unknown = await chat(stack.api.url, token, 'add x', '00000000-0000-4000-8000-000000000000');
    assert.equal(unknown.status, 404);
    assert.equal((await call(stack.api.url, 'POST', '/api/chat', { body: { message: 'add x' } })).status, 401);
    assert.equal((await tasksByTitle()).size, before);
  });

  test('time_zone places "tomorrow" on the person\'s calendar', async () => {
    const answer = await chat(stack.api.url, token, 'add check the time zone tomorrow at 9am', undefined, {
      time_zone: 'Asia/Tokyo',
    });
    assert.equal(answer.status, 200);
    const due = new Date(answer.body.tool_calls[0]?.arguments.due_at as string);
    // 09:00 in Tokyo is 00:00 UTC.
    assert.equal(due.getUTCHours(), 0);
    assert.match(answer.body.response, /09:00/);
  });

  test('with the MCP server down the chat answers 503 with a message, and stores nothing', async () => {
    const conversationsBefore = await call<unknown[]>(stack.api.url, 'GET', '/api/conversations', { token });
    await stack.mcp.stop();
    const answer = await call<{ error: string }>(stack.api.url, 'POST', '/api/chat', {
      token,
      body: { message: 'show my tasks' },
    });
    assert.equal(answer.status, 503);
    assert.match(answer.body.error, /cannot reach its task tools/);
    const conversationsAfter = await call<unknown[]>(stack.api.url, 'GET', '/api/conversations', { token });
    assert.equal(conversationsAfter.body.length, conversationsBefore.body.length);
  });
});

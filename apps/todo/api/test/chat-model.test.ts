// The assistant with a language model: the Todo API and MCP server as
// processes, and a stand-in OpenAI-compatible provider (the real one is a paid
// service) that speaks the real chat-completions and tool-calls wire format,
// whole and streamed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chat, serverSentEvents } from './chat-client.ts';
import { API_KEY, type StandInModel, startStandInModel } from './stand-in-model.ts';
import { assistantForSuite, call, send, signIn } from './support.ts';

const MAX_STEPS = 3;
const MODEL_TIMEOUT_MS = 1000;

describe('LLM mode against a stand-in OpenAI-compatible provider', () => {
  let model: StandInModel;
  let token: string;

  before(async () => {
    model = await startStandInModel();
  });
  const stack = assistantForSuite({
    apiEnv: () => ({
      OPENAI_BASE_URL: model.baseUrl,
      OPENAI_API_KEY: API_KEY,
      CHAT_MODEL: 'stand-in-1',
      CHAT_MAX_STEPS: String(MAX_STEPS),
      CHAT_MODEL_TIMEOUT_MS: String(MODEL_TIMEOUT_MS),
      CHAT_MODEL_RETRIES: '0',
    }),
  });
  before(async () => {
    token = await signIn(stack.api.url, 'model-chat@example.com', 'a long and unusual passphrase 42');
  });
  after(async () => {
    await model?.close();
  });

  const tasks = async () =>
    (
      await call<{ id: number; title: string; completed: boolean; priority: string }[]>(
        stack.api.url,
        'GET',
        '/api/tasks',
        { token },
      )
    ).body;

  test('the model is offered every MCP tool, its tool calls run through MCP, their results go back to it, and its final answer is the response', async () => {
    const bread = await call<{ id: number }>(stack.api.url, 'POST', '/api/tasks', { token, body: { title: 'Bread' } });
    const from = model.seen.length;
    const answer = await chat(stack.api.url, token, 'complete the bread task');
    assert.equal(answer.status, 200);
    assert.equal(answer.body.response, `Done: #${bread.body.id} "Bread" is completed.`);
    assert.deepEqual(
      answer.body.tool_calls.map((toolCall) => [toolCall.name, toolCall.arguments, toolCall.is_error]),
      [
        ['list_tasks', { q: 'bread' }, false],
        ['complete_task', { id: bread.body.id }, false],
      ],
    );
    assert.equal((await tasks()).find((task) => task.id === bread.body.id)?.completed, true);

    const requests = model.seen.slice(from);
    assert.equal(requests.length, 3, 'three model requests: two tool rounds and the answer');
    const first = requests[0];
    assert.equal(first?.authorization, `Bearer ${API_KEY}`);
    assert.equal(first?.body.model, 'stand-in-1');
    assert.deepEqual(first?.body.tools?.map((tool) => tool.function.name).sort(), [
      'add_task',
      'complete_task',
      'delete_task',
      'list_tasks',
      'summarize_tasks',
      'update_task',
    ]);
    assert.ok(first?.body.tools?.every((tool) => tool.type === 'function' && tool.function.parameters.properties));
    assert.equal(first?.body.messages[0]?.role, 'system');
    assert.match(first?.body.messages[0]?.content ?? '', /time zone UTC/);
    const last = requests[2]?.body.messages ?? [];
    assert.deepEqual(
      last.slice(1).map((message) => message.role),
      ['user', 'assistant', 'tool', 'assistant', 'tool'],
    );
    assert.match(last[3]?.content ?? '', /"title":"Bread"/, 'the list result went back to the model');
    assert.ok(!stack.api.output().includes(API_KEY), 'the API key is never logged');
  });

  test('streamed: tool-call fragments are assembled, the answer arrives as text deltas, then "done"', async () => {
    const response = await send('POST', `${stack.api.url}/api/chat/stream`, {
      token,
      body: { message: 'add streamed bread, high priority' },
    });
    assert.equal(response.status, 200);
    const events = serverSentEvents(await response.text());
    const kinds = events.map((event) => event.event);
    assert.equal(kinds[0], 'conversation');
    assert.equal(kinds[1], 'tool_call');
    assert.deepEqual(events[1]?.data.arguments, { title: 'Streamed bread', priority: 'high' });
    assert.ok(kinds.filter((kind) => kind === 'delta').length >= 3, 'the answer came in pieces');
    assert.equal(kinds.at(-1), 'done');
    const text = events
      .filter((event) => event.event === 'delta')
      .map((event) => event.data.text)
      .join('');
    assert.equal(text, events.at(-1)?.data.response);
    assert.match(text, /^Added #\d+ "Streamed bread" with high priority\.$/);
    assert.equal(model.seen.at(-1)?.body.stream, true);
    assert.equal((await tasks()).find((task) => task.title === 'Streamed bread')?.priority, 'high');
  });

  test('a provider error, a wrong key and a timeout each end with a clear answer (never a 500), and nothing changes', async () => {
    const before = await tasks();
    const cases: [string, RegExp][] = [
      ['break the provider', /^The language model service answered with an error \(500: .*\)\. Nothing was changed\./],
      ['use a wrong key', /^The language model service refused the API key\./],
      ['take your time', /^The language model did not answer within 1 seconds\./],
    ];
    for (const [message, expected] of cases) {
      const started = Date.now();
      const answer = await chat(stack.api.url, token, message);
      assert.equal(answer.status, 200, message);
      assert.match(answer.body.response, expected, message);
      assert.deepEqual(answer.body.tool_calls, []);
      assert.ok(Date.now() - started < MODEL_TIMEOUT_MS * 4, `${message}: answered within the bound`);
    }
    assert.deepEqual(await tasks(), before);
  });

  test('a client that leaves in the middle of a streamed answer harms nothing: the answer is still stored', async () => {
    const leaving = new AbortController();
    const response = await send('POST', `${stack.api.url}/api/chat/stream`, {
      token,
      body: { message: 'take your time' },
      signal: leaving.signal,
    });
    const reader = response.body?.getReader();
    const first = new TextDecoder().decode((await reader?.read())?.value);
    const conversationId = /"conversation_id":"([^"]+)"/.exec(first)?.[1];
    assert.ok(conversationId, first);
    leaving.abort();
    // The model's timeout passes after the client left; the answer is written to no one.
    await new Promise((resolve) => setTimeout(resolve, MODEL_TIMEOUT_MS * 2));
    assert.equal((await fetch(`${stack.api.url}/health`)).status, 200, 'the API is still up');
    const messages = await call<{ role: string; content: string }[]>(
      stack.api.url,
      'GET',
      `/api/conversations/${conversationId}/messages`,
      { token },
    );
    assert.deepEqual(
      messages.body.map((message) => message.role),
      ['user', 'assistant'],
    );
    assert.match(messages.body[1]?.content ?? '', /did not answer within 1 seconds/);
  });

  test('a model that calls tools forever is stopped after CHAT_MAX_STEPS with a message', async () => {
    const answer = await chat(stack.api.url, token, 'loop forever');
    assert.equal(answer.status, 200);
    assert.match(answer.body.response, new RegExp(`^I stopped after ${MAX_STEPS} steps without finishing`));
    assert.deepEqual(
      answer.body.tool_calls.map((toolCall) => toolCall.name),
      Array(MAX_STEPS).fill('list_tasks'),
    );
  });

  test('broken arguments, an unknown tool and arguments the tool refuses go back to the model as errors; nothing is stored', async () => {
    const before = await tasks();
    const broken = await chat(stack.api.url, token, 'send broken arguments');
    assert.equal(broken.body.response, 'The tool said: Error: the arguments were not a JSON object.');
    const unknown = await chat(stack.api.url, token, 'call a tool that does not exist');
    assert.match(unknown.body.response, /^The tool said: Error: .*launch_rockets not found/);
    assert.equal(unknown.body.tool_calls[0]?.is_error, true);
    const refused = await chat(stack.api.url, token, 'add a task without a title');
    assert.match(refused.body.response, /^The tool said: Error: .*title/);
    assert.deepEqual(await tasks(), before);
  });

  test('the conversation keeps both sides, and the model sees the earlier messages', async () => {
    const first = await chat(stack.api.url, token, 'hello model');
    assert.equal(first.body.response, 'You said: hello model');
    const second = await chat(stack.api.url, token, 'and again', first.body.conversation_id);
    assert.equal(second.body.conversation_id, first.body.conversation_id);
    const sent = model.seen.at(-1)?.body.messages.map((message) => [message.role, message.content]);
    assert.deepEqual(sent?.slice(1), [
      ['user', 'hello model'],
      ['assistant', 'You said: hello model'],
      ['user', 'and again'],
    ]);
  });
});

// Conversations live in the database: they survive an API restart, and a
// second API process (another replica) continues them.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { embeddedBackend, postgresBackend, type ServiceProcess } from '@berth/testkit';
import { chat } from './chat-client.ts';
import { assistantForSuite, call, signIn } from './support.ts';

interface Message {
  role: string;
  content: string;
  tool_calls: { name: string }[];
}

const PASSWORD = 'a long and unusual passphrase 42';

async function messagesOf(api: string, token: string, conversationId: string) {
  return call<Message[]>(api, 'GET', `/api/conversations/${conversationId}/messages`, { token });
}

for (const [name, startBackend] of [
  ['embedded PGlite', embeddedBackend],
  ['PostgreSQL 15 server', postgresBackend],
] as const) {
  describe(`conversation history on ${name}`, () => {
    const stack = assistantForSuite({ startBackend });
    let api: ServiceProcess;

    before(() => {
      api = stack.api;
    });

    test('survives an API restart and continues where it left off', async () => {
      const token = await signIn(api.url, `history-${name.length}@example.com`, PASSWORD);
      const first = await chat(api.url, token, 'add buy milk tomorrow');
      assert.equal(first.status, 200);
      const conversationId = first.body.conversation_id;

      assert.equal(await api.stop(), 0);
      api = await stack.startApi(new URL(stack.api.url).port);
      stack.api = api;

      const kept = await messagesOf(api.url, token, conversationId);
      assert.equal(kept.status, 200);
      assert.deepEqual(
        kept.body.map((message) => [message.role, message.content]),
        [
          ['user', 'add buy milk tomorrow'],
          ['assistant', first.body.response],
        ],
      );
      assert.deepEqual(
        kept.body[1]?.tool_calls.map((toolCall) => toolCall.name),
        ['add_task'],
      );
      // "it" is resolved from the stored history: the task the first answer added.
      const next = await chat(api.url, token, 'mark it as done', conversationId);
      assert.equal(next.status, 200);
      assert.match(next.body.response, /"Buy milk" .*is completed/);
      const listed = await call<{ id: string; title: string }[]>(api.url, 'GET', '/api/conversations', { token });
      assert.deepEqual(
        listed.body.map((conversation) => [conversation.id, conversation.title]),
        [[conversationId, 'add buy milk tomorrow']],
      );
    });

    test("another person never sees or continues someone's conversation; a deleted one is gone", async () => {
      const ada = await signIn(api.url, `ada-${name.length}@example.com`, PASSWORD);
      const bob = await signIn(api.url, `bob-${name.length}@example.com`, PASSWORD);
      const { body } = await chat(api.url, ada, 'add a private thing');
      const id = body.conversation_id;
      assert.equal((await messagesOf(api.url, bob, id)).status, 404);
      assert.equal((await chat(api.url, bob, 'show my tasks', id)).status, 404);
      assert.equal((await call(api.url, 'DELETE', `/api/conversations/${id}`, { token: bob })).status, 404);
      assert.deepEqual((await call<unknown[]>(api.url, 'GET', '/api/conversations', { token: bob })).body, []);
      assert.equal((await call(api.url, 'DELETE', `/api/conversations/${id}`, { token: ada })).status, 204);
      assert.equal((await messagesOf(api.url, ada, id)).status, 404);
      assert.equal((await call(api.url, 'GET', '/api/conversations/not-a-uuid/messages', { token: ada })).status, 400);
    });

    if (name === 'PostgreSQL 15 server') {
      test('a second API process continues the same conversation', async () => {
        const token = await signIn(api.url, 'replicas@example.com', PASSWORD);
        const first = await chat(api.url, token, 'add call the plumber');
        const second = await stack.startApi();
        try {
          const onSecond = await chat(second.url, token, 'complete it', first.body.conversation_id);
          assert.equal(onSecond.status, 200);
          assert.match(onSecond.body.response, /"Call the plumber" .*is completed/);
          const back = await chat(api.url, token, 'show completed tasks', first.body.conversation_id);
          assert.match(back.body.response, /✓ #\d+ "Call the plumber"/);
          const all = await messagesOf(second.url, token, first.body.conversation_id);
          assert.equal(all.body.length, 6, 'three exchanges, from both processes, in one conversation');
        } finally {
          await second.stop();
        }
      });
    }
  });
}

import { HttpError, isTimeZone, jsonResponse, objectBody, type ServiceApp, text, z } from '@berth/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BEARER, BODY_ERRORS, errors } from '../api-errors.ts';
import { signedIn } from '../authentication.ts';
import type { ChatAnswer, ChatRequest, ChatService } from '../chat/chat-service.ts';
import type { ConversationsRepository } from '../chat/conversations-repository.ts';

const chatBody = z.strictObject(
  {
    conversation_id: z
      .uuid({ error: 'must be a conversation id from an earlier answer' })
      .optional()
      .meta({ description: 'Continue this conversation; leave out to start a new one.' }),
    message: text({ min: 1, max: 2000, trim: true, multiline: true, description: 'What you ask, 1–2000 characters.' }),
    time_zone: z
      .string()
      .refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin or UTC')
      .optional()
      .meta({ description: 'Your IANA time zone, for "today" and "tomorrow" (default UTC).' }),
  },
  objectBody('{"message": "add buy milk tomorrow"}'),
);

const toolCall = z.object({
  name: z.string(),
  arguments: z.record(z.string(), z.unknown()),
  result: z.unknown().meta({ description: "The tool's structured result, or its error message." }),
  is_error: z.boolean(),
});

const chatAnswer = z.object({
  conversation_id: z.uuid(),
  response: z.string().meta({ description: "The assistant's answer." }),
  tool_calls: z.array(toolCall).meta({ description: 'The MCP tools called for this answer, in order.' }),
});

/** One Server-Sent Event of the stream, as event/data lines: the data is JSON. */
const streamEvent = z.object({
  event: z.enum(['conversation', 'tool_call', 'delta', 'done', 'error']),
  data: z.string().meta({ description: 'The event as JSON (see the operation description).' }),
});

const conversation = z.object({ id: z.uuid(), title: z.string(), created_at: z.date(), updated_at: z.date() });
const message = z.object({
  id: z.number(),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  tool_calls: z.array(toolCall),
  created_at: z.date(),
});
const conversationParams = z.object({ id: z.uuid({ error: 'must be a conversation id' }) });

const common = { tags: ['chat'], security: BEARER };
const CONVERSATIONS_SHOWN = 100;
const MESSAGES_SHOWN = 500;

/** The caller's own token, passed on to the MCP server (the authenticate hook has already checked it). */
function callerToken(request: FastifyRequest): string {
  return (request.headers.authorization ?? '').replace(/^Bearer +/i, '').trim();
}

/** The turn a chat request asks for, whole or streamed. */
function turnOf(request: FastifyRequest<{ Body: z.output<typeof chatBody> }>, stream: boolean): ChatRequest {
  return {
    userId: signedIn(request).id,
    token: callerToken(request),
    conversationId: request.body.conversation_id,
    message: request.body.message,
    timeZone: request.body.time_zone ?? 'UTC',
    stream,
  };
}

/** One Server-Sent Event. */
function sse(reply: FastifyReply, event: string, data: unknown): void {
  // A client that left mid-answer gets nothing more; the answer is still stored.
  if (reply.raw.destroyed || reply.raw.writableEnded) return;
  reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** The assistant: chat turns (whole or streamed) and the conversations they are kept in. */
export async function chatRoutes(
  app: ServiceApp,
  { chat, conversations }: { chat: ChatService; conversations: ConversationsRepository },
): Promise<void> {
  app.addHook('preValidation', app.authenticate);

  app.post(
    '/chat',
    {
      schema: {
        ...common,
        operationId: 'chat',
        summary: 'Ask the assistant (it manages your tasks through the MCP tools)',
        body: chatBody,
        response: { 200: jsonResponse('The answer.', chatAnswer), ...errors(401, ...BODY_ERRORS, 404, 503) },
      },
    },
    async (request) => chat.send(turnOf(request, false)),
  );

  app.post(
    '/chat/stream',
    {
      schema: {
        ...common,
        operationId: 'chatStream',
        summary: 'Ask the assistant, answered as Server-Sent Events',
        description:
          'Events: "conversation" {conversation_id}, then "tool_call" {name, arguments, result, is_error} and "delta" {text} as they happen, then "done" with the answer of POST /api/chat, or "error" {error}.',
        body: chatBody,
        response: {
          200: {
            description: 'A stream of Server-Sent Events.',
            content: { 'text/event-stream': { schema: streamEvent } },
          },
          ...errors(401, ...BODY_ERRORS, 404, 503),
        },
      },
    },
    async (request, reply) => {
      let streaming = false;
      let answer: ChatAnswer;
      try {
        answer = await chat.send({
          ...turnOf(request, true),
          // Until the conversation is known, failures are ordinary JSON errors; from here on, events.
          onStart(conversationId) {
            streaming = true;
            reply.hijack();
            reply.raw.writeHead(200, {
              'content-type': 'text/event-stream; charset=utf-8',
              'cache-control': 'no-cache, no-transform',
              // nginx: pass each event on at once instead of buffering the answer.
              'x-accel-buffering': 'no',
              'x-request-id': String(request.id),
            });
            sse(reply, 'conversation', { conversation_id: conversationId });
          },
          onEvent(event) {
            if (!streaming) return;
            if (event.type === 'delta') sse(reply, 'delta', { text: event.text });
            else sse(reply, 'tool_call', event.call);
          },
        });
      } catch (error) {
        if (!streaming) throw error;
        request.log.error({ err: error }, 'chat stream failed');
        sse(reply, 'error', { error: 'The assistant failed while answering; please try again' });
        reply.raw.end();
        return reply;
      }
      sse(reply, 'done', answer);
      if (!reply.raw.destroyed) reply.raw.end();
      return reply;
    },
  );

  app.get(
    '/conversations',
    {
      schema: {
        ...common,
        operationId: 'listConversations',
        summary: `Your conversations with the assistant, most recent first (at most ${CONVERSATIONS_SHOWN})`,
        response: { 200: jsonResponse('Conversations.', z.array(conversation)), ...errors(401, 503) },
      },
    },
    async (request) => conversations.list(signedIn(request).id, CONVERSATIONS_SHOWN),
  );

  app.get(
    '/conversations/:id/messages',
    {
      schema: {
        ...common,
        operationId: 'listConversationMessages',
        summary: `The messages of a conversation, oldest first (the last ${MESSAGES_SHOWN})`,
        params: conversationParams,
        response: { 200: jsonResponse('Messages.', z.array(message)), ...errors(400, 401, 404, 503) },
      },
    },
    async (request) => {
      const userId = signedIn(request).id;
      const { id } = request.params;
      if ((await conversations.get(userId, id)) === undefined) throw new HttpError(404, `Conversation ${id} not found`);
      return conversations.messages(userId, id, MESSAGES_SHOWN);
    },
  );

  app.delete(
    '/conversations/:id',
    {
      schema: {
        ...common,
        operationId: 'deleteConversation',
        summary: 'Delete a conversation and its messages',
        params: conversationParams,
        response: { 204: z.undefined().meta({ description: 'Deleted.' }), ...errors(400, 401, 404, 503) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!(await conversations.remove(signedIn(request).id, id))) {
        throw new HttpError(404, `Conversation ${id} not found`);
      }
      return reply.code(204).send();
    },
  );
}

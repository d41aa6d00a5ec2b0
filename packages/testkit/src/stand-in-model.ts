// A stand-in for a paid OpenAI-compatible provider: a real HTTP server that
// speaks the chat-completions wire format (whole answers and Server-Sent
// Events chunks, tool_calls included). What it answers is up to the test's
// script, given the conversation so far, so a test can make it call tools,
// fail, stall or never stop. The only fake in the assistants' tests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  authorization: string | undefined;
  body: {
    model: string;
    stream?: boolean;
    tools?: { type: string; function: { name: string; description: string; parameters: { properties?: object } } }[];
    messages: { role: string; content: string | null; tool_call_id?: string; tool_calls?: unknown[] }[];
  };
}

export interface ToolCall {
  name: string;
  arguments: string;
}

export type Script =
  | { text: string }
  | { toolCalls: ToolCall[] }
  | { status: number; error: string }
  | { stallMs: number };

export const API_KEY = 'stand-in-key-do-not-log';

/** The person's last message and the tool results that came after it. */
export function turnSoFar(request: SeenRequest['body']) {
  const messages = request.messages;
  const lastUser = [...messages].reverse().find((message) => message.role === 'user')?.content ?? '';
  const toolResults = messages
    .slice(messages.findLastIndex((message) => message.role === 'user') + 1)
    .filter((message) => message.role === 'tool');
  return { lastUser, toolResults, lastResult: toolResults.at(-1)?.content ?? '' };
}

let counter = 0;

function completion(model: string, next: { text: string } | { toolCalls: ToolCall[] }) {
  const toolCalls =
    'toolCalls' in next
      ? next.toolCalls.map((call, index) => ({
          id: `call_${++counter}_${index}`,
          type: 'function',
          function: { name: call.name, arguments: call.arguments },
        }))
      : undefined;
  return {
    id: `chatcmpl-${++counter}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: 'text' in next ? next.text : null,
          ...(toolCalls ? { tool_calls: toolCalls } : {}),
          refusal: null,
        },
        logprobs: null,
        finish_reason: toolCalls ? 'tool_calls' : 'stop',
      },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

/** The same answer as chat.completion.chunk events: text a few characters at a time, tool arguments in fragments. */
function chunks(model: string, next: { text: string } | { toolCalls: ToolCall[] }): object[] {
  const id = `chatcmpl-${++counter}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: object, finish: string | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  });
  const out: object[] = [chunk({ role: 'assistant', content: '' })];
  if ('text' in next) {
    for (const piece of next.text.match(/.{1,8}/gs) ?? []) out.push(chunk({ content: piece }));
    out.push(chunk({}, 'stop'));
    return out;
  }
  next.toolCalls.forEach((call, index) => {
    out.push(
      chunk({
        tool_calls: [
          { index, id: `call_${++counter}`, type: 'function', function: { name: call.name, arguments: '' } },
        ],
      }),
    );
    for (const piece of call.arguments.match(/.{1,5}/gs) ?? []) {
      out.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  out.push(chunk({}, 'tool_calls'));
  return out;
}

export interface StandInModel {
  readonly baseUrl: string;
  readonly seen: SeenRequest[];
  close(): Promise<void>;
}

export async function startStandInModel(script: (request: SeenRequest['body']) => Script): Promise<StandInModel> {
  const seen: SeenRequest[] = [];
  const stalled = new Set<ServerResponse>();
  const server: Server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    let raw = '';
    for await (const part of request) raw += part;
    if (request.method !== 'POST' || request.url !== '/v1/chat/completions') {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      return;
    }
    const body = JSON.parse(raw) as SeenRequest['body'];
    seen.push({ authorization: request.headers.authorization, body });
    if (request.headers.authorization !== `Bearer ${API_KEY}`) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: 'missing key', type: 'invalid_request_error' } }));
      return;
    }
    const next = script(body);
    if ('stallMs' in next) {
      stalled.add(response);
      setTimeout(() => {
        stalled.delete(response);
        if (!response.destroyed) response.writeHead(200).end(JSON.stringify(completion(body.model, { text: 'late' })));
      }, next.stallMs).unref();
      return;
    }
    if ('status' in next) {
      response.writeHead(next.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: next.error, type: 'server_error', code: null } }));
      return;
    }
    if (body.stream) {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (const event of chunks(body.model, next)) response.write(`data: ${JSON.stringify(event)}\n\n`);
      response.end('data: [DONE]\n\n');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(completion(body.model, next)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    seen,
    async close() {
      for (const response of stalled) response.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

// The assistant over the API's Server-Sent Events variant of POST /api/chat:
// the answer appears as it is written, and each tool call is reported as it
// happens, so the task list can refresh while the assistant is still talking.
import type { ApiClient } from '../api/client.ts';
import { ApiError } from '../api/errors.ts';

export interface ToolCall {
  name: string;
  arguments: Record<string, unknown>;
  result: unknown;
  is_error: boolean;
}

export type ChatEvent =
  | { type: 'conversation'; conversation_id: string }
  | { type: 'tool_call'; call: ToolCall }
  | { type: 'delta'; text: string }
  | { type: 'done'; conversation_id: string; response: string; tool_calls: ToolCall[] };

export interface ChatRequest {
  message: string;
  conversationId: string | undefined;
  timeZone: string | undefined;
}

/** Reads `event:`/`data:` blocks from a stream of Server-Sent Events. */
async function* serverSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event: string; data: string }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      let event = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      yield { event, data };
    }
  }
}

/** Sends one message; calls `onEvent` for each event; resolves when the answer is complete. */
export async function askAssistant(api: ApiClient, request: ChatRequest, onEvent: (event: ChatEvent) => void) {
  const { data } = await api.unwrap(
    api.raw.POST('/api/chat/stream', {
      body: {
        message: request.message,
        ...(request.conversationId === undefined ? {} : { conversation_id: request.conversationId }),
        ...(request.timeZone === undefined ? {} : { time_zone: request.timeZone }),
      },
      parseAs: 'stream',
    }),
  );
  if (!(data instanceof ReadableStream)) throw new ApiError(0, 'The assistant sent no answer; try again.');
  for await (const { event, data: payload } of serverSentEvents(data)) {
    const value = JSON.parse(payload);
    if (event === 'error') throw new ApiError(500, value.error);
    if (event === 'conversation') onEvent({ type: 'conversation', conversation_id: value.conversation_id });
    else if (event === 'tool_call') onEvent({ type: 'tool_call', call: value });
    else if (event === 'delta') onEvent({ type: 'delta', text: value.text });
    else if (event === 'done') onEvent({ type: 'done', ...value });
  }
}

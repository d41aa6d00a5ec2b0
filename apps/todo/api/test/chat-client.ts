// Test support: the API's chat routes, as a client calls them.
import { call } from './support.ts';

export interface ChatAnswer {
  conversation_id: string;
  response: string;
  tool_calls: { name: string; arguments: Record<string, unknown>; result: unknown; is_error: boolean }[];
}

export async function chat(
  apiUrl: string,
  token: string,
  message: string,
  conversationId?: string,
  extra: Record<string, unknown> = {},
) {
  return call<ChatAnswer>(apiUrl, 'POST', '/api/chat', {
    token,
    body: { message, ...(conversationId === undefined ? {} : { conversation_id: conversationId }), ...extra },
  });
}

/** The events of a whole /api/chat/stream answer, each with its JSON data. */
export function serverSentEvents(text: string) {
  return text
    .trim()
    .split('\n\n')
    .map((block) => {
      const [eventLine = '', dataLine = ''] = block.split('\n');
      return { event: eventLine.replace('event: ', ''), data: JSON.parse(dataLine.replace('data: ', '')) };
    });
}

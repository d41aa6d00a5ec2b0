import { HttpError } from '@berth/service-kit';
import type { ConversationsRepository } from './conversations-repository.ts';
import { titleOf } from './conversations-repository.ts';
import { openMcpSession, ToolsUnavailableError } from './mcp-tool-box.ts';
import type { Brain, ChatEvent, ToolCallRecord } from './turn.ts';

export interface ChatRequest {
  userId: string;
  /** The caller's own bearer token, handed to the MCP server so it acts as them. */
  token: string;
  conversationId?: string | undefined;
  message: string;
  timeZone: string;
  stream: boolean;
  /** Called once the conversation is known, before the brain starts (a stream's first event). */
  onStart?(conversationId: string): void;
  onEvent?(event: ChatEvent): void;
}

export interface ChatAnswer {
  conversation_id: string;
  response: string;
  tool_calls: ToolCallRecord[];
}

// Enough context for "complete it" and for a model to follow the thread.
const HISTORY_MESSAGES = 40;

/**
 * One chat turn: find or start the conversation, connect to the MCP server as
 * the caller, let the brain answer, and store both messages. Everything a
 * later turn needs is in the database, so any replica can take the next one.
 */
export function chatService(deps: {
  conversations: ConversationsRepository;
  brain: Brain;
  mcpUrl: string;
  toolTimeoutMs: number;
  clock?: () => Date;
}) {
  const clock = deps.clock ?? (() => new Date());
  return {
    brain: deps.brain.kind,
    async send(request: ChatRequest): Promise<ChatAnswer> {
      const existing =
        request.conversationId === undefined
          ? undefined
          : await deps.conversations.get(request.userId, request.conversationId);
      if (request.conversationId !== undefined && existing === undefined) {
        throw new HttpError(404, `Conversation ${request.conversationId} not found`);
      }
      const history =
        existing === undefined ? [] : await deps.conversations.messages(request.userId, existing.id, HISTORY_MESSAGES);
      const onEvent = request.onEvent ?? (() => undefined);
      let session: Awaited<ReturnType<typeof openMcpSession>>;
      try {
        session = await openMcpSession({
          url: deps.mcpUrl,
          token: request.token,
          timeoutMs: deps.toolTimeoutMs,
          onEvent,
        });
      } catch (error) {
        if (error instanceof ToolsUnavailableError) throw new HttpError(503, error.message, { 'retry-after': '5' });
        throw error;
      }
      try {
        const conversation = existing ?? (await deps.conversations.create(request.userId, titleOf(request.message)));
        request.onStart?.(conversation.id);
        const response = await deps.brain.answer({
          message: request.message,
          history,
          tools: session,
          now: clock(),
          timeZone: request.timeZone,
          stream: request.stream,
          onEvent,
        });
        const toolCalls = [...session.calls];
        await deps.conversations.appendExchange(conversation.id, request.message, {
          content: response,
          tool_calls: toolCalls,
        });
        return { conversation_id: conversation.id, response, tool_calls: toolCalls };
      } finally {
        await session.close().catch(() => undefined);
      }
    },
  };
}

export type ChatService = ReturnType<typeof chatService>;

/**
 * One exchange of the chat: what a brain gets (the message, the history, the
 * tools) and what it gives back (the answer and the tool calls it made).
 * Both brains, the offline interpreter and a language model, meet here.
 */

import type { ToolBox, ToolCallRecord } from '@berth/assistant-kit';

export type { ToolBox, ToolCallRecord, ToolDescription, ToolOutcome } from '@berth/assistant-kit';

export interface HistoryMessage {
  role: 'user' | 'assistant';
  content: string;
  tool_calls: ToolCallRecord[];
}

export type ChatEvent = { type: 'tool_call'; call: ToolCallRecord } | { type: 'delta'; text: string };

export interface TurnInput {
  message: string;
  /** Earlier messages of the conversation, oldest first. */
  history: readonly HistoryMessage[];
  tools: ToolBox;
  now: Date;
  timeZone: string;
  /** Streaming callers get text as it is written; others only the final answer. */
  stream: boolean;
  onEvent(event: ChatEvent): void;
}

export interface Brain {
  readonly kind: 'interpreter' | 'model';
  /** The answer; never throws for a failing provider or tool, it says what happened instead. */
  answer(input: TurnInput): Promise<string>;
}

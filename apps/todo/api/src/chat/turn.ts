/**
 * One exchange of the chat: what a brain gets (the message, the history, the
 * tools) and what it gives back (the answer and the tool calls it made).
 * Both brains, the offline interpreter and a language model, meet here.
 */

export interface ToolCallRecord {
  name: string;
  arguments: Record<string, unknown>;
  /** The tool's structured result, or its text when it has none. */
  result: unknown;
  is_error: boolean;
}

export interface ToolDescription {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface ToolOutcome {
  isError: boolean;
  /** The tool's text content (its error message when isError). */
  text: string;
  structured: unknown;
}

/** The tools as a brain sees them; every call goes through the MCP client and is recorded. */
export interface ToolBox {
  readonly tools: readonly ToolDescription[];
  call(name: string, args: Record<string, unknown>): Promise<ToolOutcome>;
}

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

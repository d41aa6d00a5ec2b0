/**
 * Tools as an assistant's brain sees them: described (name, words, JSON
 * Schema), called by name, each call recorded with its outcome. Both kinds of
 * brain, an offline interpreter and a language model, work through a ToolBox.
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

export interface ToolBox {
  readonly tools: readonly ToolDescription[];
  call(name: string, args: Record<string, unknown>): Promise<ToolOutcome>;
}

/** A tool box that keeps every call made through it, in order. */
export interface RecordingToolBox extends ToolBox {
  readonly calls: readonly ToolCallRecord[];
}

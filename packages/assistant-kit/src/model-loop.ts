import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type {
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import type { ToolBox, ToolCallRecord } from './tools.ts';

/**
 * A language model behind any OpenAI-compatible chat-completions endpoint
 * (OpenAI, Ollama, vLLM, LM Studio) plans with a ToolBox: it is offered every
 * tool, each tool call it makes runs through the box, and the results go back
 * to it until it answers in words, for at most `maxSteps` model requests. A
 * provider that fails, times out or never stops calling tools ends the turn
 * with a message that says so and what was already done; it never throws.
 */

export type { ChatCompletionMessageParam };

export interface ModelSettings {
  model: string;
  /** Base URL of the endpoint, e.g. http://localhost:11434/v1 for Ollama; OpenAI's when unset. */
  baseUrl?: string | undefined;
  /** Local servers often need none. */
  apiKey?: string | undefined;
  /** Model requests (each may call tools) in one turn. */
  maxSteps: number;
  /** Longest wait for one model request. */
  timeoutMs: number;
  /** Retries of a failed request (connection errors, 408/409/429/5xx), as the openai client does them. */
  retries: number;
}

export interface ModelTurn {
  /** The system prompt, earlier messages and the person's message. */
  messages: ChatCompletionMessageParam[];
  tools: ToolBox;
  /** Streaming callers get text as the model writes it; others the final answer in one piece. */
  stream: boolean;
  /** Every piece of the answer's text, in order (the whole answer when not streaming). */
  onText(text: string): void;
}

interface ModelReply {
  content: string;
  toolCalls: { id: string; name: string; arguments: string }[];
}

/** What went wrong with the provider, in words for the person; never the key. */
export function providerFailure(error: unknown, settings: Pick<ModelSettings, 'timeoutMs'>): string {
  if (error instanceof APIConnectionTimeoutError) {
    return `The language model did not answer within ${Math.round(settings.timeoutMs / 1000)} seconds.`;
  }
  if (error instanceof APIConnectionError) return 'The language model service cannot be reached.';
  if (error instanceof APIError) {
    if (error.status === 401 || error.status === 403) return 'The language model service refused the API key.';
    if (error.status === 429) return 'The language model service is rate-limiting us.';
    const detail = error.message.replace(/\s+/g, ' ').slice(0, 200);
    return `The language model service answered with an error (${error.status ?? 'no status'}: ${detail}).`;
  }
  return 'The language model gave an answer that could not be read.';
}

function doneSoFar(calls: readonly ToolCallRecord[], nothing: string): string {
  if (calls.length === 0) return nothing;
  return `Before that I ran: ${calls.map((call) => `${call.name}${call.is_error ? ' (failed)' : ''}`).join(', ')}.`;
}

/** One client per settings; `run` plays one turn. */
export function modelLoop(
  settings: ModelSettings,
  words: { nothingDone: string } = { nothingDone: 'Nothing was changed.' },
) {
  const client = new OpenAI({
    // The client insists on a key; local servers ignore it.
    apiKey: settings.apiKey ?? 'not-needed',
    ...(settings.baseUrl === undefined ? {} : { baseURL: settings.baseUrl }),
    timeout: settings.timeoutMs,
    maxRetries: settings.retries,
  });

  async function whole(messages: ChatCompletionMessageParam[], tools: ChatCompletionTool[]): Promise<ModelReply> {
    const completion = await client.chat.completions.create({
      model: settings.model,
      messages,
      ...(tools.length > 0 ? { tools, tool_choice: 'auto' as const } : {}),
    });
    const message = completion.choices[0]?.message;
    if (message === undefined) throw new Error('no choices in the completion');
    return {
      content: message.content ?? '',
      toolCalls: (message.tool_calls ?? [])
        .filter((call): call is ChatCompletionMessageFunctionToolCall => call.type === 'function')
        .map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments })),
    };
  }

  async function streamed(
    messages: ChatCompletionMessageParam[],
    tools: ChatCompletionTool[],
    onText: (text: string) => void,
  ): Promise<ModelReply> {
    const stream = await client.chat.completions.create({
      model: settings.model,
      messages,
      stream: true,
      ...(tools.length > 0 ? { tools, tool_choice: 'auto' as const } : {}),
    });
    let content = '';
    const toolCalls: ModelReply['toolCalls'] = [];
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta;
      if (delta?.content) {
        content += delta.content;
        onText(delta.content);
      }
      // A tool call arrives in pieces, keyed by its index: the id and name first, the arguments in fragments.
      for (const piece of delta?.tool_calls ?? []) {
        toolCalls[piece.index] ??= { id: '', name: '', arguments: '' };
        const call = toolCalls[piece.index] as ModelReply['toolCalls'][number];
        if (piece.id) call.id = piece.id;
        if (piece.function?.name) call.name += piece.function.name;
        if (piece.function?.arguments) call.arguments += piece.function.arguments;
      }
    }
    return { content, toolCalls: toolCalls.filter(Boolean) };
  }

  return {
    settings,
    /** The answer (also given to onText); never throws for a failing provider or tool. */
    async run(turn: ModelTurn): Promise<string> {
      const tools: ChatCompletionTool[] = turn.tools.tools.map((tool) => ({
        type: 'function',
        function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
      }));
      const messages = [...turn.messages];
      const calls: ToolCallRecord[] = [];
      const say = (text: string) => {
        turn.onText(text);
        return text;
      };

      for (let step = 1; step <= settings.maxSteps; step++) {
        let reply: ModelReply;
        try {
          reply = turn.stream ? await streamed(messages, tools, turn.onText) : await whole(messages, tools);
        } catch (error) {
          return say(
            `${providerFailure(error, settings)} ${doneSoFar(calls, words.nothingDone)} Please try again in a moment.`,
          );
        }
        if (reply.toolCalls.length === 0) {
          if (reply.content.trim() === '') return say('The language model gave an empty answer. Please try again.');
          // Streaming callers already have the text, delta by delta.
          return turn.stream ? reply.content : say(reply.content);
        }
        messages.push({
          role: 'assistant',
          content: reply.content === '' ? null : reply.content,
          tool_calls: reply.toolCalls.map((call) => ({
            id: call.id,
            type: 'function' as const,
            function: { name: call.name, arguments: call.arguments },
          })),
        });
        for (const call of reply.toolCalls) {
          let args: Record<string, unknown>;
          try {
            const parsed: unknown = JSON.parse(call.arguments === '' ? '{}' : call.arguments);
            if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
              throw new Error('not an object');
            args = parsed as Record<string, unknown>;
          } catch {
            messages.push({
              role: 'tool',
              tool_call_id: call.id,
              content: 'Error: the arguments were not a JSON object.',
            });
            continue;
          }
          const outcome = await turn.tools.call(call.name, args);
          calls.push({ name: call.name, arguments: args, result: outcome.text, is_error: outcome.isError });
          messages.push({
            role: 'tool',
            tool_call_id: call.id,
            content: outcome.isError ? `Error: ${outcome.text}` : outcome.text,
          });
        }
      }
      return say(
        `I stopped after ${settings.maxSteps} steps without finishing, so as not to run on forever. ${doneSoFar(calls, words.nothingDone)} Please try a simpler request.`,
      );
    },
  };
}

export type ModelLoop = ReturnType<typeof modelLoop>;

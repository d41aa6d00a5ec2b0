import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type {
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import type { Brain, ToolCallRecord, TurnInput } from './turn.ts';

/**
 * A language model behind any OpenAI-compatible chat-completions endpoint
 * (OpenAI, Ollama, vLLM, LM Studio) plans with the MCP tools: it is offered
 * every tool, each tool call it makes runs through the MCP client, and its
 * results go back to it until it answers in words, for at most `maxSteps`
 * model requests. A provider that fails, times out or never stops calling
 * tools ends the turn with a message that says so; it is never a 500.
 */

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

const HISTORY_MESSAGES = 20;

function systemPrompt(input: TurnInput): string {
  const today = new Intl.DateTimeFormat('en-GB', {
    timeZone: input.timeZone,
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'shortOffset',
  }).format(input.now);
  return [
    "You are the assistant of a todo app. You manage the signed-in person's tasks with the tools given; you cannot see or change anything else.",
    `Now it is ${today} (time zone ${input.timeZone}). Write due dates as RFC 3339 with that offset; a day without a time means 23:59 that day.`,
    'Find a task id with list_tasks before changing or deleting a task you only know by name. If a request is ambiguous, ask instead of guessing.',
    'Answer briefly in plain text, naming tasks as #id "title".',
  ].join('\n');
}

interface ModelReply {
  content: string;
  toolCalls: { id: string; name: string; arguments: string }[];
}

/** What went wrong with the provider, in words for the person; never the key. */
function providerFailure(error: unknown, settings: ModelSettings): string {
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

function doneSoFar(calls: readonly ToolCallRecord[]): string {
  if (calls.length === 0) return 'Nothing was changed.';
  return `Before that I ran: ${calls.map((call) => `${call.name}${call.is_error ? ' (failed)' : ''}`).join(', ')}.`;
}

export function modelBrain(settings: ModelSettings): Brain {
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
    kind: 'model',
    async answer(input) {
      const tools: ChatCompletionTool[] = input.tools.tools.map((tool) => ({
        type: 'function',
        function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
      }));
      const messages: ChatCompletionMessageParam[] = [
        { role: 'system', content: systemPrompt(input) },
        ...input.history
          .slice(-HISTORY_MESSAGES)
          .map((message): ChatCompletionMessageParam => ({ role: message.role, content: message.content })),
        { role: 'user', content: input.message },
      ];
      const calls: ToolCallRecord[] = [];
      const say = (text: string) => {
        input.onEvent({ type: 'delta', text });
        return text;
      };

      for (let step = 1; step <= settings.maxSteps; step++) {
        let reply: ModelReply;
        try {
          reply = input.stream
            ? await streamed(messages, tools, (text) => input.onEvent({ type: 'delta', text }))
            : await whole(messages, tools);
        } catch (error) {
          return say(`${providerFailure(error, settings)} ${doneSoFar(calls)} Please try again in a moment.`);
        }
        if (reply.toolCalls.length === 0) {
          if (reply.content.trim() === '') return say('The language model gave an empty answer. Please try again.');
          // Streaming callers already have the text, delta by delta.
          return input.stream ? reply.content : say(reply.content);
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
          const outcome = await input.tools.call(call.name, args);
          calls.push({ name: call.name, arguments: args, result: outcome.text, is_error: outcome.isError });
          messages.push({
            role: 'tool',
            tool_call_id: call.id,
            content: outcome.isError ? `Error: ${outcome.text}` : outcome.text,
          });
        }
      }
      return say(
        `I stopped after ${settings.maxSteps} steps without finishing, so as not to run on forever. ${doneSoFar(calls)} Please try a simpler request.`,
      );
    },
  };
}

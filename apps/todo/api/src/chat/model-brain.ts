import { type ChatCompletionMessageParam, type ModelSettings, modelLoop } from '@berth/assistant-kit';
import type { Brain, TurnInput } from './turn.ts';

/**
 * A language model behind any OpenAI-compatible chat-completions endpoint
 * plans with the Todo MCP tools: the system prompt and the conversation are
 * the Todo assistant's own, the tool loop (every tool call through the MCP
 * client, at most `maxSteps` model requests, a failing provider worded for
 * the person, never a 500) is the assistant kit's `modelLoop`.
 */

export type { ModelSettings };

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

export function modelBrain(settings: ModelSettings): Brain {
  const loop = modelLoop(settings);
  return {
    kind: 'model',
    answer(input) {
      const messages: ChatCompletionMessageParam[] = [
        { role: 'system', content: systemPrompt(input) },
        ...input.history
          .slice(-HISTORY_MESSAGES)
          .map((message): ChatCompletionMessageParam => ({ role: message.role, content: message.content })),
        { role: 'user', content: input.message },
      ];
      return loop.run({
        messages,
        tools: input.tools,
        stream: input.stream,
        onText: (text) => input.onEvent({ type: 'delta', text }),
      });
    },
  };
}

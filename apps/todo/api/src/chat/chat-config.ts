import { env, z } from '@berth/service-kit';

/**
 * The chat's settings, part of the Todo API's configuration. With CHAT_MODEL
 * and an endpoint (OPENAI_BASE_URL, or OPENAI_API_KEY for OpenAI itself) a
 * language model answers; otherwise the offline interpreter does.
 */
export const chatVariables = {
  // Where the MCP server listens; the chat reaches tasks only through it.
  TODO_MCP_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL like http://todo-mcp:8080/mcp' })
    .default('http://localhost:8080/mcp'),
  // Longest wait for the MCP server (connecting, listing tools, one tool call).
  CHAT_TOOL_TIMEOUT_MS: env.integer({ default: 15_000, min: 100, max: 120_000 }),
  OPENAI_API_KEY: env.optionalString(),
  OPENAI_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL like http://localhost:11434/v1' })
    .optional(),
  CHAT_MODEL: env.optionalString(),
  // Model requests in one chat turn; a model that keeps calling tools stops here.
  CHAT_MAX_STEPS: env.integer({ default: 8, min: 1, max: 50 }),
  // Longest wait for one model request.
  CHAT_MODEL_TIMEOUT_MS: env.integer({ default: 60_000, min: 100, max: 600_000 }),
  CHAT_MODEL_RETRIES: env.integer({ default: 1, min: 0, max: 5 }),
};

type ChatConfig = z.output<z.ZodObject<typeof chatVariables>>;

/** The model settings when one is configured, else undefined (the offline interpreter answers). */
export function modelSettings(config: ChatConfig) {
  if (config.CHAT_MODEL === undefined) return undefined;
  if (config.OPENAI_BASE_URL === undefined && config.OPENAI_API_KEY === undefined) return undefined;
  return {
    model: config.CHAT_MODEL,
    baseUrl: config.OPENAI_BASE_URL,
    apiKey: config.OPENAI_API_KEY,
    maxSteps: config.CHAT_MAX_STEPS,
    timeoutMs: config.CHAT_MODEL_TIMEOUT_MS,
    retries: config.CHAT_MODEL_RETRIES,
  };
}

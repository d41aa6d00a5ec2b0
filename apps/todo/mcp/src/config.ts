import { env, httpServiceConfigSchema, z } from '@berth/service-kit';

/**
 * The MCP server holds no database and no secrets: it needs only where the
 * Todo API is. Every tool call is made with the caller's own bearer token.
 */
export const configSchema = httpServiceConfigSchema(8080, {
  TODO_API_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL like http://todo-api:8000' })
    .default('http://localhost:8000')
    .transform((url) => url.replace(/\/+$/, '')),
  // Longest wait for one Todo API answer; a tool call fails with a clear message after it.
  TODO_API_TIMEOUT_MS: env.integer({ default: 10_000, min: 100, max: 120_000 }),
});

export type Config = z.output<typeof configSchema>;

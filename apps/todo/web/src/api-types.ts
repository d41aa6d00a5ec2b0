// The client's API types come from the Todo API's own OpenAPI document, read
// from a real API process (never hand-copied), so they describe exactly what
// the server validates and serializes. Used by `npm run generate:api` and by
// the drift test, so both produce byte-identical text.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnService } from '@berth/testkit';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';

export const API_TYPES_FILE = fileURLToPath(new URL('../ui/api/schema.generated.ts', import.meta.url));
const API_MAIN = fileURLToPath(import.meta.resolve('@berth/todo-api'));

const HEADER = `// Generated from the Todo API's /api/openapi.json by
//   npm run -w apps/todo/web generate:api
// Do not edit: re-run that command when the API changes (a test fails until you do).
`;

/** Starts the Todo API on a throw-away embedded database and returns its live OpenAPI document. */
export async function fetchLiveOpenApiDocument(): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'todo-web-openapi-'));
  const api = await spawnService(API_MAIN, {
    env: { DATA_DIR: dataDir, NODE_ENV: 'development', SHUTDOWN_DRAIN_MS: '0', LOG_LEVEL: 'warn' },
    readyPath: '/health',
    timeoutMs: 60_000,
  });
  try {
    const response = await fetch(`${api.url}/api/openapi.json`);
    if (!response.ok) throw new Error(`GET /api/openapi.json answered ${response.status}`);
    return (await response.json()) as Record<string, unknown>;
  } finally {
    await api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The TypeScript text of the types of an OpenAPI document, as committed. */
export async function apiTypesSource(document: Record<string, unknown>): Promise<string> {
  const ast = await openapiTS(document as unknown as OpenAPI3, { alphabetize: true });
  return `${HEADER}\n${astToString(ast)}`;
}

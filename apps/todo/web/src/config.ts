import { fileURLToPath } from 'node:url';
import { env, httpServiceConfigSchema, z } from '@berth/service-kit';

export const DIST_DIR = fileURLToPath(new URL('../dist', import.meta.url));

/**
 * The local web server's settings: the kit's service variables (PORT, HOST,
 * LOG_LEVEL, SHUTDOWN_*) plus where the API is and which files to serve.
 * In Kubernetes nginx serves the same files (see nginx.conf); this server is
 * for `npm start` and the browser tests.
 */
export const configSchema = httpServiceConfigSchema(3000, {
  // Where /api/... is forwarded: the Todo API's base URL.
  API_URL: z
    .string()
    .default('http://localhost:8000')
    .pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })),
  // The built app (Vite's output).
  STATIC_DIR: env.string(DIST_DIR),
  // Rebuild STATIC_DIR from the sources at start when they changed since the last build (npm start).
  BUILD_WHEN_STALE: env.boolean(false),
});

export type Config = z.output<typeof configSchema>;

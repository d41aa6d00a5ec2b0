import { env, serviceConfigSchema } from '@berth/service-kit';

/** Names Manager API settings, named as the chart's ConfigMap sets them. */
export const configSchema = serviceConfigSchema(5000, {
  MAX_NAME_LENGTH: env.integer({ default: 50, min: 1, max: 10_000 }),
  // Folder of the web UI to serve at "/" when running without nginx (npm start).
  STATIC_DIR: env.optionalString(),
});

export type Config = ReturnType<typeof configSchema.parse>;

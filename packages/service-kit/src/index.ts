export type { FastifyInstance } from 'fastify';
export { z } from 'zod';
export { ConfigError, env, loadConfig, parseConfig } from './config.ts';
export * from './database/index.ts';
export { HttpError } from './errors.ts';
export { type Check, Health, type Readiness } from './health.ts';
export {
  createHttpService,
  type HttpService,
  type HttpServiceConfig,
  httpServiceConfigSchema,
} from './http-service.ts';
export { createLogger, type Logger, type LogLevel } from './logger.ts';
export type { Metrics } from './metrics.ts';
export { type ApiDocumentInfo, errorResponses, errorSchema, jsonResponse } from './openapi.ts';
export { NO_STORE } from './security-headers.ts';
export {
  createService,
  runService,
  type Service,
  type ServiceApp,
  type ServiceConfig,
  type ServiceOptions,
  serviceConfigSchema,
  serviceVariables,
} from './service.ts';
export { exitWithStartupError, StartupError } from './startup-error.ts';
export { idParam, objectBody, type TextRule, text } from './text.ts';
export { isTimeZone, startOfDay, zonedDate, zonedInstant, zoneOffsetMs } from './zoned-time.ts';

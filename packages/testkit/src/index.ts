export { type Backend, backends, embeddedBackend, postgresBackend } from './backends.ts';
export { launchChromium } from './browser.ts';
export { freePort } from './ports.ts';
export { type PostgresServer, startPostgresServer } from './postgres-server.ts';
export { type ServiceProcess, type SpawnOptions, spawnService } from './service-process.ts';

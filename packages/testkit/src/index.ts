export { type Backend, backends, embeddedBackend, postgresBackend } from './backends.ts';
export { launchChromium } from './browser.ts';
export {
  HELM,
  helmTemplate,
  helmTemplateArgs,
  type K8sObject,
  KUBE_VERSION,
  parseManifests,
  podSpecs,
  type RenderOptions,
  renderChart,
} from './helm.ts';
export { freePort } from './ports.ts';
export { type PostgresServer, startPostgresServer } from './postgres-server.ts';
export { type RedisServer, startRedisServer } from './redis-server.ts';
export { type ServiceProcess, type SpawnOptions, spawnService } from './service-process.ts';
export { waitFor } from './wait.ts';

import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Health } from './health.ts';

/**
 * Holds responses back for a moment at the end of shutdown (see
 * closeWithoutResets): while no answer leaves, no client is prompted to open
 * a new connection, so the listener can close with no connection waiting in
 * its accept queue — the kernel would reset those.
 */
export class ResponseGate {
  #shut: Promise<void> | undefined;
  #open: (() => void) | undefined;

  shut(): void {
    this.#shut ??= new Promise<void>((resolve) => {
      this.#open = resolve;
    });
  }

  open(): void {
    this.#open?.();
    this.#shut = undefined;
  }

  /** Resolves at once while open; otherwise when the gate opens. */
  passage(): Promise<void> | undefined {
    return this.#shut;
  }
}

/**
 * Once draining, each response closes its connection: keep-alive clients
 * reconnect through the Service to another pod, and no idle connection holds
 * the listener open past the in-flight requests.
 */
export const drainPlugin = fp<{ health: Health; gate: ResponseGate }>(
  async (app: FastifyInstance, { health, gate }) => {
    app.addHook('onSend', async (_request, reply) => {
      if (!health.draining) return;
      reply.header('connection', 'close');
      await gate.passage();
    });
  },
  { name: 'berth-drain', fastify: '5.x' },
);

/** How long answers are held before the listener closes: clients already connecting get accepted meanwhile. */
const HOLD_MS = 250;
/** How long connections open but idle at close may still deliver a request; ample for one being written. */
const IDLE_GRACE_MS = 1000;

/**
 * Stops accepting connections without resetting any, in three steps.
 * (1) Hold answers for HOLD_MS: a client opens a new connection only after an
 * answer (each carries Connection: close while draining), so the connections
 * already on their way arrive and are accepted, and no more follow; the
 * listener then closes with an empty accept queue (the kernel resets queued
 * connections; a client connecting after the close is refused, which it can
 * retry elsewhere). (2) Release the answers. (3) Node's server.close()
 * destroys every connection with no request in progress, including one a
 * client has just opened and is writing to — unread bytes make that close a
 * reset — so idle connections get IDLE_GRACE_MS to deliver a request before
 * those still idle are closed. Resolves when in-flight requests are done.
 */
export async function closeWithoutResets(app: FastifyInstance, gate: ResponseGate): Promise<void> {
  const server = app.server;
  if (!server.listening) return app.close(); // no connections to spare (a test using inject)
  gate.shut();
  await new Promise((resolve) => setTimeout(resolve, HOLD_MS));

  const closeIdleConnections = server.closeIdleConnections.bind(server);
  server.closeIdleConnections = () => undefined;
  const closeListener = server.close.bind(server);
  const listenerClosed = new Promise<void>((resolve) => {
    server.close = (callback?: (error?: Error) => void) => {
      closeListener(callback);
      resolve();
      return server;
    };
  });
  const closed = app.close();
  await listenerClosed;
  gate.open();

  await new Promise((resolve) => setTimeout(resolve, IDLE_GRACE_MS));
  server.closeIdleConnections = closeIdleConnections;
  closeIdleConnections();
  await closed;
}

import type { Server, ServerResponse } from 'node:http';
import { logger } from './logger.js';

/** How long requests in flight (an upload on a slow line) may take to finish after a stop signal. */
export const SHUTDOWN_GRACE_MS = 30_000;

/**
 * Prepares `server` to stop gently and returns the stop: it accepts no new connection, closes the
 * idle keep-alive ones, lets the requests in flight finish (each answered with
 * `Connection: close`, so the client sends nothing more on that socket), then resolves.
 * Connections still busy after `graceMs` are cut. The caller then closes the database pool.
 * Call it when the server is created: it keeps track of the responses in flight from then on.
 */
export function gracefulStop(server: Server): (graceMs?: number) => Promise<void> {
  const inFlight = new Set<ServerResponse>();
  let stopping = false;
  server.on('request', (_req, res: ServerResponse) => {
    if (stopping) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
  });
  return (graceMs = SHUTDOWN_GRACE_MS) =>
    new Promise((resolve) => {
      stopping = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      const force = setTimeout(() => {
        logger.warn({ graceMs, inFlight: inFlight.size }, 'shutdown: requests still running after the grace period were cut');
        server.closeAllConnections();
      }, graceMs);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        resolve();
      });
      server.closeIdleConnections();
    });
}

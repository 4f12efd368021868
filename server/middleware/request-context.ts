import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { logger } from '../logger.js';
import { withGenerationScope } from '../services/change-generations.js';

/**
 * Gives each request an id (shown on error pages), logs it as one JSON line when it ends, and
 * runs it in a generation scope of its own (the cached figures' generations it has read).
 */
export function requestContext(req: Request, res: Response, next: NextFunction): void {
  req.id = randomUUID();
  res.setHeader('X-Request-Id', req.id);
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    logger.info(
      {
        requestId: req.id,
        method: req.method,
        // The path only: query strings may carry search terms about people.
        path: req.path,
        status: res.statusCode,
        ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        userId: req.user?.id,
      },
      'request',
    );
  });
  withGenerationScope(next);
}

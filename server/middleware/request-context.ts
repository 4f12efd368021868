import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { logger } from '../logger.js';

/** Gives each request an id (shown on error pages) and logs it as one JSON line when it ends. */
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
  next();
}

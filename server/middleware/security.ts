import { randomBytes } from 'node:crypto';
import { csrfSync } from 'csrf-sync';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { ForbiddenError } from '../errors.js';

/** helmet with a per-response nonce for the app's own scripts; nothing loads from elsewhere. */
export function securityHeaders() {
  const withNonce = (_req: Request, res: Response, next: NextFunction) => {
    res.locals.cspNonce = randomBytes(16).toString('base64');
    next();
  };
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
  return [withNonce, headers];
}

const csrf = csrfSync({
  // A multipart form carries its token in the query string, so the check runs before any file
  // is streamed and no upload route can forget it; everything else posts it as `_csrf`.
  getTokenFromRequest: (req) => {
    const token =
      (req.body as Record<string, unknown> | undefined)?._csrf ?? req.headers['x-csrf-token'] ?? (req.is('multipart/form-data') ? req.query._csrf : undefined);
    return typeof token === 'string' ? token : undefined;
  },
});

/** The synchroniser token for a form; written to the session so it stays stable. */
export const csrfToken = (req: Request): string => csrf.generateToken(req);

/**
 * Refuses a state-changing request from another site: a `Sec-Fetch-Site` that is not
 * same-origin (or a direct navigation), then a missing or wrong synchroniser token.
 */
export function crossSiteProtection(req: Request, res: Response, next: NextFunction): void {
  if (['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return next();
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return next(new ForbiddenError('errors.crossSite'));
  }
  csrf.csrfSynchronisedProtection(req, res, (err?: unknown) => {
    if (err) return next(new ForbiddenError('errors.csrf'));
    next();
  });
}

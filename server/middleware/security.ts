import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
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

/**
 * Where a request carries its token. A multipart form carries it in the query string, so the
 * check runs before any file is streamed and no upload route can forget it; everything else posts
 * it as `_csrf`.
 */
function tokenOf(req: Request): string | undefined {
  const token =
    (req.body as Record<string, unknown> | undefined)?._csrf ?? req.headers['x-csrf-token'] ?? (req.is('multipart/form-data') ? req.query._csrf : undefined);
  return typeof token === 'string' ? token : undefined;
}

const csrf = csrfSync({ getTokenFromRequest: tokenOf });

/**
 * Visitors (no one signed in) get a signed double-submit token instead of a session: a random
 * value in a cookie of their own, and in each form its HMAC under a key derived from the session
 * secret. Another site can neither read the cookie nor compute the HMAC, and an anonymous page
 * view costs no session row (SECURITY.md: a flood of visits must not grow the sessions table).
 */
let visitor: { key: Buffer; cookie: string; secure: boolean } | undefined;

/** Set once by createApp: the key of visitors' tokens and whether their cookie is Secure. */
export function configureVisitorTokens(sessionSecret: string, secure: boolean): void {
  const key = Buffer.from(hkdfSync('sha256', sessionSecret, 'careprocure', 'visitor-csrf', 32));
  visitor = { key, cookie: secure ? '__Host-careprocure.visitor' : 'careprocure.visitor', secure };
}

function visitorConfig() {
  if (!visitor) throw new Error('configureVisitorTokens was not called (createApp does)');
  return visitor;
}

const visitorTokenOf = (nonce: string) => `v.${createHmac('sha256', visitorConfig().key).update(nonce).digest('base64url')}`;

function visitorToken(req: Request): string {
  const { cookie, secure } = visitorConfig();
  const cookies = req.cookies as Record<string, unknown> | undefined;
  let nonce = typeof cookies?.[cookie] === 'string' ? (cookies[cookie] as string) : '';
  if (!/^[A-Za-z0-9_-]{43}$/.test(nonce)) {
    nonce = randomBytes(32).toString('base64url');
    (cookies ?? {})[cookie] = nonce;
    req.res?.cookie(cookie, nonce, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
  }
  return visitorTokenOf(nonce);
}

function visitorTokenValid(req: Request, token: string | undefined): boolean {
  const nonce = (req.cookies as Record<string, unknown> | undefined)?.[visitorConfig().cookie];
  if (typeof nonce !== 'string' || typeof token !== 'string') return false;
  const expected = Buffer.from(visitorTokenOf(nonce));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * The CSRF token for a form: for a signed-in user the synchroniser token kept in their session;
 * for a visitor the signed double-submit token, which writes no session.
 */
export const csrfToken = (req: Request): string => (req.user ? csrf.generateToken(req) : visitorToken(req));

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
  if (!req.user) {
    if (!visitorTokenValid(req, tokenOf(req))) return next(new ForbiddenError('errors.csrf'));
    return next();
  }
  csrf.csrfSynchronisedProtection(req, res, (err?: unknown) => {
    if (err) return next(new ForbiddenError('errors.csrf'));
    next();
  });
}

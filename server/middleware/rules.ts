import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ForbiddenError } from '../errors.js';
import { can } from '../policies/index.js';

/** Marks the middleware that states a route's rule; the router test looks for it on every route. */
export const RULE = Symbol('careprocure.rule');

export type RuleDescription = { kind: 'public' } | { kind: 'signed-in' } | { kind: 'policy'; action: string; resource: string };

type RuledHandler = RequestHandler & { [RULE]: RuleDescription };

function mark(handler: RequestHandler, description: RuleDescription): RuledHandler {
  return Object.assign(handler, { [RULE]: description });
}

/** Sends an anonymous visitor to the sign-in page (or 401 for non-page requests). */
function requireSignIn(req: Request, res: Response): boolean {
  if (req.user) return true;
  if (req.method === 'GET' && req.accepts('html')) {
    const next = req.originalUrl.startsWith('/') && !req.originalUrl.startsWith('//') ? req.originalUrl : '/';
    res.redirect(`/login?next=${encodeURIComponent(next)}`);
  } else {
    res.status(401).type('text/plain').send(req.t('errors.signInRequired'));
  }
  return false;
}

/** Anyone may call this route, signed in or not (sign-in page, language switch, health). */
export const publicRoute: RequestHandler = mark((_req, _res, next) => next(), { kind: 'public' });

/** Any signed-in user may call this route. */
export const signedIn: RequestHandler = mark(
  (req, res, next) => {
    if (requireSignIn(req, res)) next();
  },
  { kind: 'signed-in' },
);

/**
 * The route's rule from the policy registry: `rule('list', 'user')`. Record-level conditions are
 * checked again by the handler with `authorize(actor, action, resource, record)` once the record
 * is loaded through its scope.
 */
export function rule(action: string, resource: string): RequestHandler {
  return mark(
    (req: Request, res: Response, next: NextFunction) => {
      if (!requireSignIn(req, res)) return;
      if (!can(req.user, action, resource)) return next(new ForbiddenError());
      next();
    },
    { kind: 'policy', action, resource },
  );
}

export function ruleOf(handler: unknown): RuleDescription | undefined {
  return typeof handler === 'function' ? (handler as Partial<RuledHandler>)[RULE] : undefined;
}

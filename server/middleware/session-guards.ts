import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { now } from '../clock.js';

/**
 * Ends a session 10 hours after sign-in whatever its activity (idle expiry is the cookie's and
 * the store's). The user signs in again.
 */
export function sessionLifetime(absoluteMs: number): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.user) return next();
    const signedInAt = req.session.signedInAt;
    if (typeof signedInAt === 'number' && now().getTime() - signedInAt < absoluteMs) return next();
    req.session.destroy((err) => {
      if (err) return next(err);
      req.user = undefined;
      if (req.method === 'GET') return res.redirect('/login?expired=1');
      res
        .status(401)
        .type('text/plain')
        .send(req.t ? req.t('errors.sessionExpired') : 'Session expired');
    });
  };
}

const ALLOWED_WHILE_CHANGING = ['/account/password', '/logout', '/lang'];

/** After a one-time password, nothing but changing it (or signing out) is possible. */
export function passwordChangeGate(req: Request, res: Response, next: NextFunction): void {
  if (!req.user?.mustChangePassword) return next();
  if (ALLOWED_WHILE_CHANGING.includes(req.path) || req.path.startsWith('/public/') || req.path.startsWith('/vendor/')) {
    return next();
  }
  if (req.method === 'GET') return res.redirect('/account/password');
  res.status(403).type('text/plain').send(req.t('account.mustChangeFirst'));
}

/**
 * Saves a changed session before a redirect goes out. express-session sends a response's headers
 * before its own save has finished, and a browser follows a 302 at once, so the next page could
 * load the session as it was (a sign-in not yet recorded, a flash message missing).
 */
export function saveSessionBeforeRedirect(req: Request, res: Response, next: NextFunction): void {
  const before = req.session ? JSON.stringify(req.session) : undefined;
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    if (!req.session || JSON.stringify(req.session) === before) return redirect(...args);
    req.session.save((err) => (err ? next(err) : redirect(...args)));
  }) as Response['redirect'];
  next();
}

/**
 * express-session, with `unset: 'destroy'`, deletes the stored session of a request whose session
 * could not be read (its `req.session` stays empty) when the response ends, and holds the response
 * until that delete is done. When the read failed because the database is away, that delete waits
 * for the same database (the 503 came only after the general statement limit), would sign the
 * user out if it reached a database that is back, and its failure ran the error handler a second
 * time after the page was sent. A session the store could not read is therefore left alone.
 */
export function keepSessionWhenUnreadable(sessions: RequestHandler): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) =>
    sessions(req, res, (err?: unknown) => {
      if (err && !req.session) Reflect.deleteProperty(req, 'sessionID');
      next(err);
    });
}

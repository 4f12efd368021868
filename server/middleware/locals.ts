import type { NextFunction, Request, Response } from 'express';
import { DEFAULT_LOCALE, isLocale, translator } from '../i18n/index.js';
import { csrfToken } from './security.js';

export const LANG_COOKIE = 'lang';

/**
 * What every page needs: the language and its translator, the signed-in user, the role's
 * navigation, pending flash messages and a CSRF token on demand. The navigation is a view model:
 * the app hands in its presenter (`navigationFor`), so this middleware imports nothing above it.
 */
export const locals =
  (navigationOf: (user: Request['user'], path: string) => unknown) =>
  (req: Request, res: Response, next: NextFunction): void => {
    const fromCookie = (req.cookies as Record<string, unknown> | undefined)?.[LANG_COOKIE];
    req.locale = isLocale(fromCookie) ? fromCookie : DEFAULT_LOCALE;
    req.t = translator(req.locale);
    res.locals.t = req.t;
    res.locals.locale = req.locale;
    res.locals.currentPath = req.path;
    res.locals.requestId = req.id;
    res.locals.currentUser = req.user ? { displayName: req.user.displayName, role: req.user.role, username: req.user.username } : null;
    res.locals.nav = navigationOf(req.user, req.path);
    res.locals.csrfToken = () => csrfToken(req);
    res.locals.flash = req.session?.flash ?? [];
    if (req.session?.flash) delete req.session.flash;
    res.locals.pageTitle = '';
    // Pages for a signed-in user carry personal and business data: never kept by the browser or a
    // proxy, so the back button on a shared office computer shows nothing after sign-out.
    if (req.user) res.setHeader('Cache-Control', 'private, no-store');
    next();
  };

/** Queues a message for the next page the user sees. */
export function flash(req: Request, type: 'success' | 'info' | 'warning' | 'danger', key: string, vars?: Record<string, string | number>): void {
  req.session.flash = [...(req.session.flash ?? []), { type, key, vars }];
}

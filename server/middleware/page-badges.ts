import type { NextFunction, Request, Response } from 'express';
import { logger } from '../logger.js';

/**
 * The counts the navigation shows on every page of a signed-in user (to-dos, unread
 * notifications, #16), read from the database at most once per request and only when a page is
 * rendered (a redirect, a download or an export never pays for them). A route that needs the same
 * counts (the to-do list itself) takes them from `res.locals.pageBadges()` instead of asking again.
 * The app hands in its presenter, so this middleware imports nothing above it. A failure to count
 * leaves the page without its badges rather than failing the page.
 */
export const pageBadges =
  <B>(badgesOf: (user: NonNullable<Request['user']>) => Promise<B>) =>
  (req: Request, res: Response, next: NextFunction): void => {
    const user = req.user;
    if (!user) {
      next();
      return;
    }
    let once: Promise<B> | undefined;
    const badges = () => {
      once ??= badgesOf(user);
      return once;
    };
    res.locals.pageBadges = badges;
    const render = res.render.bind(res) as (...args: unknown[]) => void;
    res.render = ((...args: unknown[]) => {
      badges().then(
        (value) => {
          res.locals.badges = value;
          render(...args);
        },
        (err: unknown) => {
          logger.warn({ err: String(err), requestId: req.id }, 'page badges not counted');
          render(...args);
        },
      );
    }) as Response['render'];
    next();
  };

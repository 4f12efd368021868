import { Router } from 'express';
import { publicRoute } from '../server/middleware/rules.js';
import { validateParams, validateQuery } from '../server/middleware/validate.js';
import { PUBLIC_ANNOUNCEMENTS_PATH, publicAnnouncement, publicAnnouncementList } from '../server/presenters/announcements.js';
import { publicAnnouncementQuery } from '../server/schemas/announcements.js';
import { idParams } from '../server/schemas/common.js';
import { idOf, langOf, queryOf } from './kit.js';

/**
 * The issued lottery-fund announcements for everyone (#19): no sign-in, no session, the app's
 * CSP; only what an issued announcement says, exactly as issued; anything else is a 404.
 */
export function publicAnnouncementsRouter(): Router {
  const router = Router();
  router.get(PUBLIC_ANNOUNCEMENTS_PATH, publicRoute, validateQuery(publicAnnouncementQuery), async (req, res) => {
    const list = await publicAnnouncementList(queryOf(res, publicAnnouncementQuery), langOf(req));
    res.render('public/announcements', { pageTitle: req.t('announcements.publicTitle'), list });
  });
  router.get(`${PUBLIC_ANNOUNCEMENTS_PATH}/:id`, publicRoute, validateParams(idParams), async (req, res) => {
    const a = await publicAnnouncement(idOf(res), langOf(req));
    res.render('public/announcement', { pageTitle: a.content.title, a });
  });
  return router;
}

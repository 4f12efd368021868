import { Router } from 'express';
import { notificationsReader } from '../server/commands/notifications/notificationsReader.js';
import { signedIn } from '../server/middleware/rules.js';
import { validateParams, validateQuery } from '../server/middleware/validate.js';
import { NOTIFICATIONS_PATH, notificationsPage, notificationTarget } from '../server/presenters/notifications.js';
import { idParams } from '../server/schemas/common.js';
import { notificationsQuery } from '../server/schemas/notifications.js';
import { actorOf, by, idOf, langOf, queryOf } from './kit.js';

/** Each person's notifications (通知, #16): listed newest first, opened (read) or marked read; only their own. */
export function notificationsRouter(): Router {
  const router = Router();
  router.get(NOTIFICATIONS_PATH, signedIn, validateQuery(notificationsQuery), async (req, res) => {
    const page = await notificationsPage(actorOf(req), queryOf(res, notificationsQuery), langOf(req));
    res.render('notifications/index', { pageTitle: req.t('notifications.title'), page });
  });
  router.post(`${NOTIFICATIONS_PATH}/read-all`, signedIn, async (req, res) => {
    await notificationsReader('all', by(req));
    res.redirect(303, NOTIFICATIONS_PATH);
  });
  router.post(`${NOTIFICATIONS_PATH}/:id/read`, signedIn, validateParams(idParams), async (req, res) => {
    await notificationsReader(idOf(res), by(req));
    res.redirect(303, NOTIFICATIONS_PATH);
  });
  // Opening a notification reads it and goes to its record.
  router.post(`${NOTIFICATIONS_PATH}/:id/open`, signedIn, validateParams(idParams), async (req, res) => {
    const notification = await notificationsReader(idOf(res), by(req));
    res.redirect(303, notificationTarget(notification!));
  });
  return router;
}

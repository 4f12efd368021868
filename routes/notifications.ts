import { Router } from 'express';
import type { Request, Response } from 'express';
import { deliveryPreferencesSaver } from '../server/commands/notifications/deliveryPreferencesSaver.js';
import { notificationsReader } from '../server/commands/notifications/notificationsReader.js';
import { flash } from '../server/middleware/locals.js';
import { rule, signedIn } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody, validateParams, validateQuery } from '../server/middleware/validate.js';
import { DELIVERY_LOG_RESOURCE } from '../server/policies/notification.js';
import { DELIVERY_LOG_PATH, deliveryLogPage } from '../server/presenters/delivery-log.js';
import {
  DELIVERY_PREFERENCES_PATH,
  deliveryPreferencesForm,
  PREFERENCES_LABEL_KEYS,
  preferencesChoices,
  preferencesFormValuesOf,
} from '../server/presenters/delivery-preferences.js';
import { deliveryPreferencesForm as preferencesSchema } from '../server/schemas/delivery-preferences.js';
import { NOTIFICATIONS_PATH, notificationsPage, notificationTarget } from '../server/presenters/notifications.js';
import { idParams } from '../server/schemas/common.js';
import { deliveryLogQuery, notificationsQuery } from '../server/schemas/notifications.js';
import { actorOf, bodyOf, by, idOf, langOf, queryOf, staleEdit } from './kit.js';
import type { User } from '../models/User.js';

const renderPreferences: OnInvalid = async (req: Request, res: Response, form) => {
  const view = await deliveryPreferencesForm(
    actorOf(req).id,
    langOf(req),
    Object.keys(form.values).length ? { values: form.values, errors: form.errors } : null,
  );
  res.render('notifications/preferences', { pageTitle: req.t('deliveryPrefs.title'), view });
};

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
  // Each person's own settings: where and how often notifications reach them beyond the app.
  router.get(DELIVERY_PREFERENCES_PATH, signedIn, (req, res) => renderPreferences(req, res, { values: {}, errors: {} }));
  router.post(
    DELIVERY_PREFERENCES_PATH,
    signedIn,
    staleEdit((user: User) => preferencesFormValuesOf(user), {
      area: 'deliveryPrefs',
      keys: PREFERENCES_LABEL_KEYS,
      choices: async (req) => preferencesChoices(langOf(req)),
    }),
    validateBody(preferencesSchema, renderPreferences),
    async (req, res) => {
      await deliveryPreferencesSaver(bodyOf(res, preferencesSchema), by(req));
      flash(req, 'success', 'deliveryPrefs.saved');
      res.redirect(303, DELIVERY_PREFERENCES_PATH);
    },
  );
  router.get(DELIVERY_LOG_PATH, rule('list', DELIVERY_LOG_RESOURCE), validateQuery(deliveryLogQuery), async (req, res) => {
    const log = await deliveryLogPage(queryOf(res, deliveryLogQuery), langOf(req));
    res.render('notifications/delivery-log', { pageTitle: req.t('deliveryLog.title'), log });
  });
  return router;
}

import { type Request, type Response, Router } from 'express';
import { reminderSettingsSaver } from '../server/commands/notifications/reminderSettingsSaver.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody } from '../server/middleware/validate.js';
import { REMINDER_SETTINGS_RESOURCE } from '../server/policies/notification.js';
import {
  REMINDER_SETTINGS_PATH,
  reminderChoices,
  reminderFieldLabels,
  reminderFormValuesOf,
  reminderSettingsForm,
} from '../server/presenters/reminder-settings.js';
import { reminderSettingsForm as settingsSchema, reminderSettingsOf, withUntickedBoxes } from '../server/schemas/reminders.js';
import { bodyOf, by, langOf, staleEdit } from './kit.js';

const render: OnInvalid = async (req: Request, res: Response, form) => {
  const view = await reminderSettingsForm(langOf(req), form.values && Object.keys(form.values).length ? { values: form.values, errors: form.errors } : null);
  res.render('admin/reminders', { pageTitle: req.t('reminders.title'), view });
};

/** The administrator's page of the city's reminder settings (#16). */
export function reminderSettingsRouter(): Router {
  const router = Router();
  router.get(REMINDER_SETTINGS_PATH, rule('read', REMINDER_SETTINGS_RESOURCE), (req, res) => render(req, res, { values: {}, errors: {} }));
  router.post(
    REMINDER_SETTINGS_PATH,
    rule('update', REMINDER_SETTINGS_RESOURCE),
    (req, _res, next) => {
      req.body = withUntickedBoxes((req.body as Record<string, unknown> | undefined) ?? {});
      next();
    },
    // A save based on settings another administrator (or another tab) saved since is refused, shown and kept.
    staleEdit(() => reminderFormValuesOf(), {
      area: 'reminders',
      fields: (req) => reminderFieldLabels(langOf(req)),
      choices: async (req) => reminderChoices(langOf(req)),
    }),
    validateBody(settingsSchema, render),
    async (req, res) => {
      const body = bodyOf(res, settingsSchema);
      await reminderSettingsSaver(reminderSettingsOf(body), by(req), body._version);
      flash(req, 'success', 'reminders.saved');
      res.redirect(303, REMINDER_SETTINGS_PATH);
    },
  );
  return router;
}

import { type Request, type Response, Router } from 'express';
import { reminderSettingsSaver } from '../server/commands/notifications/reminderSettingsSaver.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody } from '../server/middleware/validate.js';
import { REMINDER_SETTINGS_RESOURCE } from '../server/policies/notification.js';
import { REMINDER_SETTINGS_PATH, reminderSettingsForm } from '../server/presenters/reminder-settings.js';
import { reminderSettingsForm as settingsSchema, reminderSettingsOf } from '../server/schemas/reminders.js';
import { bodyOf, by, langOf } from './kit.js';

const render: OnInvalid = async (req: Request, res: Response, form) => {
  const view = await reminderSettingsForm(langOf(req), form.values && Object.keys(form.values).length ? { values: form.values, errors: form.errors } : null);
  res.render('admin/reminders', { pageTitle: req.t('reminders.title'), view });
};

/** The administrator's page of the city's reminder settings (#16). */
export function reminderSettingsRouter(): Router {
  const router = Router();
  router.get(REMINDER_SETTINGS_PATH, rule('read', REMINDER_SETTINGS_RESOURCE), (req, res) => render(req, res, { values: {}, errors: {} }));
  router.post(REMINDER_SETTINGS_PATH, rule('update', REMINDER_SETTINGS_RESOURCE), validateBody(settingsSchema, render), async (req, res) => {
    await reminderSettingsSaver(reminderSettingsOf(bodyOf(res, settingsSchema)), by(req));
    flash(req, 'success', 'reminders.saved');
    res.redirect(303, REMINDER_SETTINGS_PATH);
  });
  return router;
}

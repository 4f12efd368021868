import { Router } from 'express';
import { ownPasswordChanger } from '../server/commands/users/ownPasswordChanger.js';
import type { Config } from '../server/config.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody } from '../server/middleware/validate.js';
import { changePasswordForm } from '../server/schemas/auth.js';
import { bodyOf, by } from './kit.js';

const renderForm: OnInvalid = (req, res, form) =>
  res.render('account/password', {
    pageTitle: req.t('account.changePassword'),
    forced: req.user?.mustChangePassword ?? false,
    errors: form.errors,
  });

/** The signed-in user's own account: changing the password (forced after a one-time one). */
export function accountRouter(config: Config): Router {
  const router = Router();
  router.get('/account/password', rule('change_own_password', 'account'), (req, res) => renderForm(req, res, { values: {}, errors: {} }));
  router.post('/account/password', rule('change_own_password', 'account'), validateBody(changePasswordForm, renderForm), async (req, res) => {
    await ownPasswordChanger(bodyOf(res, changePasswordForm), { ...by(req), passwordCost: config.passwordCost, currentSid: req.sessionID });
    flash(req, 'success', 'account.passwordChanged');
    res.redirect('/');
  });
  return router;
}

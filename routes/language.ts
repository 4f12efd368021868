import { Router } from 'express';
import { LANG_COOKIE } from '../server/middleware/locals.js';
import { publicRoute } from '../server/middleware/rules.js';
import { validateBody } from '../server/middleware/validate.js';
import { languageForm } from '../server/schemas/auth.js';
import { BadRequestError } from '../server/errors.js';
import { bodyOf } from './kit.js';

/** Switches the interface language (Chinese by default, English the alternative). */
export function languageRouter(): Router {
  const router = Router();
  router.post(
    '/lang',
    publicRoute,
    validateBody(languageForm, () => {
      throw new BadRequestError();
    }),
    (req, res) => {
      const form = bodyOf(res, languageForm);
      res.cookie(LANG_COOKIE, form.lang, { httpOnly: true, sameSite: 'lax', maxAge: 365 * 24 * 3600 * 1000, secure: req.secure });
      res.redirect(form.back || '/');
    },
  );
  return router;
}

import { type Request, type Response, Router } from 'express';
import passport from 'passport';
import { publicRoute } from '../server/middleware/rules.js';
import type { FieldErrors } from '../server/errors.js';
import { type OnInvalid, validateBody, validateQuery } from '../server/middleware/validate.js';
import { signInForm, signInQuery } from '../server/schemas/auth.js';
import { now } from '../server/clock.js';
import { recordAudit } from '../server/services/audit.js';
import { bodyOf, queryOf } from './kit.js';

type SignInView = { values: { username?: unknown; next?: unknown }; errors: FieldErrors; notice?: string };

function renderSignIn(res: Response, view: SignInView): void {
  res.render('auth/login', {
    pageTitle: res.locals.t('auth.signInTitle'),
    username: typeof view.values.username === 'string' ? view.values.username : '',
    next: typeof view.values.next === 'string' ? view.values.next : '',
    errors: view.errors,
    notice: view.notice ?? null,
  });
}

const onInvalid: OnInvalid = (_req, res, form) => renderSignIn(res, form);

/** Sign-in and sign-out. passport 0.7 regenerates the session at both. */
export function authRouter(): Router {
  const router = Router();

  router.get('/login', publicRoute, validateQuery(signInQuery), (req, res) => {
    if (req.user) return res.redirect('/');
    const query = queryOf(res, signInQuery);
    renderSignIn(res, { values: { next: query.next }, errors: {}, notice: query.expired ? 'auth.sessionExpired' : undefined });
  });

  router.post('/login', publicRoute, validateBody(signInForm, onInvalid), (req: Request, res: Response, next) => {
    const form = bodyOf(res, signInForm);
    passport.authenticate('local', (err: unknown, user: Express.User | false, info?: { message?: string }) => {
      if (err) return next(err);
      if (!user) {
        const reason = info?.message ?? 'invalid';
        res.status(reason === 'invalid' ? 422 : 429);
        return renderSignIn(res, { values: form, errors: { _form: `auth.${reason}` } });
      }
      req.login(user, (loginErr) => {
        if (loginErr) return next(loginErr);
        req.session.signedInAt = now().getTime();
        res.redirect(user.mustChangePassword ? '/account/password' : form.next || '/');
      });
    })(req, res, next);
  });

  router.post('/logout', publicRoute, (req, res, next) => {
    const user = req.user;
    req.logout((err) => {
      if (err) return next(err);
      const done = () => res.redirect('/login');
      if (!user) return done();
      recordAudit({
        actor: user,
        action: 'auth.sign_out',
        recordType: 'user',
        recordId: user.id,
        districtId: user.districtId,
        context: { ip: req.ip, requestId: req.id },
      }).then(done, next);
    });
  });

  return router;
}

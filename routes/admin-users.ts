import type { Request, Response } from 'express';
import { Router } from 'express';
import { User } from '../models/index.js';
import { oneTimePassword } from '../server/auth/password.js';
import { oneTimePasswordIssuer } from '../server/commands/users/oneTimePasswordIssuer.js';
import { userCreator } from '../server/commands/users/userCreator.js';
import { userSessionsEnder } from '../server/commands/users/userSessionsEnder.js';
import { userStatusChanger } from '../server/commands/users/userStatusChanger.js';
import { userUpdater } from '../server/commands/users/userUpdater.js';
import type { Config } from '../server/config.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody, validateParams } from '../server/middleware/validate.js';
import { authorize } from '../server/policies/index.js';
import {
  formValuesOf,
  loadUser,
  USERS_PATH,
  userDetailPage,
  userExportColumns,
  userExportQuery,
  userFormOptions,
  userListPage,
} from '../server/presenters/users.js';
import { editing, idParams } from '../server/schemas/common.js';
import { editUserForm, newUserForm, type UserListQuery, userListQuery } from '../server/schemas/users.js';
import { inBatches } from '../server/services/export.js';
import { actorOf, auditedExport, bodyOf, by, langOf, queryOf, staleEdit, subjectLoader } from './kit.js';
import { listQuery } from '../server/middleware/held-filters.js';

declare module 'express-session' {
  interface SessionData {
    /** A one-time password waiting to be shown once to the administrator who issued it. */
    issuedPassword?: { userId: number; password: string };
  }
}

const { subject, of: subjectOf } = subjectLoader('user', loadUser);
const detailHref = (id: number) => `${USERS_PATH}/${id}`;

/** Keeps a one-time password in the session for exactly one page: never in a URL or a log. */
function showOnce(req: Request, userId: number, password: string): void {
  req.session.issuedPassword = { userId, password };
}

function takeIssuedPassword(req: Request, userId: number): string | null {
  const issued = req.session.issuedPassword;
  if (!issued || issued.userId !== userId) return null;
  delete req.session.issuedPassword;
  return issued.password;
}

async function renderForm(req: Request, res: Response, form: Parameters<OnInvalid>[2], user?: User): Promise<void> {
  res.render('admin/users/form', {
    pageTitle: user ? req.t('users.editTitle', { username: user.username }) : req.t('users.newTitle'),
    action: user ? detailHref(user.id) : USERS_PATH,
    cancelHref: user ? detailHref(user.id) : USERS_PATH,
    username: user?.username ?? null,
    values: form.values,
    errors: form.errors,
    options: await userFormOptions(langOf(req)),
  });
}
const renderNew: OnInvalid = (req, res, form) => renderForm(req, res, form);
const userEdit = editing(editUserForm);
/** How a stale save's notice labels the user form's fields (routes/kit.ts staleEdit). */
const USER_LABELS = {
  area: 'users',
  keys: { districtId: 'users.fields.district', agencyId: 'users.fields.agency', organisationId: 'users.fields.organisation' },
  choices: async (req: Request) => {
    const options = await userFormOptions(langOf(req));
    return {
      role: options.roles,
      districtId: options.districts,
      agencyId: options.agencies.flatMap((g) => g.options),
      organisationId: options.organisations.flatMap((g) => g.options),
    };
  },
};
const renderEdit: OnInvalid = (req, res, form) => renderForm(req, res, form, subjectOf(res));

/** The filtered list as CSV or XLSX. The export is audited, with its filter and size, before it leaves. */
async function exportUsers(req: Request, res: Response, query: UserListQuery & { format: 'csv' | 'xlsx' }): Promise<void> {
  authorize(req.user, 'export', 'user');
  const filter = { q: query.q, role: query.role, districtId: query.districtId, status: query.status };
  const options = userExportQuery(actorOf(req), filter);
  await auditedExport(req, res, {
    action: 'user.export',
    recordType: 'user',
    format: query.format,
    filename: req.t('users.exportFilename'),
    columns: userExportColumns(langOf(req)),
    rows: inBatches(User, options),
    count: await User.count({ where: options.where }),
    detail: { filter },
  });
}

/** Administration of users: list, create, edit, disable and enable, one-time passwords, sessions. */
export function adminUsersRouter(config: Config): Router {
  const router = Router();
  const id = validateParams(idParams);

  router.get(USERS_PATH, rule('list', 'user'), listQuery(userListQuery, USERS_PATH), async (req, res) => {
    const query = queryOf(res, userListQuery);
    if (query.format) return exportUsers(req, res, { ...query, format: query.format });
    res.render('admin/users/index', { pageTitle: req.t('users.title'), list: await userListPage(actorOf(req), query, langOf(req)) });
  });

  router.get(`${USERS_PATH}/new`, rule('create', 'user'), (req, res) => renderNew(req, res, { values: {}, errors: {} }));

  router.post(USERS_PATH, rule('create', 'user'), validateBody(newUserForm, renderNew), async (req, res) => {
    const form = bodyOf(res, newUserForm);
    const password = oneTimePassword();
    const user = await userCreator({ ...form, password, mustChangePassword: true }, { ...by(req), passwordCost: config.passwordCost });
    showOnce(req, user.id, password);
    flash(req, 'success', 'users.flash.created', { username: user.username });
    res.redirect(detailHref(user.id));
  });

  router.get(`${USERS_PATH}/:id`, rule('read', 'user'), id, subject('read'), async (req, res) => {
    const user = subjectOf(res);
    const issuedPassword = takeIssuedPassword(req, user.id);
    if (issuedPassword) res.set('Cache-Control', 'no-store');
    const page = await userDetailPage(actorOf(req), user, langOf(req));
    res.render('admin/users/show', { pageTitle: user.displayName, ...page, issuedPassword });
  });

  router.get(`${USERS_PATH}/:id/edit`, rule('update', 'user'), id, subject('update'), (req, res) =>
    renderEdit(req, res, { values: formValuesOf(subjectOf(res)), errors: {} }),
  );

  router.post(
    `${USERS_PATH}/:id`,
    rule('update', 'user'),
    id,
    subject('update'),
    staleEdit(formValuesOf, USER_LABELS),
    validateBody(userEdit, renderEdit),
    async (req, res) => {
      const user = subjectOf(res);
      await userUpdater(user.id, bodyOf(res, userEdit), by(req));
      flash(req, 'success', 'users.flash.updated', { username: user.username });
      res.redirect(detailHref(user.id));
    },
  );

  router.post(`${USERS_PATH}/:id/disable`, rule('disable', 'user'), id, subject('disable'), async (req, res) => {
    const user = subjectOf(res);
    const { sessionsEnded } = await userStatusChanger(user.id, 'disabled', by(req));
    flash(req, 'success', 'users.flash.disabled', { username: user.username, count: sessionsEnded });
    res.redirect(detailHref(user.id));
  });

  router.post(`${USERS_PATH}/:id/enable`, rule('enable', 'user'), id, subject('enable'), async (req, res) => {
    const user = subjectOf(res);
    await userStatusChanger(user.id, 'active', by(req));
    flash(req, 'success', 'users.flash.enabled', { username: user.username });
    res.redirect(detailHref(user.id));
  });

  router.post(`${USERS_PATH}/:id/one-time-password`, rule('reset_password', 'user'), id, subject('reset_password'), async (req, res) => {
    const user = subjectOf(res);
    const { password } = await oneTimePasswordIssuer(user.id, { ...by(req), passwordCost: config.passwordCost });
    showOnce(req, user.id, password);
    flash(req, 'success', 'users.flash.passwordIssued', { username: user.username });
    res.redirect(detailHref(user.id));
  });

  router.post(`${USERS_PATH}/:id/end-sessions`, rule('end_sessions', 'user'), id, subject('end_sessions'), async (req, res) => {
    const user = subjectOf(res);
    const { sessionsEnded } = await userSessionsEnder(user.id, by(req));
    flash(req, 'success', 'users.flash.sessionsEnded', { username: user.username, count: sessionsEnded });
    res.redirect(detailHref(user.id));
  });

  return router;
}

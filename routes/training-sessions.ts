import { Router } from 'express';
import { trainingRosterRecorder } from '../server/commands/workers/trainingRosterRecorder.js';
import { trainingSessionCreator } from '../server/commands/workers/trainingSessionCreator.js';
import type { Config } from '../server/config.js';
import { ValidationError } from '../server/errors.js';
import { listQuery } from '../server/middleware/held-filters.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, refusalsOnPage, validateBody, validateParams, validateQuery } from '../server/middleware/validate.js';
import { authorize } from '../server/policies/index.js';
import { scopeShow } from '../server/presenters/list-page.js';
import {
  loadSession,
  rosterPage,
  SESSIONS_PATH,
  sessionDetailPage,
  sessionExportColumns,
  sessionExportRows,
  sessionFormOptions,
  sessionHref,
  sessionListPage,
  sessionListWhere,
} from '../server/presenters/training-sessions.js';
import { deliverablesNamingSession } from '../server/presenters/deliverables.js';
import { idParams } from '../server/schemas/common.js';
import { rosterForm, rosterQuery, sessionForm, sessionListQuery } from '../server/schemas/training-sessions.js';
import { PersonalDataCipher } from '../server/services/personal-data.js';
import { rosterFromIdNumbers } from '../server/services/training-roster.js';
import { TrainingSession } from '../models/TrainingSession.js';
import { actorOf, auditedExport, bodyOf, by, langOf, queryOf, subjectLoader } from './kit.js';
import { trainingGapsRouter } from './training-gaps.js';

const { subject, of: sessionOf } = subjectLoader('training_session', loadSession);

const renderNew: OnInvalid = async (req, res, form) => {
  res.render('trainings/form', {
    pageTitle: req.t('trainings.newTitle'),
    values: form.values,
    errors: form.errors,
    options: await sessionFormOptions(actorOf(req), langOf(req)),
  });
};

const renderRoster: OnInvalid = async (req, res, form) => {
  const session = sessionOf(res);
  const page = await sessionDetailPage(actorOf(req), session, langOf(req));
  const query = rosterQuery.safeParse({ ...req.query });
  res.render('trainings/roster', {
    pageTitle: req.t('trainings.roster.title', { title: session.title }),
    ...page,
    candidates: await rosterPage(session, query.success ? query.data : { subDistrictId: undefined, q: undefined }, langOf(req)),
    values: form.values,
    errors: form.errors,
    refusal: form.refusal,
  });
};

/** Training sessions (section 二(二)): list, export, hold a session, its page, its roster in one step. */
export function trainingSessionsRouter(config: Config): Router {
  const router = Router();
  const cipher = new PersonalDataCipher(config.dataKey);
  const id = validateParams(idParams);
  router.use(trainingGapsRouter());

  router.get(SESSIONS_PATH, rule('list', 'training_session'), listQuery(sessionListQuery, SESSIONS_PATH), async (req, res) => {
    const query = queryOf(res, sessionListQuery);
    if (query.format) {
      authorize(req.user, 'export', 'training_session');
      const { page: _p, perPage: _pp, sort: _s, dir: _d, format, ...filter } = query;
      await auditedExport(req, res, {
        action: 'training_session.export',
        recordType: 'training_session',
        format,
        filename: req.t('trainings.exportFilename'),
        columns: sessionExportColumns(langOf(req), scopeShow(actorOf(req))),
        rows: sessionExportRows(actorOf(req), query),
        count: await TrainingSession.count({ where: sessionListWhere(actorOf(req), filter) }),
        detail: { filter },
      });
      return;
    }
    res.render('trainings/index', { pageTitle: req.t('trainings.title'), list: await sessionListPage(actorOf(req), query, langOf(req)) });
  });

  router.get(`${SESSIONS_PATH}/new`, rule('create', 'training_session'), (req, res) =>
    renderNew(req, res, { values: { level: actorOf(req).cityLevel ? 'city' : 'district', topics: [] }, errors: {} }),
  );

  router.post(SESSIONS_PATH, rule('create', 'training_session'), validateBody(sessionForm, renderNew), async (req, res) => {
    const session = await trainingSessionCreator(bodyOf(res, sessionForm), by(req));
    flash(req, 'success', 'trainings.flash.created', { title: session.title });
    res.redirect(`${sessionHref(session.id)}/roster`);
  });

  router.get(`${SESSIONS_PATH}/:id`, rule('read', 'training_session'), id, subject('read'), async (req, res) => {
    const session = sessionOf(res);
    res.render('trainings/show', {
      pageTitle: session.title,
      ...(await sessionDetailPage(actorOf(req), session, langOf(req))),
      namedBy: await deliverablesNamingSession(actorOf(req), session.id, langOf(req)),
    });
  });

  router.get(`${SESSIONS_PATH}/:id/roster`, rule('record_roster', 'training_session'), id, subject('record_roster'), validateQuery(rosterQuery), (req, res) =>
    renderRoster(req, res, { values: {}, errors: {} }),
  );

  router.post(
    `${SESSIONS_PATH}/:id/roster`,
    rule('record_roster', 'training_session'),
    id,
    subject('record_roster'),
    refusalsOnPage,
    validateBody(rosterForm, renderRoster),
    async (req, res) => {
      const session = sessionOf(res);
      const form = bodyOf(res, rosterForm);
      const failed = new Set(form.failed);
      const pasted = await rosterFromIdNumbers(form.idNumbers, cipher);
      if (pasted.problems.length) {
        throw new ValidationError({
          idNumbers: { key: 'trainings.validation.idNumbersNotFound', vars: { lines: pasted.problems.join(req.t('punct.listSep')) } },
        });
      }
      const entries = [...form.attended.map((workerId) => ({ workerId, passed: !failed.has(workerId) })), ...pasted.entries];
      const outcome = await trainingRosterRecorder(session.id, entries, by(req));
      flash(req, 'success', outcome.alreadyOn ? 'trainings.flash.rosterKept' : 'trainings.flash.roster', { ...outcome });
      res.redirect(sessionHref(session.id));
    },
  );

  return router;
}

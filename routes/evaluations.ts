import type { Request, RequestHandler, Response } from 'express';
import { Router } from 'express';
import { Evaluation } from '../models/Evaluation.js';
import type { RectificationTransition } from '../models/RectificationItem.js';
import { evaluationAssigner } from '../server/commands/evaluations/evaluationAssigner.js';
import { type ConfirmForm, evaluationConfirmer } from '../server/commands/evaluations/evaluationConfirmer.js';
import { evaluationResponder, rectificationStep } from '../server/commands/evaluations/evaluationResponses.js';
import { evaluationReturner, type ScoreInput, scoreSaver } from '../server/commands/evaluations/evaluationScoring.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody, validateParams, validateQuery } from '../server/middleware/validate.js';
import { authorize } from '../server/policies/index.js';
import { EVALUATION_RESOURCE } from '../server/policies/evaluation.js';
import { evaluationQueuePage } from '../server/presenters/evaluation-admin.js';
import {
  EVALUATIONS_PATH,
  evaluationDetailPage,
  evaluationExportColumns,
  evaluationExportQuery,
  evaluationListPage,
  evaluationReportPage,
  loadEvaluation,
} from '../server/presenters/evaluations.js';
import type { Lang } from '../server/i18n/index.js';
import {
  assignForm,
  confirmForm,
  type EvaluationListQuery,
  evaluationIdParams,
  evaluationListQuery,
  reasonForm,
  rectificationParams,
  reportForm,
  responseForm,
  scoreForm,
} from '../server/schemas/evaluations.js';
import { recordAudit } from '../server/services/audit.js';
import { inBatches, sendExport } from '../server/services/export.js';

const langOf = (req: Request): Lang => ({ t: req.t, locale: req.locale });
const by = (req: Request) => ({ actor: req.user!, context: { ip: req.ip, requestId: req.id } });
const subjectOf = (res: Response) => res.locals.subject as Evaluation;
const idOf = (res: Response) => (res.locals.params as { id: number }).id;
const detailHref = (id: number) => `${EVALUATIONS_PATH}/${id}`;

/** Loads the evaluation named in the path through the actor's scope (else 404) and checks `action` on it (else 403). */
function subject(action: string): RequestHandler {
  return async (req, res, next) => {
    const evaluation = await loadEvaluation(req.user!, idOf(res));
    authorize(req.user, action, EVALUATION_RESOURCE, evaluation);
    res.locals.subject = evaluation;
    next();
  };
}

/** The detail page, with the form that failed (if any) keeping its input and errors. */
const renderDetail: OnInvalid = async (req, res, form) => {
  const evaluation = subjectOf(res);
  res.render('evaluations/show', {
    pageTitle: req.t('evaluations.detailTitle', { id: evaluation.id }),
    ...(await evaluationDetailPage(req.user!, evaluation, langOf(req))),
    values: form.values,
    errors: form.errors,
  });
};

async function exportEvaluations(req: Request, res: Response, query: EvaluationListQuery & { format: 'csv' | 'xlsx' }): Promise<void> {
  authorize(req.user, 'export', EVALUATION_RESOURCE);
  const { year, districtId, organisationId, contractId, kind, status, grade } = query;
  const filter = { year, districtId, organisationId, contractId, kind, status, grade };
  const options = evaluationExportQuery(req.user!, filter);
  const rows = await Evaluation.count({ where: options.where });
  const { actor, context } = by(req);
  await recordAudit({
    actor: { id: actor.id, username: actor.username, role: actor.role },
    action: 'evaluation.export',
    recordType: 'evaluation',
    detail: { filter, format: query.format, rows },
    context,
  });
  await sendExport(res, query.format, req.t('evaluations.exportFilename'), evaluationExportColumns(langOf(req)), inBatches(Evaluation, options));
}

/** Evaluations: the list and queue per role, the page where each role does its part, the printable report. */
export function evaluationsRouter(): Router {
  const router = Router();
  const id = validateParams(evaluationIdParams);

  router.get(EVALUATIONS_PATH, rule('list', EVALUATION_RESOURCE), validateQuery(evaluationListQuery), async (req, res) => {
    const query = res.locals.query as EvaluationListQuery;
    if (query.format) return exportEvaluations(req, res, { ...query, format: query.format });
    res.render('evaluations/index', { pageTitle: req.t('evaluations.title'), list: await evaluationListPage(req.user!, query, langOf(req)) });
  });

  router.get(`${EVALUATIONS_PATH}/queue`, rule('queue', EVALUATION_RESOURCE), async (req, res) => {
    res.render('evaluations/queue', { pageTitle: req.t('evaluations.queueTitle'), queue: await evaluationQueuePage(req.user!, langOf(req)) });
  });

  router.get(`${EVALUATIONS_PATH}/:id`, rule('read', EVALUATION_RESOURCE), id, subject('read'), (req, res) =>
    renderDetail(req, res, { values: {}, errors: {} }),
  );

  router.get(`${EVALUATIONS_PATH}/:id/report`, rule('report', EVALUATION_RESOURCE), id, subject('report'), async (req, res) => {
    res.render('evaluations/report', { pageTitle: req.t('evaluations.report.title'), ...(await evaluationReportPage(subjectOf(res), langOf(req))) });
  });

  router.post(
    `${EVALUATIONS_PATH}/:id/assign`,
    rule('assign', EVALUATION_RESOURCE),
    id,
    subject('assign'),
    validateBody(assignForm, renderDetail),
    async (req, res) => {
      await evaluationAssigner(idOf(res), (res.locals.body as { evaluatorId: number }).evaluatorId, by(req));
      flash(req, 'success', 'evaluations.flash.assigned');
      res.redirect(detailHref(idOf(res)));
    },
  );

  router.post(
    `${EVALUATIONS_PATH}/:id/scores`,
    rule('score', EVALUATION_RESOURCE),
    id,
    subject('score'),
    validateBody(scoreForm, renderDetail),
    async (req, res) => {
      const { scores, submit } = res.locals.body as { scores: ScoreInput; submit: boolean };
      await scoreSaver(idOf(res), scores, submit, by(req));
      flash(req, 'success', submit ? 'evaluations.flash.submitted' : 'evaluations.flash.saved');
      res.redirect(detailHref(idOf(res)));
    },
  );

  router.post(
    `${EVALUATIONS_PATH}/:id/return`,
    rule('return', EVALUATION_RESOURCE),
    id,
    subject('return'),
    validateBody(reasonForm, renderDetail),
    async (req, res) => {
      await evaluationReturner(idOf(res), (res.locals.body as { reason: string }).reason, by(req));
      flash(req, 'success', 'evaluations.flash.returned');
      res.redirect(detailHref(idOf(res)));
    },
  );

  router.post(
    `${EVALUATIONS_PATH}/:id/confirm`,
    rule('confirm', EVALUATION_RESOURCE),
    id,
    subject('confirm'),
    validateBody(confirmForm, renderDetail),
    async (req, res) => {
      await evaluationConfirmer(idOf(res), res.locals.body as ConfirmForm, by(req));
      flash(req, 'success', 'evaluations.flash.confirmed');
      res.redirect(detailHref(idOf(res)));
    },
  );

  router.post(
    `${EVALUATIONS_PATH}/:id/response`,
    rule('respond', EVALUATION_RESOURCE),
    id,
    subject('respond'),
    validateBody(responseForm, renderDetail),
    async (req, res) => {
      await evaluationResponder(idOf(res), (res.locals.body as { response: string }).response, by(req));
      flash(req, 'success', 'evaluations.flash.responded');
      res.redirect(detailHref(idOf(res)));
    },
  );

  const itemParams = validateParams(rectificationParams);
  const steps: [RectificationTransition, string, typeof reportForm | typeof reasonForm | null][] = [
    ['report', 'report_rectification', reportForm],
    ['close', 'close_rectification', null],
    ['reopen', 'close_rectification', reasonForm],
  ];
  for (const [step, action, schema] of steps) {
    const body = schema ? [validateBody(schema, renderDetail)] : [];
    router.post(
      `${EVALUATIONS_PATH}/:id/rectification/:itemId/${step}`,
      rule(action, EVALUATION_RESOURCE),
      itemParams,
      subject(action),
      ...body,
      async (req, res) => {
        const form = (res.locals.body ?? {}) as { report?: string; reason?: string };
        await rectificationStep(idOf(res), (res.locals.params as { itemId: number }).itemId, step, form.report ?? form.reason ?? null, by(req));
        flash(req, 'success', `evaluations.flash.rectification.${step}`);
        res.redirect(detailHref(idOf(res)));
      },
    );
  }

  return router;
}

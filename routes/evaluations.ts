import type { Request, RequestHandler, Response } from 'express';
import { Router } from 'express';
import type { z } from 'zod';
import { Evaluation } from '../models/Evaluation.js';
import type { RectificationTransition } from '../models/RectificationItem.js';
import { evaluationAssigner } from '../server/commands/evaluations/evaluationAssigner.js';
import { evaluationCanceller } from '../server/commands/evaluations/evaluationCanceller.js';
import { evaluationTemplateChanger } from '../server/commands/evaluations/evaluationTemplateChanger.js';
import { notApplicableMarker } from '../server/commands/evaluations/notApplicableMarker.js';
import { evaluationConfirmer } from '../server/commands/evaluations/evaluationConfirmer.js';
import { evaluationResponder } from '../server/commands/evaluations/evaluationResponder.js';
import { evaluationReturner } from '../server/commands/evaluations/evaluationReturner.js';
import { rectificationStep } from '../server/commands/evaluations/rectificationStep.js';
import { scoreSaver } from '../server/commands/evaluations/scoreSaver.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, type OnStale, refusalsOnPage, validateBody, validateParams } from '../server/middleware/validate.js';
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
  scoreFieldLabels,
  scoreFormValuesOf,
} from '../server/presenters/evaluations.js';
import {
  assignForm,
  confirmForm,
  evaluationListQuery,
  notApplicableForm,
  reasonForm,
  rectificationParams,
  reportForm,
  responseForm,
  scoreForm,
  templateChoiceForm,
} from '../server/schemas/evaluations.js';
import { editing, idParams } from '../server/schemas/common.js';
import { type ExportFormat, inBatches } from '../server/services/export.js';
import { actorOf, auditedExport, bodyOf, by, idOf, langOf, paramsOf, queryOf, staleEdit, subjectLoader } from './kit.js';
import { confirmFirst } from '../server/middleware/confirm.js';
import { evaluationConfirmConfirmation } from '../server/presenters/confirmations.js';
import { listQuery } from '../server/middleware/held-filters.js';
import { scopeShow } from '../server/presenters/list-page.js';

const detailHref = (id: number) => `${EVALUATIONS_PATH}/${id}`;
/** What an autosave is answered: the version and digests the form now carries. */
const autosaveAnswer = (values: Record<string, unknown>) => ({ version: values._version, opened: values._opened });

const { subject, of: subjectOf } = subjectLoader(EVALUATION_RESOURCE, loadEvaluation);

/** The detail page, with the form that failed (if any) keeping its input and errors. */
const renderDetail: OnInvalid = async (req, res, form) => {
  // Read again: a refused submission has still saved the scores (and started the evaluation).
  const evaluation = await loadEvaluation(actorOf(req), subjectOf(res).id);
  const page = await evaluationDetailPage(actorOf(req), evaluation, langOf(req));
  // After that save the score form goes on from the version it made, not the one it was sent with.
  const { _version, _opened } = page.scoreValues;
  const values = res.locals.savedDraft ? { ...form.values, _version, _opened } : form.values;
  res.render('evaluations/show', {
    pageTitle: req.t('evaluations.detailTitle', { id: evaluation.id }),
    ...page,
    values,
    errors: form.errors,
    refusal: form.refusal ?? null,
  });
};

/** The score form under the evaluation's optimistic lock; a stale save's notice names each field by its indicator. */
const scoreEdit = editing(scoreForm);
const SCORE_LABELS = { area: 'evaluations', fields: (req: Request, res: Response) => scoreFieldLabels(subjectOf(res), langOf(req)) };
/** A stale autosave is answered in JSON, which the page's script tells the user (public/js/evaluation-draft.js): nothing saved. */
const staleAutosave: OnStale = async (req, res) => {
  res.json({ stale: true, message: req.t('evaluations.autosave.stale') });
};
const autosaveAnswers: RequestHandler = (_req, res, next) => {
  if (bodyOf(res, scoreEdit).autosave) res.locals.onStale = staleAutosave;
  next();
};

/** A POST of the evaluation page: a refused rule (409) or bad input (422) is shown on the page with the input kept. */
const onPage = <S extends z.ZodType>(schema: S) => [refusalsOnPage, validateBody(schema, renderDetail)];

async function exportEvaluations(req: Request, res: Response, query: z.infer<typeof evaluationListQuery>, format: ExportFormat): Promise<void> {
  authorize(req.user, 'export', EVALUATION_RESOURCE);
  const { year, districtId, organisationId, contractId, contractText, organisationText, kind, status, grade, rectification } = query;
  const filter = { year, districtId, organisationId, contractId, contractText, organisationText, kind, status, grade, rectification };
  const options = evaluationExportQuery(actorOf(req), filter);
  await auditedExport(req, res, {
    action: 'evaluation.export',
    recordType: 'evaluation',
    format,
    filename: req.t('evaluations.exportFilename'),
    columns: evaluationExportColumns(langOf(req), scopeShow(actorOf(req))),
    rows: inBatches(Evaluation, options),
    count: await Evaluation.count({ where: options.where }),
    detail: { filter },
  });
}

/** Evaluations: the list and queue per role, the page where each role does its part, the printable report. */
export function evaluationsRouter(): Router {
  const router = Router();
  const id = validateParams(idParams);

  router.get(EVALUATIONS_PATH, rule('list', EVALUATION_RESOURCE), listQuery(evaluationListQuery, EVALUATIONS_PATH), async (req, res) => {
    const query = queryOf(res, evaluationListQuery);
    if (query.format) return exportEvaluations(req, res, query, query.format);
    res.render('evaluations/index', { pageTitle: req.t('evaluations.title'), list: await evaluationListPage(actorOf(req), query, langOf(req)) });
  });

  router.get(`${EVALUATIONS_PATH}/queue`, rule('queue', EVALUATION_RESOURCE), async (req, res) => {
    res.render('evaluations/queue', { pageTitle: req.t('evaluations.queueTitle'), queue: await evaluationQueuePage(actorOf(req), langOf(req)) });
  });

  router.get(`${EVALUATIONS_PATH}/:id`, rule('read', EVALUATION_RESOURCE), id, subject('read'), (req, res) =>
    renderDetail(req, res, { values: {}, errors: {} }),
  );

  router.get(`${EVALUATIONS_PATH}/:id/report`, rule('report', EVALUATION_RESOURCE), id, subject('report'), async (req, res) => {
    res.render('evaluations/report', { pageTitle: req.t('evaluations.report.title'), ...(await evaluationReportPage(subjectOf(res), langOf(req))) });
  });

  router.post(`${EVALUATIONS_PATH}/:id/assign`, rule('assign', EVALUATION_RESOURCE), id, subject('assign'), ...onPage(assignForm), async (req, res) => {
    await evaluationAssigner(idOf(res), bodyOf(res, assignForm).evaluatorId, by(req));
    flash(req, 'success', 'evaluations.flash.assigned');
    res.redirect(detailHref(idOf(res)));
  });

  router.post(
    `${EVALUATIONS_PATH}/:id/scores`,
    rule('score', EVALUATION_RESOURCE),
    id,
    subject('score'),
    refusalsOnPage,
    staleEdit(scoreFormValuesOf, SCORE_LABELS),
    validateBody(scoreEdit, renderDetail),
    autosaveAnswers,
    async (req, res) => {
      const { scores, submit, autosave, confirmPersonalData, _version } = bodyOf(res, scoreEdit);
      const onDraftSaved = (draft: Evaluation) => {
        res.locals.savedDraft = draft;
      };
      const saved = await scoreSaver(idOf(res), scores, submit, by(req), { confirmPersonalData, version: _version, onDraftSaved });
      // The autosave hears the version its save made, which the page's next save goes on from.
      if (autosave) return res.json(autosaveAnswer(await scoreFormValuesOf(saved)));
      flash(req, 'success', submit ? 'evaluations.flash.submitted' : 'evaluations.flash.saved');
      res.redirect(detailHref(idOf(res)));
    },
  );

  router.post(`${EVALUATIONS_PATH}/:id/return`, rule('return', EVALUATION_RESOURCE), id, subject('return'), ...onPage(reasonForm), async (req, res) => {
    await evaluationReturner(idOf(res), bodyOf(res, reasonForm).reason, by(req));
    flash(req, 'success', 'evaluations.flash.returned');
    res.redirect(detailHref(idOf(res)));
  });

  router.post(
    `${EVALUATIONS_PATH}/:id/confirm`,
    rule('confirm', EVALUATION_RESOURCE),
    id,
    subject('confirm'),
    ...onPage(confirmForm),
    confirmFirst((req, res) => evaluationConfirmConfirmation(subjectOf(res), langOf(req))),
    async (req, res) => {
      await evaluationConfirmer(idOf(res), bodyOf(res, confirmForm), by(req));
      flash(req, 'success', 'evaluations.flash.confirmed');
      res.redirect(detailHref(idOf(res)));
    },
  );

  router.post(`${EVALUATIONS_PATH}/:id/response`, rule('respond', EVALUATION_RESOURCE), id, subject('respond'), ...onPage(responseForm), async (req, res) => {
    const { response, confirmPersonalData } = bodyOf(res, responseForm);
    await evaluationResponder(idOf(res), response, by(req), { confirmPersonalData });
    flash(req, 'success', 'evaluations.flash.responded');
    res.redirect(detailHref(idOf(res)));
  });

  router.post(`${EVALUATIONS_PATH}/:id/cancel`, rule('cancel', EVALUATION_RESOURCE), id, subject('cancel'), ...onPage(reasonForm), async (req, res) => {
    await evaluationCanceller(idOf(res), bodyOf(res, reasonForm).reason, by(req));
    flash(req, 'success', 'evaluations.flash.cancelled');
    res.redirect(detailHref(idOf(res)));
  });

  router.post(
    `${EVALUATIONS_PATH}/:id/template`,
    rule('change_template', EVALUATION_RESOURCE),
    id,
    subject('change_template'),
    ...onPage(templateChoiceForm),
    async (req, res) => {
      await evaluationTemplateChanger(idOf(res), bodyOf(res, templateChoiceForm).templateId, by(req));
      flash(req, 'success', 'evaluations.flash.templateChanged');
      res.redirect(detailHref(idOf(res)));
    },
  );

  router.post(
    `${EVALUATIONS_PATH}/:id/not-applicable`,
    rule('mark_not_applicable', EVALUATION_RESOURCE),
    id,
    subject('mark_not_applicable'),
    ...onPage(notApplicableForm),
    async (req, res) => {
      const { seq, naReason, intent } = bodyOf(res, notApplicableForm);
      await notApplicableMarker(idOf(res), seq, intent === 'mark' ? naReason : null, by(req));
      flash(req, 'success', intent === 'mark' ? 'evaluations.flash.notApplicable' : 'evaluations.flash.applicable');
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
    const body = schema ? onPage(schema) : [refusalsOnPage];
    router.post(
      `${EVALUATIONS_PATH}/:id/rectification/:itemId/${step}`,
      rule(action, EVALUATION_RESOURCE),
      itemParams,
      subject(action),
      ...body,
      async (req, res) => {
        const form: { report?: string; reason?: string; confirmPersonalData?: boolean } = schema ? bodyOf(res, schema) : {};
        await rectificationStep(idOf(res), paramsOf(res, rectificationParams).itemId, step, form.report ?? form.reason ?? null, by(req), {
          confirmPersonalData: form.confirmPersonalData,
        });
        flash(req, 'success', `evaluations.flash.rectification.${step}`);
        res.redirect(detailHref(idOf(res)));
      },
    );
  }

  return router;
}

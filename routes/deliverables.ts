import type { Request, Response } from 'express';
import { Router } from 'express';
import { Deliverable } from '../models/Deliverable.js';
import { DeliverableFile } from '../models/DeliverableFile.js';
import { StoredFile } from '../models/StoredFile.js';
import type { z } from 'zod';
import { DELIVERABLE_UPLOAD_FIELDS, deliverableDraftSaver } from '../server/commands/deliverables/deliverableDraftSaver.js';
import { deliverableAccepter, deliverableReturner, type ReviewComments } from '../server/commands/deliverables/deliverableReviews.js';
import { deliverableSubmitter, PersonalNumbersFoundError } from '../server/commands/deliverables/deliverableSubmitter.js';
import type { Config } from '../server/config.js';
import { NotFoundError, ValidationError } from '../server/errors.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { upload, uploadsOf } from '../server/middleware/upload.js';
import { type OnInvalid, refusalsOnPage, validateBody, validateParams, validateQuery } from '../server/middleware/validate.js';
import { DELIVERABLE_RESOURCE } from '../server/policies/deliverable.js';
import { authorize } from '../server/policies/index.js';
import {
  DELIVERABLES_PATH,
  categoriesOfDeliverable,
  deliverableDetailPage,
  deliverableExportColumns,
  deliverableFieldLabels,
  deliverableFormValuesOf,
  deliverableExportRows,
  deliverableFormPage,
  deliverableHref,
  deliverableListWhere,
  deliverableListPage,
  loadDeliverable,
  reviewQueuePage,
} from '../server/presenters/deliverables.js';
import { deliverableFileParams, deliverableListQuery, draftForm, reviewForm, reviewQueueQuery, submitForm } from '../server/schemas/deliverables.js';
import { allPublishedCategories } from '../server/services/service-categories.js';
import { maskedPlace } from '../server/presenters/deliverable-findings.js';
import { fileQuery, idParams } from '../server/schemas/common.js';
import type { ExportFormat } from '../server/services/export.js';
import { sendStoredFile } from '../server/services/storage/download.js';
import { storeFor } from '../server/services/storage/index.js';
import { actorOf, auditedExport, bodyOf, by, langOf, paramsOf, queryOf, staleEdit, subjectLoader } from './kit.js';
import { confirmFirst } from '../server/middleware/confirm.js';
import { deliverableSubmitConfirmation } from '../server/presenters/confirmations.js';
import { listQuery } from '../server/middleware/held-filters.js';
import { scopeShow } from '../server/presenters/list-page.js';

const { subject, of: subjectOf } = subjectLoader(DELIVERABLE_RESOURCE, loadDeliverable);

async function renderDetail(req: Request, res: Response, extra: Parameters<typeof deliverableDetailPage>[3] & { refusal?: string } = {}): Promise<void> {
  const d = subjectOf(res);
  const page = await deliverableDetailPage(actorOf(req), d, langOf(req), extra);
  res.render('deliverables/show', {
    pageTitle: req.t('deliverables.detailTitle', { category: page.deliverable.categoryLabel, period: `${d.periodStart} – ${d.periodEnd}` }),
    ...page,
    refusal: extra.refusal,
  });
}

/** The hand-in form; a refused save (invalid, stale) shows its input again and names the files it carried, which were not kept. */
const renderEdit: OnInvalid = async (req, res, form) => {
  const chosen = uploadsOf(res).map((u) => u.originalName);
  res.render('deliverables/form', {
    pageTitle: req.t('deliverables.editTitle'),
    ...(await deliverableFormPage(subjectOf(res), langOf(req), form, chosen)),
    refusal: form.refusal,
  });
};
/** How a stale save's notice labels the hand-in form's fields (routes/kit.ts staleEdit): the figures as the form does. */
const DELIVERABLE_LABELS = { area: 'deliverables', fields: (req: Request, res: Response) => deliverableFieldLabels(subjectOf(res), langOf(req)) };
/** A submission refused for its metrics shows the form with the draft's values and the errors beside them. */
const renderSubmitInvalid: OnInvalid = (req, res, form) =>
  form.refusal ? renderDetail(req, res, { refusal: form.refusal }) : renderEdit(req, res, { errors: form.errors, values: undefined as never });
const renderReviewInvalid: OnInvalid = (req, res, form) =>
  renderDetail(req, res, { reviewErrors: form.errors, reviewValues: form.values, refusal: form.refusal });

/** The review form's comments keyed by point (general, narrative, files, a metric of the category). */
async function commentsOf(d: Deliverable, body: Record<string, string>): Promise<ReviewComments> {
  const set = await categoriesOfDeliverable(d);
  const points = new Set(['general', 'narrative', 'files', ...set.enteredMetricsOf(d.categoryCode).map((x) => x.key)]);
  const out: ReviewComments = {};
  for (const [k, v] of Object.entries(body)) if (k.startsWith('c_') && points.has(k.slice(2)) && v.trim()) out[k.slice(2)] = v;
  return out;
}

async function exportDeliverables(req: Request, res: Response, query: z.infer<typeof deliverableListQuery>, format: ExportFormat): Promise<void> {
  authorize(req.user, 'export', DELIVERABLE_RESOURCE);
  const { format: _f, page: _p, perPage: _pp, sort: _s, dir: _d, ...filter } = query;
  await auditedExport(req, res, {
    action: 'deliverable.export',
    recordType: 'deliverable',
    format,
    filename: req.t('deliverables.exportFilename'),
    columns: deliverableExportColumns(langOf(req), await allPublishedCategories(), scopeShow(actorOf(req))),
    rows: deliverableExportRows(actorOf(req), filter),
    count: await Deliverable.count({ where: deliverableListWhere(actorOf(req), filter) }),
    detail: { filter },
  });
}

/** Deliverables: the list and export, the review queue, the hand-in form, submission, review and files. */
export function deliverablesRouter(config: Config): Router {
  const router = Router();
  const store = storeFor(config);
  const id = validateParams(idParams);

  router.get(DELIVERABLES_PATH, rule('list', DELIVERABLE_RESOURCE), listQuery(deliverableListQuery, DELIVERABLES_PATH), async (req, res) => {
    const query = queryOf(res, deliverableListQuery);
    if (query.format) return exportDeliverables(req, res, query, query.format);
    res.render('deliverables/index', { pageTitle: req.t('deliverables.title'), list: await deliverableListPage(actorOf(req), query, langOf(req)) });
  });

  router.get(`${DELIVERABLES_PATH}/queue`, rule('queue', DELIVERABLE_RESOURCE), listQuery(reviewQueueQuery, `${DELIVERABLES_PATH}/queue`), async (req, res) => {
    res.render('deliverables/queue', {
      pageTitle: req.t('deliverables.queueTitle'),
      list: await reviewQueuePage(actorOf(req), queryOf(res, reviewQueueQuery), langOf(req)),
    });
  });

  router.get(`${DELIVERABLES_PATH}/:id`, rule('read', DELIVERABLE_RESOURCE), id, subject('read'), (req, res) => renderDetail(req, res));

  router.get(`${DELIVERABLES_PATH}/:id/edit`, rule('hand_in', DELIVERABLE_RESOURCE), id, subject('hand_in'), (req, res) =>
    renderEdit(req, res, { values: undefined as never, errors: {} }),
  );

  router.post(
    `${DELIVERABLES_PATH}/:id/draft`,
    rule('hand_in', DELIVERABLE_RESOURCE),
    id,
    subject('hand_in'),
    refusalsOnPage,
    upload('deliverable_attachment', DELIVERABLE_UPLOAD_FIELDS, store, { required: false, onInvalid: renderEdit, fields: 200 }),
    staleEdit(deliverableFormValuesOf, DELIVERABLE_LABELS),
    validateBody(draftForm, renderEdit),
    async (req, res) => {
      const d = subjectOf(res);
      const body = bodyOf(res, draftForm);
      const set = await categoriesOfDeliverable(d);
      if (!set.isDeliverableCategory(d.categoryCode)) throw new NotFoundError();
      const { values, errors } = set.parseMetricFields(d.categoryCode, body);
      if (Object.keys(errors).length) throw new ValidationError(errors);
      const removeFileIds = Object.keys(body)
        .filter((k) => /^remove_\d{1,10}$/.test(k) && body[k] === '1')
        .map((k) => Number(k.slice('remove_'.length)));
      await deliverableDraftSaver(
        d.id,
        {
          metrics: values,
          narrative: body.narrative.trim() || null,
          purpose: body.purpose,
          removeFileIds,
          trainingSessionId: body.trainingSessionId,
          _version: body._version,
        },
        uploadsOf(res),
        by(req),
      );
      flash(req, 'success', 'deliverables.flash.saved');
      res.redirect(deliverableHref(d.id));
    },
  );

  router.post(
    `${DELIVERABLES_PATH}/:id/submit`,
    rule('hand_in', DELIVERABLE_RESOURCE),
    id,
    subject('hand_in'),
    refusalsOnPage,
    validateBody(submitForm, renderSubmitInvalid),
    confirmFirst((req, res) => deliverableSubmitConfirmation(subjectOf(res), langOf(req))),
    async (req, res) => {
      const d = subjectOf(res);
      try {
        await deliverableSubmitter(d.id, { confirmNoChildData: bodyOf(res, submitForm).confirmNoChildData === '1' }, store, by(req));
      } catch (e) {
        if (!(e instanceof PersonalNumbersFoundError)) throw e;
        res.status(422);
        return renderDetail(req, res, { findings: e.findings.map((f) => maskedPlace(f, langOf(req))) });
      }
      flash(req, 'success', 'deliverables.flash.submitted');
      res.redirect(deliverableHref(d.id));
    },
  );

  router.post(
    `${DELIVERABLES_PATH}/:id/accept`,
    rule('review', DELIVERABLE_RESOURCE),
    id,
    subject('review'),
    refusalsOnPage,
    validateBody(reviewForm, renderReviewInvalid),
    async (req, res) => {
      const d = subjectOf(res);
      const { milestonesMet } = await deliverableAccepter(d.id, await commentsOf(d, bodyOf(res, reviewForm)), by(req));
      flash(req, 'success', milestonesMet.length ? 'deliverables.flash.acceptedMilestones' : 'deliverables.flash.accepted', { count: milestonesMet.length });
      res.redirect(`${DELIVERABLES_PATH}/queue`);
    },
  );

  router.post(
    `${DELIVERABLES_PATH}/:id/return`,
    rule('review', DELIVERABLE_RESOURCE),
    id,
    subject('review'),
    refusalsOnPage,
    validateBody(reviewForm, renderReviewInvalid),
    async (req, res) => {
      const d = subjectOf(res);
      await deliverableReturner(d.id, await commentsOf(d, bodyOf(res, reviewForm)), by(req));
      flash(req, 'success', 'deliverables.flash.returned');
      res.redirect(`${DELIVERABLES_PATH}/queue`);
    },
  );

  router.get(
    `${DELIVERABLES_PATH}/:id/files/:fileId`,
    rule('read', DELIVERABLE_RESOURCE),
    validateParams(deliverableFileParams),
    validateQuery(fileQuery),
    subject('read'),
    async (_req, res) => {
      const { fileId } = paramsOf(res, deliverableFileParams);
      const link = await DeliverableFile.findOne({ where: { deliverableId: subjectOf(res).id, storedFileId: fileId } });
      const file = link ? await StoredFile.findByPk(fileId) : null;
      if (!file) throw new NotFoundError();
      await sendStoredFile(res, file, store, { inline: queryOf(res, fileQuery).inline === '1' });
    },
  );

  return router;
}

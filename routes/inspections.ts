import { type Request, type Response, Router } from 'express';
import type { FindingTransition } from '../models/Inspection.js';
import { findingStep } from '../server/commands/oversight/findingStep.js';
import { inspectionCloser } from '../server/commands/oversight/inspectionCloser.js';
import { inspectionOpener } from '../server/commands/oversight/inspectionOpener.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, refusalsOnPage, validateBody, validateParams } from '../server/middleware/validate.js';
import { FINDING_RESOURCE, INSPECTION_RESOURCE } from '../server/policies/inspection.js';
import { INSPECTIONS_PATH, inspectionExport, inspectionListPage, inspectionPage, loadInspection, newInspectionPage } from '../server/presenters/inspections.js';
import { idParams, recordId } from '../server/schemas/common.js';
import { emptyForm, findingTextForm, inspectionForm, inspectionListQuery, requirementForm } from '../server/schemas/oversight.js';
import { z } from 'zod';
import { actorOf, auditedExport, bodyOf, by, idOf, langOf, paramsOf, queryOf, subjectLoader } from './kit.js';
import { listQuery } from '../server/middleware/held-filters.js';
import { authorize } from '../server/policies/index.js';

type FormState = { values: Record<string, unknown>; errors: Record<string, unknown>; refusal?: string };
const findingParams = z.object({ id: recordId(), findingId: recordId() });

/** Inspections (督查, #17): opened by an inspector with findings, answered by the district, rectified and closed on the record. */
export function inspectionsRouter(): Router {
  const router = Router();
  const { subject, of } = subjectLoader(INSPECTION_RESOURCE, loadInspection);

  const renderNew = async (req: Request, res: Response, form: FormState) =>
    res.render('overview/inspection-new', { pageTitle: req.t('overview.inspections.new'), choices: await newInspectionPage(actorOf(req), langOf(req)), form });
  /** The inspection's page, with a refused step's input and errors beside its finding. */
  const renderPage = async (req: Request, res: Response, form: (FormState & { findingId?: number; step?: string }) | null = null) => {
    const inspection = await loadInspection(actorOf(req), paramsOf(res, findingParams.partial({ findingId: true })).id);
    res.render('overview/inspection', { pageTitle: inspection.title, inspection: inspectionPage(actorOf(req), inspection, langOf(req)), form });
  };

  router.get(INSPECTIONS_PATH, rule('list', INSPECTION_RESOURCE), listQuery(inspectionListQuery, INSPECTIONS_PATH), async (req, res) => {
    const query = queryOf(res, inspectionListQuery);
    if (query.format) {
      authorize(actorOf(req), 'export', INSPECTION_RESOURCE);
      const { rows, columns } = await inspectionExport(actorOf(req), query, langOf(req));
      await auditedExport(req, res, {
        action: 'inspection.export',
        recordType: 'inspection',
        format: query.format,
        filename: req.t('overview.inspections.exportFilename'),
        columns,
        rows,
        count: rows.length,
        detail: { filter: { districtId: query.districtId, status: query.status, overdue: query.overdue } },
      });
      return;
    }
    res.render('overview/inspections', { pageTitle: req.t('overview.inspections.title'), list: await inspectionListPage(actorOf(req), query, langOf(req)) });
  });
  router.get(`${INSPECTIONS_PATH}/new`, rule('open', INSPECTION_RESOURCE), (req, res) => renderNew(req, res, { values: {}, errors: {} }));
  router.post(INSPECTIONS_PATH, rule('open', INSPECTION_RESOURCE), validateBody(inspectionForm, renderNew), async (req, res) => {
    const inspection = await inspectionOpener(bodyOf(res, inspectionForm), by(req));
    flash(req, 'success', 'overview.inspections.opened');
    res.redirect(303, `${INSPECTIONS_PATH}/${inspection.id}`);
  });
  router.get(`${INSPECTIONS_PATH}/:id`, rule('view', INSPECTION_RESOURCE), validateParams(idParams), subject('view'), (req, res) => {
    const inspection = of(res);
    res.render('overview/inspection', { pageTitle: inspection.title, inspection: inspectionPage(actorOf(req), inspection, langOf(req)), form: null });
  });
  router.post(
    `${INSPECTIONS_PATH}/:id/close`,
    rule('close', INSPECTION_RESOURCE),
    validateParams(idParams),
    refusalsOnPage,
    validateBody(emptyForm, (req, res, form) => renderPage(req, res, form)),
    async (req, res) => {
      await inspectionCloser(idOf(res), by(req));
      flash(req, 'success', 'overview.inspections.closed');
      res.redirect(303, `${INSPECTIONS_PATH}/${idOf(res)}`);
    },
  );

  const steps: [FindingTransition, z.ZodType][] = [
    ['answer', findingTextForm],
    ['report', findingTextForm],
    ['require', requirementForm],
    ['accept', emptyForm],
  ];
  for (const [step, schema] of steps) {
    const invalid: OnInvalid = (req, res, form) => renderPage(req, res, { ...form, findingId: paramsOf(res, findingParams).findingId, step });
    router.post(
      `${INSPECTIONS_PATH}/:id/findings/:findingId/${step}`,
      rule(step, FINDING_RESOURCE),
      validateParams(findingParams),
      refusalsOnPage,
      validateBody(schema, invalid),
      async (req, res) => {
        const { id, findingId } = paramsOf(res, findingParams);
        await findingStep(id, findingId, step, bodyOf(res, schema) as Parameters<typeof findingStep>[3], by(req));
        flash(req, 'success', `overview.inspections.flash.${step}`);
        res.redirect(303, `${INSPECTIONS_PATH}/${id}#finding-${findingId}`);
      },
    );
  }
  return router;
}

import { type Request, type Response, Router } from 'express';
import type { Briefing } from '../models/Briefing.js';
import { briefingIssuer } from '../server/commands/oversight/briefingIssuer.js';
import { briefingSaver } from '../server/commands/oversight/briefingSaver.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, refusalsOnPage, validateBody, validateParams, validateQuery } from '../server/middleware/validate.js';
import { authorize } from '../server/policies/index.js';
import { BRIEFING_RESOURCE } from '../server/policies/briefing.js';
import {
  BRIEFINGS_PATH,
  briefingExport,
  briefingListExport,
  briefingFormValues,
  briefingListPage,
  briefingPage,
  draftBriefingContent,
  loadBriefing,
} from '../server/presenters/briefings.js';
import { idParams } from '../server/schemas/common.js';
import { briefingEditForm, briefingForm, type BriefingListQuery, briefingListQuery, briefingQuery, emptyForm } from '../server/schemas/oversight.js';
import { listQuery } from '../server/middleware/held-filters.js';
import { thisYear } from '../server/clock.js';
import { actorOf, auditedExport, bodyOf, by, langOf, queryOf, staleEdit, subjectLoader } from './kit.js';

type FormState = { values: Record<string, unknown>; errors: Record<string, unknown>; refusal?: string };

/** Briefings (通报, #17): drafted by a city inspector from the overview, the red flags and the inspections with their commentary; issued once and kept as issued; printed on A4 and exported. */
export function briefingsRouter(): Router {
  const router = Router();
  const { subject, of } = subjectLoader(BRIEFING_RESOURCE, loadBriefing);

  /** The list (as filtered, or as first shown when a new briefing's form is shown again) with the new briefing's form. */
  const renderList = async (req: Request, res: Response, form: FormState) => {
    const query = (res.locals.query as BriefingListQuery | undefined) ?? briefingListQuery.parse({});
    res.render('overview/briefings', { pageTitle: req.t('overview.briefings.title'), list: await briefingListPage(actorOf(req), query, langOf(req)), form });
  };
  const renderPage = async (req: Request, res: Response, form: FormState | null = null) => {
    const briefing = of(res);
    const page = await briefingPage(actorOf(req), briefing, langOf(req));
    res.render('overview/briefing', { pageTitle: page.title, briefing: page, form: form ?? { values: page.values, errors: {} } });
  };

  router.get(BRIEFINGS_PATH, rule('list', BRIEFING_RESOURCE), listQuery(briefingListQuery, BRIEFINGS_PATH), async (req, res) => {
    const query = queryOf(res, briefingListQuery);
    if (query.format) {
      authorize(actorOf(req), 'export', BRIEFING_RESOURCE);
      const { rows, columns } = await briefingListExport(actorOf(req), query, langOf(req));
      await auditedExport(req, res, {
        action: 'briefing.list_export',
        recordType: 'briefing',
        format: query.format,
        filename: req.t('overview.briefings.listFilename'),
        columns,
        rows,
        count: rows.length,
        detail: { filter: { year: query.periodYear, status: query.status } },
      });
      return;
    }
    await renderList(req, res, { values: { year: thisYear(), period: 'year' }, errors: {} });
  });
  router.post(BRIEFINGS_PATH, rule('create', BRIEFING_RESOURCE), validateBody(briefingForm, renderList), async (req, res) => {
    const briefing = await briefingSaver(null, bodyOf(res, briefingForm), by(req));
    flash(req, 'success', 'overview.briefings.drafted');
    res.redirect(303, `${BRIEFINGS_PATH}/${briefing.id}`);
  });
  router.get(
    `${BRIEFINGS_PATH}/:id`,
    rule('view', BRIEFING_RESOURCE),
    validateParams(idParams),
    subject('view'),
    validateQuery(briefingQuery),
    async (req, res) => {
      if (queryOf(res, briefingQuery).format) {
        authorize(actorOf(req), 'export', BRIEFING_RESOURCE);
        const spec = await briefingExport(actorOf(req), of(res), langOf(req));
        await auditedExport(req, res, {
          action: 'briefing.export',
          recordType: 'briefing',
          format: queryOf(res, briefingQuery).format!,
          filename: spec.filename,
          columns: spec.columns,
          rows: spec.rows,
          count: spec.rows.length,
          sheets: spec.sheets,
          detail: { id: of(res).id },
        });
        return;
      }
      await renderPage(req, res);
    },
  );
  const pageInvalid: OnInvalid = (req, res, form) => renderPage(req, res, form);
  router.post(
    `${BRIEFINGS_PATH}/:id`,
    rule('edit', BRIEFING_RESOURCE),
    validateParams(idParams),
    subject('edit'),
    refusalsOnPage,
    staleEdit((b: Briefing) => briefingFormValues(b), { area: 'overview.briefings' }),
    validateBody(briefingEditForm, pageInvalid),
    async (req, res) => {
      await briefingSaver(of(res).id, bodyOf(res, briefingEditForm), by(req));
      flash(req, 'success', 'overview.briefings.saved');
      res.redirect(303, `${BRIEFINGS_PATH}/${of(res).id}`);
    },
  );
  router.post(
    `${BRIEFINGS_PATH}/:id/issue`,
    rule('issue', BRIEFING_RESOURCE),
    validateParams(idParams),
    subject('issue'),
    refusalsOnPage,
    validateBody(emptyForm, pageInvalid),
    async (req, res) => {
      const content = await draftBriefingContent(actorOf(req), of(res).year, of(res).period as never);
      await briefingIssuer(of(res).id, JSON.stringify(content), by(req));
      flash(req, 'success', 'overview.briefings.issued');
      res.redirect(303, `${BRIEFINGS_PATH}/${of(res).id}`);
    },
  );
  return router;
}

import { type Request, type Response, Router } from 'express';
import { referralFollowUpRecorder } from '../server/commands/oversight/referralFollowUpRecorder.js';
import { flash } from '../server/middleware/locals.js';
import { rule } from '../server/middleware/rules.js';
import { type OnInvalid, validateBody, validateQuery } from '../server/middleware/validate.js';
import { authorize } from '../server/policies/index.js';
import { hotlineExport, hotlinePage } from '../server/presenters/hotline-overview.js';
import { overviewExport, overviewPage } from '../server/presenters/overview.js';
import { followUpForm, hotlineQuery, overviewQuery } from '../server/schemas/overview.js';
import { actorOf, auditedExport, bodyOf, by, langOf, queryOf } from './kit.js';

/** The hotline page, with the follow-up form's input and errors when it is shown again. */
async function renderHotline(
  req: Request,
  res: Response,
  query: ReturnType<typeof hotlineQuery.parse>,
  form: Parameters<OnInvalid>[2] = { values: {}, errors: {} },
) {
  res.render('overview/hotline', { pageTitle: req.t('overview.hotline.title'), hotline: await hotlinePage(actorOf(req), query, langOf(req)), form });
}

/** The city overview (#17): the districts side by side for a year and period, each table exported; the 12355 hotline across contracts. */
export function overviewRouter(): Router {
  const router = Router();
  router.get('/overview', rule('view', 'overview'), validateQuery(overviewQuery), async (req, res) => {
    const query = queryOf(res, overviewQuery);
    if (query.format) {
      authorize(req.user, 'export', 'overview');
      const spec = await overviewExport(actorOf(req), query, langOf(req));
      await auditedExport(req, res, {
        action: 'overview.export',
        format: query.format,
        filename: spec.filename,
        columns: spec.columns,
        rows: spec.rows,
        count: spec.rows.length,
        detail: { year: query.year, period: query.period, table: spec.table, fundSource: query.fundSource ?? null },
      });
      return;
    }
    res.render('overview/index', { pageTitle: req.t('overview.title'), overview: await overviewPage(actorOf(req), query, langOf(req)) });
  });

  router.get('/overview/hotline', rule('view', 'overview'), validateQuery(hotlineQuery), async (req, res) => {
    const query = queryOf(res, hotlineQuery);
    if (query.format) {
      authorize(req.user, 'export', 'overview');
      const spec = await hotlineExport(actorOf(req), query, langOf(req));
      await auditedExport(req, res, {
        action: 'overview.hotline_export',
        format: query.format,
        filename: spec.filename,
        columns: spec.columns as never,
        rows: spec.rows as never,
        count: spec.rows.length,
        detail: { year: query.year, quarter: query.quarter ?? null, table: spec.table },
      });
      return;
    }
    await renderHotline(req, res, query);
  });

  const followUpInvalid: OnInvalid = async (req, res, form) => {
    const values = form.values as { year?: string; quarter?: string };
    const query = hotlineQuery.safeParse({ year: values.year ?? '', quarter: values.quarter ?? '' });
    await renderHotline(req, res, query.success ? query.data : hotlineQuery.parse({}), form);
  };
  router.post('/overview/hotline/follow-ups', rule('record', 'referral_follow_up'), validateBody(followUpForm, followUpInvalid), async (req, res) => {
    const body = bodyOf(res, followUpForm);
    const { changed } = await referralFollowUpRecorder(body, by(req));
    flash(req, 'success', changed ? 'overview.hotline.recorded' : 'overview.hotline.unchanged');
    res.redirect(303, `/overview/hotline?year=${body.year}&quarter=${body.quarter}`);
  });
  return router;
}
